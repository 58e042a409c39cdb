// A property test of SliceMarketplace on the real runtime: thousands of random calls (valid and
// not) from farmers and renters over hundreds of blocks with a short rental month, so that rentals
// are made, cancelled, collected from and expire all the time. After every block:
//   - every node's allocated and free slices add up to what its capacity holds, and its `used`
//     is its allocated slices; free slices are Reserved exactly while the node is Down;
//   - no slice is in two live rentals, and every live rental's slices are allocated to it;
//   - what is held from each account equals the unpaid remainder of its live rentals;
//   - the total issuance only falls by the fees paid, and every account's balance adds up to it.
import fc from 'fast-check';
import { accountOf, type SigningPair } from '../node/signer.ts';
import type { RuntimeCallValue } from '../frame/pallet.ts';
import { SliceMarketplace } from '../runtime/runtime.ts';
import { Account } from '../frame/system/index.ts';
import { TotalIssuance } from '../pallets/balances/index.ts';
import { earnedAt, rentedSlices, slicesIn } from '../pallets/slice-marketplace/billing.ts';
import { Agenda, NodeRentals, Nodes, RenterRentals, Renters, Rentals, Slices } from '../pallets/slice-marketplace/storage.ts';
import type { Node, Rental, SliceStatus } from '../pallets/slice-marketplace/types.ts';
import { MarketChain, devSpecWith, gridNode, text } from './marketplace-chain.ts';
import { feePaid } from './support.ts';

const tx = SliceMarketplace.tx;
const MONTH = 6;
const world = {
  priceBand: { min: 1_000, max: 200_000 },
  blocksPerMonth: MONTH,
  slicePrice: 40_000,
  farms: { 1: '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y', 2: '5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy' },
  gridNodes: [
    gridNode(1, 1, [32, 128, 2000]),
    gridNode(2, 1, [8, 32, 1000], { status: 'standby' }),
    gridNode(3, 2, [6, 64, 800]),
    gridNode(4, 2, [16, 40, 3000], { status: 'down' }),
  ],
};

/** One random step, read against the state at the time it is planned. */
const step = fc.record({
  // Renting twice as likely as the rest, so that nodes fill up and rentals expire.
  kind: fc.constantFrom('rent_slice', 'rent_slice', 'rent_slices', 'rent_slices', 'cancel', 'price', 'lock', 'status', 'capacity', 'collect', 'register', 'remove'),
  actor: fc.nat({ max: 99 }),
  node: fc.nat({ max: 99 }),
  slice: fc.nat({ max: 99 }),
  count: fc.integer({ min: 0, max: 6 }),
  months: fc.integer({ min: 0, max: 3 }),
  amount: fc.integer({ min: 0, max: 250_000 }),
  status: fc.constantFrom('Up', 'Down', 'Standby'),
  owner: fc.boolean(),
});
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function plan(s: Step, chain: MarketChain, pairs: SigningPair[]): [SigningPair, RuntimeCallValue] {
  const { nodes, rentals } = chain.query(() => ({
    nodes: [...Nodes.entries()].map(([, n]) => n),
    rentals: [...Rentals.entries()].map(([, r]) => r),
  }));
  const pick = <T>(items: readonly T[], at: number): T | undefined => (items.length ? items[at % items.length] : undefined);
  const node = pick(nodes, s.node);
  const nodeId = s.node % 7 === 6 || !node ? 99 : node.id;
  const someone = pairs[s.actor % pairs.length];
  const farmer = s.owner && node ? pairs.find((p) => accountOf(p) === node.farmer) ?? someone : someone;
  const capacity = node?.capacity ?? { cpu_cores: 8, memory_gb: 32, storage_gb: 1000 };
  switch (s.kind) {
    case 'rent_slice': return [someone, tx.rent_slice({ node: nodeId, slice: s.slice % 12, duration_months: s.months })];
    case 'rent_slices': return [someone, tx.rent_slices({ node: nodeId, count: s.count, duration_months: s.months })];
    case 'cancel': {
      const rental = pick(rentals, s.slice);
      const renter = s.owner && rental ? pairs.find((p) => accountOf(p) === rental.renter) ?? someone : someone;
      return [renter, tx.cancel_rental({ rental: rental?.id ?? 1_000n })];
    }
    case 'price': return [farmer, tx.set_slice_price({ node: nodeId, price_per_hour: BigInt(s.amount) })];
    case 'lock': return [farmer, s.count % 2 ? tx.lock_price({ node: nodeId }) : tx.unlock_price({ node: nodeId })];
    case 'status': return [farmer, tx.set_node_status({ node: nodeId, status: { type: s.status } })];
    case 'capacity': {
      // Up or down by a few slices' worth, sometimes below what is rented.
      const delta = s.count - 3;
      return [farmer, tx.update_capacity({ node: nodeId, capacity: {
        cpu_cores: Math.max(capacity.cpu_cores + delta, 0), memory_gb: Math.max(capacity.memory_gb + 4 * delta, 0), storage_gb: Math.max(capacity.storage_gb + 200 * delta, 0),
      } })];
    }
    case 'collect': return [farmer, tx.collect_income({ node: nodeId })];
    case 'register': return [someone, tx.register_node({
      capacity: { cpu_cores: 2 + s.count, memory_gb: 8 + 4 * s.count, storage_gb: 400 + 200 * s.count },
      location: { country: text('Belgium'), city: text('Ghent') }, sla: { min_uptime: 990_000, min_bandwidth_mbps: 100 }, certification: { type: 'Diy' },
    })];
    case 'remove': return [farmer, tx.remove_node({ node: nodeId })];
  }
}

