// History that survives a restart, as a user sees it through @polkadot/api: a node kept at
// --base-path is stopped and started again, and System.Account at block 5 reads what it read
// before; dev_setHead goes back past the restart. What such a node holds in memory does not grow
// with its chain: no blocks (read from the database) and the undo records of the last
// UNDO_IN_MEMORY blocks (older ones read from the database too), while every old block and state
// of the --state-pruning window still answers, before and after a restart.
import '@polkadot/api-augment';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import type { Option, Raw } from '@polkadot/types';
import { hexToU8a } from '@polkadot/util';
import { TOKEN } from '../frame/units.ts';
import { UNDO_IN_MEMORY } from './dev-node.ts';
import { startNode, type RunningNode } from './node.ts';

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');

const basePath = mkdtempSync(join(tmpdir(), 'slicechain-restart-'));
const boundedBasePath = mkdtempSync(join(tmpdir(), 'slicechain-bounded-'));
let running: RunningNode | undefined;
let api: ApiPromise | undefined;

/** Starts a node (stopping the one running: a node left open keeps jest's process alive) and connects a client. */
async function start(opts: { stateHistory?: number; basePath?: string } = {}): Promise<ApiPromise> {
  await stop();
  running = await startNode({ port: 0, sealing: 'manual', unsafe: true, basePath, ...opts });
  api = await ApiPromise.create({ provider: new WsProvider(running.url), throwOnConnect: true, noInitWarn: true });
  return api;
}

async function stop(): Promise<void> {
  await api?.disconnect();
  await running?.close();
  api = undefined;
  running = undefined;
}

afterAll(async () => {
  await stop();
  rmSync(basePath, { recursive: true, force: true });
  rmSync(boundedBasePath, { recursive: true, force: true });
});

describe('a node restarted on its --base-path', () => {
  it('answers System.Account at block 5 as before the restart, and dev_setHead rewinds past it', async () => {
    let client = await start();
    for (let n = 0; n < 8; n++) {
      const tx = await client.tx.balances.transferKeepAlive(bob.address, BigInt(n + 1) * 10n ** 12n).signAsync(alice, { nonce: n });
      await client.rpc('dev_newBlock' as never, { transactions: [tx.toHex()] } as never);
    }
    const hash5 = (await client.rpc.chain.getBlockHash(5)).toHex();
    const before = (await (await client.at(hash5)).query.system.account(bob.address)).toJSON();
    const head = (await client.rpc.chain.getHeader()).number.toNumber();
    expect(head).toBe(8);
    await stop();

    client = await start();
    expect((await client.rpc.chain.getHeader()).number.toNumber()).toBe(head);
    expect((await client.rpc.chain.getBlockHash(5)).toHex()).toBe(hash5);
    expect((await (await client.at(hash5)).query.system.account(bob.address)).toJSON()).toEqual(before);
    // Back past the restart: the head state is block 5's again.
    await client.rpc('dev_setHead' as never, 5 as never);
    expect((await client.query.system.account(bob.address)).toJSON()).toEqual(before);
    await stop();

    // --state-pruning 2: older state is gone, as on a pruned Substrate node.
    client = await start({ stateHistory: 2 });
    expect((await client.rpc.chain.getHeader()).number.toNumber()).toBe(5);
    await expect(client.rpc.state.getStorage(client.query.system.account.key(bob.address), await client.rpc.chain.getBlockHash(2)))
      .rejects.toThrow(/State already discarded/);
    expect((await client.rpc.state.getStorage(client.query.system.account.key(bob.address), await client.rpc.chain.getBlockHash(3)))).toBeTruthy();
  }, 120_000);
});

const BLOCKS = UNDO_IN_MEMORY + 16;
const bobFree = async (client: ApiPromise, at: string) => (await (await client.at(at)).query.system.account(bob.address)).data.free.toBigInt();

describe('what a node kept at --base-path holds in memory', () => {
  it(`holds no blocks and at most ${UNDO_IN_MEMORY} undo records in memory after ${BLOCKS} blocks, and still serves every block and state`, async () => {
    let client = await start({ basePath: boundedBasePath });
    const node = () => (running as RunningNode).node;
    // Block n transfers n tokens to Bob: his balance at block n tells which state answered.
    for (let n = 1; n <= BLOCKS; n++) {
      const tx = await client.tx.balances.transferKeepAlive(bob.address, BigInt(n) * TOKEN).signAsync(alice, { nonce: n - 1 });
      node().seal([tx.toU8a()]);
    }
    const genesis = (await client.rpc.chain.getBlockHash(0)).toHex();
    const hash3 = (await client.rpc.chain.getBlockHash(3)).toHex();
    const atGenesis = await bobFree(client, genesis);
    const expectStateOfBlock3 = async () => expect(await bobFree(client, hash3)).toBe(atGenesis + 6n * TOKEN);
    const expectBlock1 = async () => {
      const { block } = await client.rpc.chain.getBlock(await client.rpc.chain.getBlockHash(1));
      expect(block.header.number.toNumber()).toBe(1);
      expect(block.extrinsics.map((xt) => `${xt.method.section}.${xt.method.method}`)).toEqual(['timestamp.set', 'balances.transferKeepAlive']);
    };

    expect(node().chain.blocksInMemory).toBe(0);
    expect(node().undoRecordsInMemory).toBe(UNDO_IN_MEMORY);
    await expectBlock1();
    await expectStateOfBlock3(); // older than the undo records in memory: undone from the database's
    await stop();

    // A restart loads no block and only the last UNDO_IN_MEMORY blocks' undo records.
    client = await start({ basePath: boundedBasePath });
    expect(node().head.number).toBe(BLOCKS);
    expect(node().chain.blocksInMemory).toBe(0);
    expect(node().undoRecordsInMemory).toBe(UNDO_IN_MEMORY);
    await expectBlock1();
    await expectStateOfBlock3();

    // dev_setHead beyond the records in memory, then a new block on it, as a user does it.
    await client.rpc('dev_setHead' as never, 3 as never);
    expect((await client.rpc.chain.getHeader()).number.toNumber()).toBe(3);
    expect((await client.query.system.account(bob.address)).data.free.toBigInt()).toBe(atGenesis + 6n * TOKEN);
    const header3 = await client.rpc.chain.getHeader(hash3);
    expect(node().chain.state.root()).toEqual(header3.stateRoot.toU8a());
    // An edit of that head extends its undo record, read back from the database: block 2 does not see it.
    const key = '0x0102030405';
    node().setStorage([[hexToU8a(key), hexToU8a('0x2a')]]);
    const getStorage = async (at?: string) => (await (at ? client.rpc.state.getStorage<Option<Raw>>(key, at) : client.rpc.state.getStorage<Option<Raw>>(key))).toJSON();
    expect(await getStorage()).toBe('0x2a');
    expect(await getStorage((await client.rpc.chain.getBlockHash(2)).toHex())).toBeNull();
    const tx = await client.tx.balances.transferKeepAlive(bob.address, TOKEN).signAsync(alice, { nonce: 3 });
    expect(node().seal([tx.toU8a()]).header.number).toBe(4);
    await expectBlock1();
    expect(node().chain.blocksInMemory).toBe(0);
  }, 120_000);
});
