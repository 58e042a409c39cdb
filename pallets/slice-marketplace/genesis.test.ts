// Reading the marketplace's genesis config: gridproxy node records converted to slices' units, and
// every malformed record refused naming it.
import { stringToU8a } from '@polkadot/util';
import { slicesIn } from './billing.ts';
import { MarketplaceGenesisConfig } from './genesis.ts';

const PATH = 'genesis.runtimeGenesis.patch.sliceMarketplace';
const GIB = 2 ** 30;
const CHARLIE = '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y';
const CHARLIE_HEX = '0x90b5ab205c6974c9ea841be688864633dc9ca8a357843eeacf2314649965fe22';

const record = (overrides: Record<string, unknown> = {}) => ({
  nodeId: 11, farmId: 1, twinId: 42, country: 'Belgium', city: 'Ghent', uptime: 86_400,
  total_resources: { cru: 32, mru: 128 * GIB + 123, sru: 2000 * GIB, hru: 8000 * GIB },
  used_resources: { cru: 0, mru: 0, sru: 0, hru: 0 },
  status: 'up', certificationType: 'Certified', ...overrides,
});
const config = (nodes: unknown[], extra: Record<string, unknown> = {}) =>
  ({ priceBand: { min: 1000, max: 900_000 }, slicePrice: 40_000, farms: { 1: CHARLIE }, gridNodes: nodes, ...extra });

