// The listings index answers list_slices exactly as the runtime's full scan does over the same
// state: after blocks of the seeded workload, after dev_setStorage edits a node, after dev_setHead
// goes back, and (by falling back to the scan) at a past block.
import fc from 'fast-check';
import { loadChainSpec } from '../genesis/spec.ts';
import { Nodes } from '../pallets/slice-marketplace/storage.ts';
import { Node, PageRequest, SliceFilter, SlicePage } from '../pallets/slice-marketplace/types.ts';
import { Struct } from '../primitives/scale.ts';
import { DevNode } from './dev-node.ts';
import { devPairs } from './keys.ts';
import { simulate } from './simulate.ts';
import { profileWorkloads } from './workloads/profiles.ts';

const LIST_SLICES = 'SliceMarketplaceApi_list_slices';
const Input = Struct('test::ListSlicesInput', { filter: SliceFilter, page: PageRequest });

const filter = fc.record({
  country: fc.option(fc.constantFrom('BE', 'DE', 'EG', 'US', 'XX').map((c) => new TextEncoder().encode(c)), { nil: undefined }),
  city: fc.constant(undefined),
  min_free_slices: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
  max_price_per_hour: fc.option(fc.bigInt({ min: 0n, max: 3_000_000n }), { nil: undefined }),
  min_uptime: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
  min_bandwidth_mbps: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }),
  certification: fc.option(fc.constantFrom({ type: 'Diy' as const }, { type: 'Certified' as const }), { nil: undefined }),
  status: fc.option(fc.constantFrom({ type: 'Up' as const }, { type: 'Down' as const }, { type: 'Standby' as const }), { nil: undefined }),
});
const page = fc.record({
  index: fc.integer({ min: 0, max: 5 }),
  size: fc.integer({ min: 1, max: 120 }),
  sort: fc.constantFrom(...(['PriceAscending', 'PriceDescending', 'Uptime', 'Location'] as const).map((type) => ({ type, value: undefined }))),
});

describe('the listings index (node/slice-index.ts)', () => {
  const node = new DevNode({ spec: loadChainSpec('dev'), sealing: 'manual' });
  afterAll(() => node.stop());

  /** list_slices through the node (the index at the head) and through the runtime's full scan, at `hash`. */
  function bothAnswers(input: { filter: SliceFilter; page: PageRequest }, hash = node.head.hash): [SlicePage, SlicePage] {
    const bytes = Input.enc(input);
    const indexed = SlicePage.dec(node.call(LIST_SLICES, bytes, hash));
    const scanned = node.api<SlicePage>(LIST_SLICES, [input.filter, input.page], hash);
    return [indexed, scanned];
  }
  const sameAnswers = (hash?: string) => fc.assert(fc.property(filter, page, (f, p) => {
    const [indexed, scanned] = bothAnswers({ filter: f as SliceFilter, page: p as PageRequest }, hash as never);
    expect(indexed).toEqual(scanned);
  }), { numRuns: 60 });

  it('equals the full scan after blocks of the seeded workload', () => {
    sameAnswers();
    simulate(node.chain, { blocks: 12, seed: 7, workloads: profileWorkloads(), accounts: devPairs() });
    sameAnswers();
  }, 300_000);

  it('follows dev_setStorage and dev_setHead, and a past block gets the scan', () => {
    const pastHash = node.chain.hashAt(node.head.number - 5) as string;
    const [id, first] = node.read(undefined, () => [...Nodes.entries()][0]);
    node.setStorage([[Nodes.key(...id), Node.enc({ ...first, slice_price_per_hour: 1n, status: { type: 'Down', value: undefined } })]]);
    const cheapest = bothAnswers({ filter: { status: { type: 'Down', value: undefined } } as SliceFilter, page: { index: 0, size: 1, sort: { type: 'PriceAscending', value: undefined } } });
    expect(cheapest[0].items[0]?.node).toBe(first.id);
    sameAnswers();
    node.setHead(node.head.number - 3);
    sameAnswers();
    sameAnswers(pastHash);
  }, 300_000);
});