function checkInvariants(chain: MarketChain, pairs: SigningPair[], issuance: bigint): void {
  chain.query(() => {
    const nodes: Node[] = [...Nodes.entries()].map(([, n]) => n);
    const rentals: Rental[] = [...Rentals.entries()].map(([, r]) => r);
    const slices = new Map<string, SliceStatus>([...Slices.entries()].map(([[n, s], status]) => [`${n}/${s}`, status]));
    for (const node of nodes) {
      const own = [...slices].filter(([key]) => key.startsWith(`${node.id}/`)).map(([, status]) => status);
      const allocated = own.filter((s) => s.type === 'Allocated').length;
      expect({ node: node.id, slices: own.length, allocated }).toEqual({ node: node.id, slices: slicesIn(node.capacity), allocated: rentedSlices(node) });
      expect(node.used).toEqual({ cpu_cores: allocated, memory_gb: 4 * allocated, storage_gb: 200 * allocated });
      const free = own.filter((s) => s.type !== 'Allocated').map((s) => s.type);
      expect(new Set(free)).toEqual(new Set(free.length ? [node.status.type === 'Down' ? 'Reserved' : 'Available'] : []));
    }
    const taken = new Set<string>();
    for (const rental of rentals) {
      for (const slice of rental.slices) {
        const key = `${rental.node}/${slice}`;
        expect(taken.has(key)).toBe(false);
        taken.add(key);
        expect(slices.get(key)).toEqual({ type: 'Allocated', value: rental.id });
      }
      const node = nodes.find((n) => n.id === rental.node) as Node;
      expect(rental.paid_so_far <= earnedAt(rental, node, chain.head.number + 1) && earnedAt(rental, node, rental.end) <= rental.cost).toBe(true);
      expect([NodeRentals.contains(rental.node, rental.id), RenterRentals.contains(rental.renter, rental.id), Agenda.contains(rental.end, rental.id)])
        .toEqual([true, true, true]);
    }
    expect([...slices.values()].filter((s) => s.type === 'Allocated')).toHaveLength(taken.size);
    expect([...Agenda.entries()]).toHaveLength(rentals.length);
    let total = 0n;
    for (const pair of pairs) {
      const who = accountOf(pair);
      const own = rentals.filter((r) => r.renter === who);
      const { data } = Account.get(who);
      expect({ who, held: data.reserved, rentals: Renters.get(who).rentals })
        .toEqual({ who, held: own.reduce((sum, r) => sum + r.cost - r.paid_so_far, 0n), rentals: own.length });
      total += data.free + data.reserved;
    }
    expect(TotalIssuance.get()).toBe(issuance);
    expect([...Account.entries()].reduce((sum, [, info]) => sum + info.data.free + info.data.reserved, 0n)).toBe(issuance);
    expect(total <= issuance).toBe(true);
  });
}

describe('SliceMarketplace under random load', () => {
  it('keeps slices, rentals, held balances and issuance consistent after every block', () => {
    let calls = 0;
    let blocks = 0;
    const outcomes = { ok: 0, failed: 0, expired: 0 };
    fc.assert(fc.property(fc.array(fc.array(step, { maxLength: 6 }), { minLength: 250, maxLength: 250 }), (plannedBlocks) => {
      const chain = new MarketChain(devSpecWith(world));
      const pairs = Object.values(chain.accounts);
      let issuance = chain.issuance();
      for (const steps of plannedBlocks) {
        for (const s of steps) chain.submit(...plan(s, chain, pairs));
        const report = chain.newBlock();
        for (const x of report.extrinsics) {
          expect(x.refused).toBeUndefined();
          issuance -= feePaid(x.events);
          outcomes[x.error ? 'failed' : 'ok']++;
        }
        outcomes.expired += report.events.filter((e) => e.event.type === 'SliceMarketplace' && e.event.value.type === 'RentalExpired').length;
        calls += steps.length;
        blocks++;
        checkInvariants(chain, pairs, issuance);
      }
    }), { numRuns: 4, endOnFailure: true });
    expect(calls).toBeGreaterThan(1600);
    expect(blocks).toBe(1000);
    // The load is a real mix: most kinds of call succeed and fail, and rentals expire.
    expect(outcomes.ok).toBeGreaterThan(500);
    expect(outcomes.failed).toBeGreaterThan(500);
    expect(outcomes.expired).toBeGreaterThan(60);
  });
});
