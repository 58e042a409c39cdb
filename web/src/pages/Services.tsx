// Services: operators with the price targets in force and any pending increase (its block and a
// countdown), a ServicesApi::quote calculator, requesting a service, top-up and terminate for its
// owner, and for an operator, updating its price targets (now, or after the notice period).
import { useState } from 'preact/hooks';
import {
  PRICE_FIELDS, eventOf, type OperatorPreferences, type PendingPriceChange, type Price, type PriceTargets, type Quote, type Resources, type Service,
} from '../chain.ts';
import { ErrorNote, Field, Loading, Tokens, TxStatus, Usd, useTx } from '../components.tsx';
import { formatBlocks, formatUsd, parseDecimal } from '../format.ts';
import { useApp, useLive } from '../state.ts';

const FIELD_LABELS: Record<(typeof PRICE_FIELDS)[number], string> = {
  cpu: 'CPU (per vCPU)', mem: 'Memory (per MB)', storage_hdd: 'HDD (per GB)', storage_ssd: 'SSD (per GB)', storage_nvme: 'NVMe (per GB)',
};
/** `CPU`, `Memory`, `HDD`…: the field's name without its unit. */
const shortLabel = (f: (typeof PRICE_FIELDS)[number]): string => FIELD_LABELS[f].split(' ')[0];
const CLASSES = ['Hdd', 'Ssd', 'Nvme'] as const;

interface Operator { account: string; prefs: OperatorPreferences; pending: PendingPriceChange | undefined }