describe('the marketplace genesis config', () => {
  it('converts gridproxy nodes: bytes to whole GiB, the farm to its account, statuses and certifications', () => {
    const parsed = MarketplaceGenesisConfig.read(config([record(), record({ nodeId: 12, status: 'standby', certificationType: 'Diy', city: 'São Paulo', country: 'Brazil' })]), PATH);
    expect(parsed.priceBand).toEqual({ min: 1000n, max: 900_000n });
    expect(parsed.blocksPerMonth).toBe(432_000);
    expect(parsed.nodes[0]).toEqual({
      id: 11, farmer: CHARLIE_HEX, capacity: { cpu_cores: 32, memory_gb: 128, storage_gb: 2000 },
      location: { country: stringToU8a('Belgium'), city: stringToU8a('Ghent') }, certification: { type: 'Certified' },
      status: { type: 'Up' }, sla: { min_uptime: 990_000, min_bandwidth_mbps: 1000 }, slicePricePerHour: 40_000n,
      farmerField: `${PATH}.farms.1`,
    });
    expect(parsed.nodes[1]).toMatchObject({ status: { type: 'Standby' }, certification: { type: 'Diy' }, sla: { min_uptime: 950_000, min_bandwidth_mbps: 100 } });
    expect(parsed.nodes[1].location.city).toEqual(stringToU8a('São Paulo'));
  });

  it('takes amounts beyond 2^53 as strings, as gridproxy\'s older exports write them', () => {
    const parsed = MarketplaceGenesisConfig.read(config([record({ total_resources: { cru: '16', mru: String(64 * GIB), sru: String(1000 * GIB), hru: '0' } })]), PATH);
    expect(parsed.nodes[0].capacity).toEqual({ cpu_cores: 16, memory_gb: 64, storage_gb: 1000 });
  });

  it('offers what is free: total_resources less used_resources', () => {
    const busy = record({
      total_resources: { cru: 32, mru: 128 * GIB, sru: 2000 * GIB, hru: 0 },
      used_resources: { cru: 30, mru: 120 * GIB, sru: 1800 * GIB, hru: 0 },
    });
    const [node] = MarketplaceGenesisConfig.read(config([busy]), PATH).nodes;
    expect(node.capacity).toEqual({ cpu_cores: 2, memory_gb: 8, storage_gb: 200 });
    expect(slicesIn(node.capacity)).toBe(1);
    const { used_resources: _, ...unused } = busy;
    expect(slicesIn(MarketplaceGenesisConfig.read(config([unused]), PATH).nodes[0].capacity)).toBe(10);
    expect(() => MarketplaceGenesisConfig.read(config([record({ used_resources: { cru: 33, mru: 0, sru: 0, hru: 0 } })]), PATH))
      .toThrow(`${PATH}.gridNodes[0] (nodeId 11).used_resources.cru: 33 exceeds total_resources.cru 32`);
    expect(() => MarketplaceGenesisConfig.read(config([record({ used_resources: { cru: 0, mru: 0, sru: 0 } })]), PATH))
      .toThrow(`${PATH}.gridNodes[0] (nodeId 11).used_resources.hru: expected an integer, got undefined`);
  });

  it('applies the spec\'s SLAs and month, and defaults without them', () => {
    const parsed = MarketplaceGenesisConfig.read(config([record()], { blocksPerMonth: 600, sla: { certified: { minUptime: 999_000, minBandwidthMbps: 10_000 } } }), PATH);
    expect(parsed.blocksPerMonth).toBe(600);
    expect(parsed.nodes[0].sla).toEqual({ min_uptime: 999_000, min_bandwidth_mbps: 10_000 });
    expect(MarketplaceGenesisConfig.read({}, PATH)).toEqual({ priceBand: { min: 1_000n, max: 10_000_000n }, blocksPerMonth: 432_000, nodes: [] });
  });

  it('refuses a malformed record naming it and the field', () => {
    const refused = (nodes: unknown[], extra: Record<string, unknown> = {}) => () => MarketplaceGenesisConfig.read(config(nodes, extra), PATH);
    expect(refused([record(), record({ nodeId: 12, total_resources: { cru: 8, mru: 'lots', sru: 0, hru: 0 } })]))
      .toThrow(`${PATH}.gridNodes[1] (nodeId 12).total_resources.mru: expected an integer, got "lots"`);
    expect(refused([record({ total_resources: { cru: 8, mru: GIB, sru: 0 } })]))
      .toThrow(`${PATH}.gridNodes[0] (nodeId 11).total_resources.hru: expected an integer, got undefined`);
    expect(refused([record({ total_resources: { cru: -1, mru: 0, sru: 0, hru: 0 } })]))
      .toThrow(`${PATH}.gridNodes[0] (nodeId 11).total_resources.cru: -1 is negative`);
    expect(refused([record({ farmId: 7 })])).toThrow(`${PATH}.gridNodes[0] (nodeId 11).farmId: farm 7 is not in ${PATH}.farms`);
    expect(refused([record({ status: 'Up' })])).toThrow(`${PATH}.gridNodes[0] (nodeId 11).status: expected one of "up", "down", "standby", got "Up"`);
    expect(refused([record({ certificationType: 'Gold' })])).toThrow(`${PATH}.gridNodes[0] (nodeId 11).certificationType: expected one of "Diy", "Certified", got "Gold"`);
    expect(refused([record({ city: 7 })])).toThrow(`${PATH}.gridNodes[0] (nodeId 11).city: expected a string, got 7`);
    expect(refused([record({ country: 'x'.repeat(65) })])).toThrow(`${PATH}.gridNodes[0] (nodeId 11).country: 65 bytes exceed 64`);
    expect(refused([record(), record()])).toThrow(`${PATH}.gridNodes[1].nodeId: node 11 is also ${PATH}.gridNodes[0]`);
    expect(refused([record({ nodeId: 1.5 })])).toThrow(`${PATH}.gridNodes[0].nodeId: 1.5 is not an integer`);
    expect(refused(['node'])).toThrow(`${PATH}.gridNodes[0]: expected an object, got "node"`);
    expect(refused(Array.from({ length: 129 }, (_, i) => record({ nodeId: i }))))
      .toThrow(`${PATH}.gridNodes[128] (nodeId 128).farmId: its farmer ${CHARLIE_HEX} would have more than 128 nodes`);
    expect(refused([record({ total_resources: { cru: 512, mru: 4096 * GIB, sru: 200_000 * GIB, hru: 0 } })]))
      .toThrow(`${PATH}.gridNodes[0] (nodeId 11).total_resources: holds 512 slices, more than a node may offer (256)`);
  });

  it('refuses a bad band, price, farm or SLA naming the field', () => {
    const refused = (extra: Record<string, unknown>) => () => MarketplaceGenesisConfig.read(config([], extra), PATH);
    expect(refused({ priceBand: { min: 10, max: 5 } })).toThrow(`${PATH}.priceBand: min 10 exceeds max 5`);
    expect(refused({ priceBand: { min: 0, max: 5 } })).toThrow(`${PATH}.priceBand.min: 0 is below the minimum 1`);
    expect(refused({ slicePrice: 999 })).toThrow(`${PATH}.slicePrice: 999 is outside the price band 1000..900000`);
    expect(refused({ farms: { 1: 'nobody' } })).toThrow(/^genesis\.runtimeGenesis\.patch\.sliceMarketplace\.farms\.1: "nobody" is not a valid address/);
    expect(refused({ farms: { x: CHARLIE } })).toThrow(`${PATH}.farms.x: expected an integer, got "x"`);
    expect(refused({ sla: { diy: { minUptime: 1_000_001, minBandwidthMbps: 1 } } })).toThrow(`${PATH}.sla.diy.minUptime: 1000001 exceeds the maximum 1000000`);
    expect(refused({ blocksPerMonth: 0 })).toThrow(`${PATH}.blocksPerMonth: 0 is below the minimum 1`);
    expect(refused({ gridNode: [] })).toThrow(`${PATH}.gridNode: unknown field`);
  });
});
