// History that survives a restart, as a user sees it through @polkadot/api: a node kept at
// --base-path is stopped and started again, and System.Account at block 5 reads what it read
// before; dev_setHead goes back past the restart.
import '@polkadot/api-augment';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { startNode, type RunningNode } from './node.ts';

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');

const basePath = mkdtempSync(join(tmpdir(), 'slicechain-restart-'));
let running: RunningNode | undefined;
let api: ApiPromise | undefined;

async function start(opts: { stateHistory?: number } = {}): Promise<ApiPromise> {
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