export function Services() {
  const { conn, block, account, nameOf } = useApp();
  const live = useLive(async (at) => {
    const [operators, pending, notice] = await Promise.all([
      conn.api.query.Services.Operators.getEntries({ at }) as Promise<{ keyArgs: [string]; value: OperatorPreferences }[]>,
      conn.api.query.Services.PendingPriceChanges.getEntries({ at }) as Promise<{ keyArgs: [string]; value: PendingPriceChange }[]>,
      conn.api.query.Services.MinNoticeBlocks.getValue({ at }) as Promise<number>,
    ]);
    const list: Operator[] = operators.map(({ keyArgs: [op], value }) => ({ account: op, prefs: value, pending: pending.find((p) => p.keyArgs[0] === op)?.value }));
    return { operators: list, notice };
  }, []);
  const me = live.data?.operators.find((o) => o.account === account.address);
  return (
    <section aria-labelledby="services-title">
      <h2 id="services-title">Services</h2>
      <ErrorNote error={live.error} />
      {!live.data ? <Loading what="operators" /> : (
        <>
          <h3>Operators</h3>
          <p class="muted">Prices in USD per hour. A raise applies {formatBlocks(live.data.notice)} ({live.data.notice} blocks) after it is announced; a cut applies at once.</p>
          <div class="table-wrap">
            <table>
              <caption class="sr-only">Operators</caption>
              <thead>
                <tr>
                  <th scope="col">Operator</th><th scope="col">Approval</th>
                  {PRICE_FIELDS.map((f) => <th scope="col" key={f}>{FIELD_LABELS[f]}</th>)}
                  <th scope="col">Pending increase</th>
                </tr>
              </thead>
              <tbody>
                {live.data.operators.map((o) => (
                  <tr key={o.account} aria-label={`Operator ${nameOf(o.account)}`}>
                    <th scope="row">{nameOf(o.account)}</th>
                    <td>{o.prefs.approval.type === 'Required' ? 'Required' : 'Automatic'}</td>
                    {PRICE_FIELDS.map((f) => <td key={f}><Usd micro={o.prefs.price_targets[f]} /></td>)}
                    <td>{o.pending ? (
                      <>
                        {PRICE_FIELDS.filter((f) => o.pending?.price_targets[f] !== o.prefs.price_targets[f])
                          .map((f) => `${shortLabel(f)} ${formatUsd(o.pending?.price_targets[f] ?? 0n)}`).join(', ')}
                        {' '}from block #{o.pending.effective_at} <small>(in {formatBlocks(Math.max(0, o.pending.effective_at - block.number))})</small>
                      </>
                    ) : 'None'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {live.data.operators.length > 0 && <QuoteAndRequest operators={live.data.operators} />}
          {me && <UpdatePrices operator={me} notice={live.data.notice} />}
          <MyServices />
        </>
      )}
    </section>
  );
}

function PriceText({ price }: { price: Price }) {
  return <><Usd micro={price.per_hour} /> per hour, <Usd micro={price.per_block} /> per block (+{String(price.per_block_remainder)} micro-USD over the hour)</>;
}

function QuoteAndRequest({ operators }: { operators: Operator[] }) {
  const { conn, nameOf } = useApp();
  const { token } = conn;
  const tx = useTx();
  const [operator, setOperator] = useState(operators[0].account);
  const [vcpu, setVcpu] = useState('2');
  const [mem, setMem] = useState('4096');
  const [storageClass, setStorageClass] = useState<(typeof CLASSES)[number]>('Ssd');
  const [storage, setStorage] = useState('100');
  const [ttl, setTtl] = useState('600');
  const [deposit, setDeposit] = useState('10');
  const resources: Resources = { vcpu: Number(vcpu), mem_mb: Number(mem), storage_gb: Number(storage), storage_class: { type: storageClass, value: undefined } };
  const valid = [resources.vcpu, resources.mem_mb, resources.storage_gb].every((n) => Number.isInteger(n) && n >= 0);
  const quote = useLive((at) => (valid ? conn.api.apis.ServicesApi.quote(operator, resources, { at }) as Promise<Quote | undefined> : Promise.resolve(undefined)),
    [operator, vcpu, mem, storageClass, storage]);
  const planck = parseDecimal(deposit, token.decimals);
  const started = tx.progress && eventOf<{ service_id: bigint }>(tx.progress, 'Services', 'ServiceInitiated');
  return (
    <>
      <h3>Quote and request</h3>
      <form aria-label="Quote" class="filters" onSubmit={(e) => {
        e.preventDefault();
        if (planck !== undefined) void tx.send(conn.api.tx.Services.request({ operators: [operator], resources, ttl_blocks: Number(ttl), deposit: planck }));
      }}>
        <Field label="Operator">
          <select value={operator} onChange={(e) => setOperator(e.currentTarget.value)}>
            {operators.map((o) => <option key={o.account} value={o.account}>{nameOf(o.account)}</option>)}
          </select>
        </Field>
        <Field label="vCPU"><input type="number" min={0} value={vcpu} onInput={(e) => setVcpu(e.currentTarget.value)} /></Field>
        <Field label="Memory (MB)"><input type="number" min={0} value={mem} onInput={(e) => setMem(e.currentTarget.value)} /></Field>
        <Field label="Storage class">
          <select value={storageClass} onChange={(e) => setStorageClass(e.currentTarget.value as (typeof CLASSES)[number])}>
            {CLASSES.map((c) => <option key={c} value={c}>{c.toUpperCase()}</option>)}
          </select>
        </Field>
        <Field label="Storage (GB)"><input type="number" min={0} value={storage} onInput={(e) => setStorage(e.currentTarget.value)} /></Field>
        <section class="quote" aria-live="polite" aria-label="Price quote">
          {!quote.data ? (quote.loading ? 'Quoting…' : 'No quote for these resources.') : (
            <>
              <p>Now: <PriceText price={quote.data.now} /></p>
              {quote.data.after_pending_change
                ? <p>From block #{quote.data.after_pending_change[1]}: <PriceText price={quote.data.after_pending_change[0]} /></p>
                : <p class="muted">No pending price change.</p>}
            </>
          )}
        </section>
        <Field label="Duration (blocks)"><input type="number" min={1} required value={ttl} onInput={(e) => setTtl(e.currentTarget.value)} /></Field>
        <Field label={`Deposit (${token.symbol})`}><input inputMode="decimal" required value={deposit} onInput={(e) => setDeposit(e.currentTarget.value)} /></Field>
        <button type="submit" disabled={tx.busy || !valid || planck === undefined}>Request service</button>
      </form>
      <TxStatus progress={tx.progress} />
      {started && <p role="status">Service #{String(started.service_id)} started.</p>}
    </>
  );
}

function UpdatePrices({ operator, notice }: { operator: Operator; notice: number }) {
  const { conn, block } = useApp();
  const tx = useTx();
  const current = operator.prefs.price_targets;
  const [values, setValues] = useState(() => Object.fromEntries(PRICE_FIELDS.map((f) => [f, formatUsd(current[f]).slice(1).replace(/,/g, '')])) as Record<keyof PriceTargets, string>);
  const parsed = PRICE_FIELDS.map((f) => parseDecimal(values[f], 6));
  const valid = parsed.every((v) => v !== undefined);
  const targets = Object.fromEntries(PRICE_FIELDS.map((f, i) => [f, parsed[i] ?? 0n])) as PriceTargets;
  const raises = PRICE_FIELDS.filter((f) => targets[f] > current[f]);
  return (
    <>
      <h3>My price targets</h3>
      <form aria-label="My price targets" class="filters" onSubmit={(e) => {
        e.preventDefault();
        if (valid) void tx.send(conn.api.tx.Services.update_price_targets({ price_targets: targets }));
      }}>
        {PRICE_FIELDS.map((f) => (
          <Field key={f} label={`${FIELD_LABELS[f]} (USD per hour)`}>
            <input inputMode="decimal" required value={values[f]} aria-invalid={parsed[PRICE_FIELDS.indexOf(f)] === undefined}
              onInput={(e) => setValues({ ...values, [f]: e.currentTarget.value })} />
          </Field>
        ))}
        <p aria-live="polite" class="notice">{!valid ? 'Enter prices in USD with up to 6 decimals.' : raises.length === 0
          ? 'No price rises: the change applies now, in the next block.'
          : `Raises ${raises.map(shortLabel).join(', ')}: the change applies after the notice period, at block #${block.number + 1 + notice} (in ${formatBlocks(notice + 1)}). Prices of running services stay locked.`}</p>
        <button type="submit" disabled={!valid || tx.busy}>Sign and update prices</button>
      </form>
      <TxStatus progress={tx.progress} />
    </>
  );
}

function MyServices() {
  const { conn, account, nameOf } = useApp();
  const tx = useTx();
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  const live = useLive(async (at) => {
    const all = await conn.api.query.Services.Services.getEntries({ at }) as { keyArgs: [bigint]; value: Service }[];
    return all.filter((s) => s.value.owner === account.address);
  }, [account.address]);
  const ended = tx.progress && eventOf<{ service_id: bigint; refund: bigint }>(tx.progress, 'Services', 'ServiceTerminated');
  return (
    <>
      <h3>My services</h3>
      {!live.data ? <Loading what="services" /> : live.data.length === 0 ? <p class="empty">{account.name} runs no service.</p> : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">My services</caption>
            <thead><tr><th scope="col">Service</th><th scope="col">Operators</th><th scope="col">Resources</th><th scope="col">Blocks charged</th><th scope="col">Deposit left</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {live.data.map(({ keyArgs: [id], value: s }) => {
                const amount = parseDecimal(amounts[String(id)] ?? '', conn.token.decimals);
                return (
                  <tr key={String(id)} aria-label={`Service ${id}`}>
                    <th scope="row">#{String(id)}</th>
                    <td>{s.prices.map((p) => <div key={p.operator}>{nameOf(p.operator)} at <Usd micro={p.per_hour} />/h</div>)}</td>
                    <td>{s.resources.vcpu} vCPU, {s.resources.mem_mb} MB, {s.resources.storage_gb} GB {s.resources.storage_class.type.toUpperCase()}</td>
                    <td>{s.charged_blocks} of {s.ttl_blocks}</td>
                    <td><Tokens planck={s.balance} /></td>
                    <td class="actions">
                      <input aria-label={`Top-up amount for service ${id} (${conn.token.symbol})`} inputMode="decimal" size={6}
                        value={amounts[String(id)] ?? ''} onInput={(e) => setAmounts({ ...amounts, [String(id)]: e.currentTarget.value })} />
                      <button type="button" disabled={tx.busy || !amount} aria-label={`Top up service ${id}`}
                        onClick={() => amount && void tx.send(conn.api.tx.Services.top_up({ service_id: id, amount }))}>Top up</button>
                      <button type="button" class="ghost" disabled={tx.busy} aria-label={`Terminate service ${id}`}
                        onClick={() => void tx.send(conn.api.tx.Services.terminate({ service_id: id }))}>Terminate</button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <TxStatus progress={tx.progress} />
      {ended && <p role="status">Service #{String(ended.service_id)} ended: <Tokens planck={ended.refund} /> refunded.</p>}
    </>
  );
}
