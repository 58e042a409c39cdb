// The SliceMarketplace workload on the dev chain (with a 10-block rental month): every planned call
// turns out as planned, and the blocks hold what the issue asks simulate to show: farmers and
// nodes, price changes, rentals, cancellations, expiries and conflicting rentals in one block.
import { devSpecWith, devMarketplace } from '../../tests/marketplace-chain.ts';
import { Chain } from '../chain.ts';
import { devPairs } from '../keys.ts';
import { simulate } from '../simulate.ts';
import { sliceMarketplaceWorkload } from './slice-marketplace.ts';
import { DEFAULT_PROFILE } from './profiles.ts';

type Event = { type: string; value: { type: string; value?: unknown } };

function run(seed: number, blocks: number) {
  const chain = new Chain(devSpecWith({ ...devMarketplace, blocksPerMonth: 10 }));
  const seen: Event[][] = [];
  const report = simulate(chain, {
    blocks, seed, workloads: [sliceMarketplaceWorkload(DEFAULT_PROFILE.marketplace)], accounts: devPairs(),
    onBlock: () => seen.push(chain.read(() => chain.runtime.events()).map((record) => record.event as Event)),
  });
  return { chain, report, seen };
}

describe('the SliceMarketplace workload', () => {
  it('plans calls that turn out as expected, block after block', () => {
    const { report, seen } = run(7, 40);
    expect(report.unexpected).toEqual([]);
    expect(report.extrinsics.ok).toBeGreaterThan(100);
    expect(report.extrinsics.fail).toBeGreaterThan(20);
    const kinds = new Set(seen.flat().filter((e) => e.type === 'SliceMarketplace').map((e) => e.value.type));
    for (const kind of ['NodeRegistered', 'CapacityUpdated', 'SlicePriceSet', 'NodeStatusChanged', 'SlicesRented', 'RentalCancelled',
      'RentalExpired', 'IncomeCollected']) {
      expect(kinds).toContain(kind);
    }
    const conflicts = seen.filter((events) => events.some((e) => e.type === 'System' && e.value.type === 'ExtrinsicFailed'
      && JSON.stringify(e.value.value, (_, v) => (typeof v === 'bigint' ? v.toString() : v)).includes('"error":"0x0d000000"')));
    expect(conflicts.length).toBeGreaterThan(0);
  });

  it('is deterministic: the same seed gives the same blocks', () => {
    expect(run(3, 12).report.head).toBe(run(3, 12).report.head);
  });
});
