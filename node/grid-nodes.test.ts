// `slicechain grid-nodes` against a running dev node, as a farmer uses it: a saved gridproxy /nodes
// answer with Charlie's farm 1 (one node new, one already on chain with less free now, one as it is)
// and another farm's record; a dry run changes nothing, the real run registers and updates, a second
// run finds nothing to do, a block's refusal is reported with exit code 1, and a malformed record is
// refused naming it before anything is sent.
import { jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from './cli.ts';
import { startNode, type RunningNode } from './node.ts';
import { Keyring } from '@polkadot/keyring';
import { accountOf, signExtrinsic } from './signer.ts';
import { Nodes } from '../pallets/slice-marketplace/storage.ts';
import { SliceMarketplace, runtime } from '../runtime/runtime.ts';
import { accountNonce } from '../frame/system/index.ts';

const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
const CHARLIE = '0x90b5ab205c6974c9ea841be688864633dc9ca8a357843eeacf2314649965fe22';
const GIB = 2 ** 30;
const record = (nodeId: number, farmId: number, used?: { cru: number; mru: number; sru: number }) => ({
  nodeId, farmId, twinId: 5000 + nodeId, country: 'Belgium', city: 'Ghent', status: 'up', certificationType: 'Certified', uptime: 1,
  total_resources: { cru: 8, mru: 32 * GIB, sru: 1024 * GIB, hru: 0 },
  ...(used ? { used_resources: { ...used, hru: 0 } } : {}),
});
const genesisNode23 = { ...record(23, 1), country: 'Tanzania', city: 'Zanzibar', certificationType: 'Diy',
  total_resources: { cru: 8, mru: 34359738368, sru: 1099511627776, hru: 4294967296000 } };

let running: RunningNode;
let dir: string;
beforeAll(async () => {
  running = await startNode({ port: 0, sealing: 'instant' });
  dir = mkdtempSync(join(tmpdir(), 'grid-nodes-'));
}, 120_000);
afterAll(() => running.close());

async function gridNodes(records: unknown, ...flags: string[]): Promise<string> {
  const file = join(dir, `nodes-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(records));
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await buildProgram().parseAsync(['grid-nodes', file, '--farm', '1', '--suri', '//Charlie', '--url', running.url, ...flags], { from: 'user' });
    return log.mock.calls.map((call) => call.join(' ')).join('\n');
  } finally {
    log.mockRestore();
  }
}

const stored = (id: number) => running.node.chain.read(() => Nodes.get(id));

describe('grid-nodes', () => {
  const answer = [record(9001, 1), { ...genesisNode23, used_resources: { cru: 4, mru: 0, sru: 0, hru: 0 } }, record(9002, 7), record(25, 1)];

  it('--dry-run prints the plan for the signer\'s farm and submits nothing', async () => {
    const head = running.node.chain.head.number;
    expect(stored(25)?.farmer).toBe(CHARLIE); // on chain since genesis, as the file has it
    const plan = JSON.parse(await gridNodes(answer, '--dry-run', '--json'));
    expect(plan.dry_run).toBe(true);
    expect(plan.nodes.map((n: { node: number; action: string }) => [n.node, n.action])).toEqual([
      [9001, 'register'], [23, 'update_capacity'], [25, 'unchanged']]);
    expect([running.node.chain.head.number, stored(9001)]).toEqual([head, undefined]);
    expect(await gridNodes(answer, '--dry-run')).toContain('node 9001: register (8 vCPU, 32 GB RAM, 1024 GB SSD free)');
  });

  it('registers new grid nodes under their gridproxy id and updates changed capacity; a second run has nothing to do', async () => {
    const result = JSON.parse(await gridNodes([record(9001, 1), { ...genesisNode23, used_resources: { cru: 4, mru: 0, sru: 0, hru: 0 } }], '--json'));
    expect(result.nodes).toEqual([
      { node: 9001, action: 'register', capacity: { cpu_cores: 8, memory_gb: 32, storage_gb: 1024 }, outcome: 'ok' },
      { node: 23, action: 'update_capacity', capacity: { cpu_cores: 4, memory_gb: 32, storage_gb: 1024 }, outcome: 'ok' },
    ]);
    expect(stored(9001)).toMatchObject({ id: 9001, farmer: CHARLIE, capacity: { cpu_cores: 8, memory_gb: 32, storage_gb: 1024 }, certification: { type: 'Certified' },
      location: { country: new TextEncoder().encode('Belgium'), city: new TextEncoder().encode('Ghent') }, sla: { min_uptime: 990_000, min_bandwidth_mbps: 1_000 } });
    expect(stored(23)?.capacity).toEqual({ cpu_cores: 4, memory_gb: 32, storage_gb: 1024 });
    const again = JSON.parse(await gridNodes([record(9001, 1), { ...genesisNode23, used_resources: { cru: 4, mru: 0, sru: 0, hru: 0 } }], '--json'));
    expect(again.nodes.map((n: { action: string }) => n.action)).toEqual(['unchanged', 'unchanged']);
  }, 120_000);

  it('reports the block\'s refusal (ExtrinsicFailed) and exits with 1: capacity below what rented slices use', async () => {
    const { spec_version: specVersion, transaction_version: transactionVersion } = runtime.version;
    const chain = running.node.chain;
    const nonce = chain.read(() => accountNonce(accountOf(alice)));
    running.node.submit(signExtrinsic(runtime, alice, SliceMarketplace.tx.rent_slice({ node: 25, slice: 0, duration_months: 1 }),
      { nonce, genesisHash: chain.genesisHash, specVersion, transactionVersion }));
    while (chain.read(() => accountNonce(accountOf(alice))) === nonce) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stored(25)?.used.cpu_cores).toBe(1);
    const allUsed = { ...record(25, 1), used_resources: { cru: 8, mru: 0, sru: 0, hru: 0 } };
    const output = await gridNodes([allUsed]);
    expect(output).toContain('node 25: update_capacity (0 vCPU, 32 GB RAM, 1024 GB SSD free): failed: sliceMarketplace.CapacityBelowRented');
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    expect(stored(25)?.capacity.cpu_cores).toBe(8);
  }, 120_000);

  it('refuses a malformed record naming the record and the field, before sending anything', async () => {
    const head = running.node.chain.head.number;
    const bad = [record(9003, 1), { ...record(9004, 1), total_resources: { cru: 8, mru: 'lots', sru: 0, hru: 0 } }];
    await expect(gridNodes(bad)).rejects.toThrow(/\[1\] \(nodeId 9004\)\.total_resources\.mru/);
    await expect(gridNodes([{ nodeId: 1 }])).rejects.toThrow(/\[0\]\.farmId/);
    expect([running.node.chain.head.number, stored(9003)]).toEqual([head, undefined]);
  });
});
