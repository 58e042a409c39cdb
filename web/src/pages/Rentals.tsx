// My rentals: SliceMarketplaceApi::user_dashboard for the selected account, and cancelling a rental
// with the refund it would get shown before signing.
import { useState } from 'preact/hooks';
import { eventOf, type RentalSummary, type UserDashboard } from '../chain.ts';
import { Dialog, ErrorNote, Loading, Tokens, TxStatus, Usd, useTx } from '../components.tsx';
import { formatBlocks } from '../format.ts';
import { useApp, useLive } from '../state.ts';

export function Rentals() {
  const { conn, account } = useApp();
  const [cancelling, setCancelling] = useState<RentalSummary>();
  const live = useLive((at) => conn.api.apis.SliceMarketplaceApi.user_dashboard(account.address, { at }) as Promise<UserDashboard>, [account.address]);
  const board = live.data;
  return (
    <section aria-labelledby="rentals-title">
      <h2 id="rentals-title">My rentals</h2>
      <ErrorNote error={live.error} />
      {!board ? <Loading what="rentals" /> : (
        <>
          <dl class="totals">
            <div><dt>Live rentals</dt><dd>{board.rentals.length}</dd></div>
            <div><dt>Spent</dt><dd><Tokens planck={board.spent} /></dd></div>
            <div><dt>Held</dt><dd><Tokens planck={board.held} /></dd></div>
          </dl>
          {board.rentals.length === 0 ? <p class="empty">{account.name} has no live rentals. Rent slices in the compute marketplace.</p> : (
            <div class="table-wrap">
              <table>
                <caption class="sr-only">Live rentals</caption>
                <thead>
                  <tr>
                    <th scope="col">Rental</th><th scope="col">Node</th><th scope="col">Slices</th><th scope="col">Ends</th><th scope="col">Time left</th>
                    <th scope="col">Price per slice-hour</th><th scope="col">Paid</th><th scope="col">Accrued</th><th scope="col">Refundable</th><th scope="col"><span class="sr-only">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {board.rentals.map((r) => (
                    <tr key={String(r.rental)} aria-label={`Rental ${r.rental}`}>
                      <th scope="row">#{String(r.rental)}</th>
                      <td>Node #{r.node}</td>
                      <td>{r.slices.length} <small class="muted">({r.slices.join(', ')})</small></td>
                      <td>block #{r.end}</td>
                      <td>{formatBlocks(r.remaining_blocks)}</td>
                      <td><Usd micro={r.price_per_hour} /></td>
                      <td><Tokens planck={r.paid} /></td>
                      <td><Tokens planck={r.accrued} /></td>
                      <td><Tokens planck={r.refundable} /></td>
                      <td><button type="button" onClick={() => setCancelling(r)} aria-label={`Cancel rental ${r.rental}`}>Cancel</button></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {cancelling && <CancelForm rental={cancelling} onClose={() => setCancelling(undefined)} />}
    </section>
  );
}

function CancelForm({ rental, onClose }: { rental: RentalSummary; onClose(): void }) {
  const { conn } = useApp();
  const tx = useTx();
  const cancelled = tx.progress && eventOf<{ paid: bigint; refunded: bigint }>(tx.progress, 'SliceMarketplace', 'RentalCancelled');
  return (
    <Dialog title={`Cancel rental ${rental.rental}`} onClose={onClose}>
      <p>
        Cancelling now pays the farmer what the rental has earned and refunds <strong><Tokens planck={rental.refundable} /></strong> of
        the <Tokens planck={rental.cost} /> held (as of the next block).
      </p>
      <button type="button" disabled={tx.busy || cancelled !== undefined}
        onClick={() => void tx.send(conn.api.tx.SliceMarketplace.cancel_rental({ rental: rental.rental }))}>Sign and cancel</button>
      <TxStatus progress={tx.progress} />
      {cancelled && <p role="status">Cancelled: refunded <Tokens planck={cancelled.refunded} />; the farmer was paid <Tokens planck={cancelled.paid} /> in all.</p>}
    </Dialog>
  );
}
