// A test suite written the way chopsticks users write theirs: @polkadot/api plus the dev RPCs
// (dev_newBlock, dev_timeTravel, dev_setBlockBuildMode, dev_setStorage in object form, dev_dryRun
// as if signed, dev_setHead, dev_setRuntimeLogLevel), against the dev node. Then the Substrate
// RPC surface polkadot.js and tools call: payment_*, state_queryStorage (.range()),
// state_getKeys, childstate_*, system_*, archive_v1_*.
import '@polkadot/api-augment';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { AccountInfo, Hash, Moment } from '@polkadot/types/interfaces';
import { u8aToHex } from '@polkadot/util';
import { connect } from '../tests/ws-client.ts';
import { startNode, type RunningNode } from './node.ts';

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');
const dave = keyring.addFromUri('//ChopsticksDave');

/**
 * polkadot.js decodes payment_queryInfo as RuntimeDispatchInfoV1 (a u64 weight) "forever", which
 * fails on what every Substrate node since Weight v2 sends ({ ref_time, proof_size }): this node
 * sends Substrate's shape, and polkadot.js reads it with the V2 type given here (README).
 */
const PAYMENT_QUERY_INFO_V2 = {
  payment: {
    queryInfo: {
      description: 'Retrieves the fee information for an encoded extrinsic',
      params: [{ name: 'extrinsic', type: 'Bytes' }, { name: 'at', type: 'BlockHash', isHistoric: true, isOptional: true }],
      type: 'RuntimeDispatchInfoV2',
    },
  },
};

let running: RunningNode;
let api: ApiPromise;
let provider: WsProvider;

/** chopsticks-testing's `dev` helper: a dev method through the client's provider. */
const dev = <T = unknown>(method: string, ...params: unknown[]) => provider.send<T>(method, params);
const head = async () => (await api.rpc.chain.getHeader()).number.toNumber();

/** Submits and resolves once the pool holds it (Ready), not waiting for a block. */
function submitReady(tx: SubmittableExtrinsic<'promise'>, signer: KeyringPair, nonce: number): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, { nonce }, (result) => {
      if (result.status.isReady || result.status.isInBlock) resolve();
      if (result.isError) reject(new Error(result.status.type));
    }).catch(reject);
  });
}

beforeAll(async () => {
  // With a signature worker, as `slicechain --dev` runs: dev_newBlock's transactions are verified on it.
  running = await startNode({ port: 0, sealing: 'instant', unsafe: true, signatureWorkers: 1 });
  provider = new WsProvider(running.url);
  api = await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true, rpc: PAYMENT_QUERY_INFO_V2 });
}, 60_000);

afterAll(async () => {
  await api?.disconnect();
  await running?.close();
});

describe('a chopsticks-style suite against the dev node', () => {
  it('dev_timeTravel moves Timestamp.Now, and the next block continues a slot after it', async () => {
    const date = '2030-01-01T00:00:00.000Z';
    expect(await dev('dev_timeTravel', date)).toBe(Date.parse(date));
    expect((await api.query.timestamp.now()).toNumber()).toBe(Date.parse(date));
    await dev('dev_newBlock');
    expect((await api.query.timestamp.now()).toNumber()).toBe(Date.parse(date) + 6000);
    await expect(dev('dev_timeTravel', 'not a date')).rejects.toThrow(/Invalid date/);
  });

  it('dev_setBlockBuildMode switches Manual, Instant (a block per transaction) and Batch at run time', async () => {
    const start = await head();
    await dev('dev_setBlockBuildMode', 'Manual');
    let nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
    await submitReady(api.tx.system.remark('0x01'), alice, nonce++);
    await submitReady(api.tx.system.remark('0x02'), alice, nonce++);
    expect(await head()).toBe(start);
    expect((await api.rpc.author.pendingExtrinsics()).length).toBe(2);

    // Instant: what waits is sealed at once, one transaction per block.
    const sealed = new Promise<void>((resolve) => {
      const onBlock = () => { if (running.node.head.number === start + 2) { running.node.events.off('block', onBlock); resolve(); } };
      running.node.events.on('block', onBlock);
    });
    await dev('dev_setBlockBuildMode', 'Instant');
    await sealed;
    for (const number of [start + 1, start + 2]) {
      const block = await api.rpc.chain.getBlock(await api.rpc.chain.getBlockHash(number));
      expect(block.block.extrinsics.filter((xt) => xt.isSigned)).toHaveLength(1);
    }

    // Batch: what arrives together is one block.
    await dev('dev_setBlockBuildMode', 'Batch');
    await Promise.all([submitReady(api.tx.system.remark('0x03'), alice, nonce), submitReady(api.tx.system.remark('0x04'), alice, nonce + 1)]);
    while (await head() < start + 3 || (await api.rpc.author.pendingExtrinsics()).length > 0) await new Promise((r) => setTimeout(r, 20));
    expect(await head()).toBe(start + 3);
    await expect(dev('dev_setBlockBuildMode', 'Sometimes')).rejects.toThrow(/Invalid mode/);
  });

  it('dev_setStorage in object form sets an account through the metadata, and the account can spend', async () => {
    const free = 5n * 10n ** 15n;
    await dev('dev_setStorage', { System: { Account: [[[dave.address], { providers: 1, data: { free } }]] } });
    const account = await api.query.system.account(dave.address);
    expect(account.providers.toNumber()).toBe(1);
    expect(account.data.free.toBigInt()).toBe(free);
    expect(account.nonce.toNumber()).toBe(0);
    // A raw value and a plain item in the same call.
    await dev('dev_setStorage', { Timestamp: { Now: 1_900_000_000_000 } });
    expect((await api.query.timestamp.now()).toNumber()).toBe(1_900_000_000_000);
    await submitReady(api.tx.balances.transferKeepAlive(bob.address, 10n ** 12n), dave, 0);
    while ((await api.query.system.account(dave.address)).nonce.toNumber() === 0) await new Promise((r) => setTimeout(r, 20));
    await expect(dev('dev_setStorage', { Nowhere: { Thing: 1 } })).rejects.toThrow(/Cannot find pallet Nowhere/);
  });

  it('dev_dryRun runs a call as if signed by an address, with no signature, and keeps nothing', async () => {
    const call = api.tx.balances.transferKeepAlive(bob.address, 12_345n).method.toHex();
    const before = (await api.query.system.account(bob.address)).data.free.toBigInt();
    const { outcome, storageDiff } = await dev<{ outcome: string; storageDiff: [string, string | null][] }>('dev_dryRun', { extrinsic: { call, address: alice.address } });
    const result = api.createType('ApplyExtrinsicResult', outcome);
    expect(result.isOk && result.asOk.isOk).toBe(true);
    const bobKey = api.query.system.account.key(bob.address);
    const bobAfter = api.createType('AccountInfo', storageDiff.find(([key]) => key === bobKey)?.[1]);
    expect(bobAfter.data.free.toBigInt()).toBe(before + 12_345n);
    expect((await api.query.system.account(bob.address)).data.free.toBigInt()).toBe(before);
    // An address with nothing to pay the fee with: refused as a transaction would be.
    const broke = await dev<{ outcome: string }>('dev_dryRun', { extrinsic: { call, address: keyring.addFromUri('//Nobody').address } });
    const refused = api.createType('ApplyExtrinsicResult', broke.outcome);
    expect(refused.isErr && refused.asErr.isInvalid && refused.asErr.asInvalid.isPayment).toBe(true);
  });

  it('dev_setHead takes a negative number as counting back from the head; dev_newBlock refuses unsafeBlockHeight', async () => {
    await dev('dev_newBlock', { count: 3 });
    const top = await head();
    const hash = await dev<string>('dev_setHead', -2);
    expect(await head()).toBe(top - 2);
    expect(hash).toBe((await api.rpc.chain.getBlockHash(top - 2)).toHex());
    await expect(dev('dev_newBlock', { unsafeBlockHeight: top + 100 })).rejects.toThrow(/unsafeBlockHeight is not supported/);
    expect(await head()).toBe(top - 2);
  });

  it('dev_setRuntimeLogLevel switches the runtime\'s log lines on and off (off by default)', async () => {
    const lines: string[] = [];
    const onLog = (level: string, target: string, message: string) => lines.push(`${level} ${target} ${message}`);
    running.node.events.on('runtimeLog', onLog);
    try {
      await dev('dev_newBlock', { transactions: [(await api.tx.system.remark('0x05').signAsync(alice)).toHex()] });
      expect(lines).toEqual([]);
      await dev('dev_setRuntimeLogLevel', 5);
      await dev('dev_newBlock', { transactions: [(await api.tx.system.remark('0x06').signAsync(alice)).toHex()] });
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^debug runtime::executive System\\.remark from ${u8aToHex(alice.publicKey)}: Ok, weight \\d+$`))]);
      await dev('dev_setRuntimeLogLevel', 0);
      await dev('dev_newBlock', { transactions: [(await api.tx.system.remark('0x07').signAsync(alice)).toHex()] });
      expect(lines).toHaveLength(1);
      await expect(dev('dev_setRuntimeLogLevel', 9)).rejects.toThrow(/runtime log level/);
      // The three blocks' transactions were verified ahead, by the worker or by the thread building the block.
      const { verifiedByWorkers, verifiedHere } = running.node.signatures!.stats;
      expect(verifiedByWorkers + verifiedHere).toBe(3);
    } finally {
      running.node.events.off('runtimeLog', onLog);
    }
  });
});

describe('the Substrate RPC surface polkadot.js and tools call', () => {
  it('payment_queryInfo and payment_queryFeeDetails decode in polkadot.js and agree with the runtime API', async () => {
    const signed = await api.tx.balances.transferKeepAlive(bob.address, 1n).signAsync(alice);
    const info = await api.rpc.payment.queryInfo(signed.toHex());
    const runtime = await api.call.transactionPaymentApi.queryInfo(signed.toU8a(), signed.encodedLength);
    expect(info.weight.toJSON()).toEqual(runtime.weight.toJSON());
    expect((info.weight as unknown as { refTime: { toBigInt(): bigint } }).refTime.toBigInt()).toBeGreaterThan(0n);
    expect(info.partialFee.toBigInt()).toBe(runtime.partialFee.toBigInt());
    expect(info.class.isNormal).toBe(true);
    const details = await api.rpc.payment.queryFeeDetails(signed.toHex());
    const fee = details.inclusionFee.unwrap();
    expect(fee.baseFee.toBigInt() + fee.lenFee.toBigInt() + fee.adjustedWeightFee.toBigInt()).toBe(info.partialFee.toBigInt());
    // On the wire: Substrate's snake_case weight and NumberOrHex (hex) balances.
    const raw = await dev<{ weight: Record<string, number> }>('payment_queryInfo', signed.toHex());
    expect(Object.keys(raw.weight).sort()).toEqual(['proof_size', 'ref_time']);
    const rawDetails = await dev<{ inclusionFee: Record<string, string> }>('payment_queryFeeDetails', signed.toHex());
    expect(rawDetails.inclusionFee.baseFee).toMatch(/^0x[0-9a-f]+$/);
  });

  // polkadot.js 16 no longer decorates `.range()`; it was this call (state_queryStorage) underneath.
  it('api.rpc.state.queryStorage (what .range() called) gives each block where one of the values changed', async () => {
    const from = await head();
    await dev('dev_newBlock', { count: 2 });
    const hashes = await Promise.all([from, from + 1, from + 2].map(async (n) => (await api.rpc.chain.getBlockHash(n)).toHex()));
    // As .range() did: typed keys, each change set decoded by them.
    const sets = await api.rpc.state.queryStorage([api.query.timestamp.now.creator, [api.query.system.account.creator, [bob.address]]], hashes[0], hashes[2]) as unknown as [Hash, [Moment, AccountInfo]][];
    expect(sets.map(([block]) => block.toHex())).toEqual(hashes);
    const times = sets.map(([, [now]]) => now.toNumber());
    expect([times[1] - times[0], times[2] - times[1]]).toEqual([6000, 6000]);
    expect(sets[0][1][1].data.free.toBigInt()).toBe((await api.query.system.account(bob.address)).data.free.toBigInt());
    // On the wire: the first block names every key, later ones only what changed (Bob's account did not).
    const nowKey = api.query.timestamp.now.key();
    const bobKey = api.query.system.account.key(bob.address);
    const raw = await dev<{ block: string; changes: [string, string | null][] }[]>('state_queryStorage', [nowKey, bobKey], hashes[0], hashes[2]);
    expect(raw.map((set) => set.changes.map(([key]) => key))).toEqual([[nowKey, bobKey], [nowKey], [nowKey]]);
  });

  it('api.rpc.state.getKeys lists a map\'s keys; childstate_* and state_getChildReadProof answer "no child tries"', async () => {
    const keys = (await api.rpc.state.getKeys(api.query.system.account.keyPrefix())).map((k) => k.toHex());
    expect(keys).toContain(api.query.system.account.key(alice.address));
    expect(keys).toContain(api.query.system.account.key(dave.address));
    const childKey = u8aToHex(new TextEncoder().encode(':child_storage:default:nothing'));
    expect((await api.rpc.childstate.getStorage(childKey, '0x00')).isNone).toBe(true);
    expect(await api.rpc.childstate.getKeys(childKey, '0x')).toHaveLength(0);
    const proof = await api.rpc.state.getChildReadProof(childKey, ['0x00']);
    expect(proof.proof.length).toBeGreaterThan(0);
    await expect(dev('childstate_getStorage', '0x1234', '0x00')).rejects.toThrow(/child_storage:default/);
  });

  it('system_syncState, system_nodeRoles, system_localPeerId and system_peers give a single node\'s honest answers', async () => {
    const sync = await api.rpc.system.syncState();
    expect(sync.currentBlock.toNumber()).toBe(await head());
    expect(sync.highestBlock.unwrap().toNumber()).toBe(await head());
    expect((await api.rpc.system.nodeRoles()).map((r) => r.toString())).toEqual(['Authority']);
    expect((await api.rpc.system.localPeerId()).toString()).toMatch(/^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/);
    expect(await api.rpc.system.peers()).toHaveLength(0);
  });

  it('archive_v1_*: header, body, call, hash by height, genesis, finalized height and storage at a past block', async () => {
    const c = await connect(running.url);
    try {
      const number = (await head()) - 1;
      const [hash] = (await c.call('archive_v1_hashByHeight', [number])).result as string[];
      expect(hash).toBe((await api.rpc.chain.getBlockHash(number)).toHex());
      expect(api.createType('Header', (await c.call('archive_v1_header', [hash])).result).number.toNumber()).toBe(number);
      expect((await c.call('archive_v1_body', [hash])).result).toEqual((await api.rpc.chain.getBlock(hash)).block.extrinsics.map((x) => x.toHex()));
      expect((await c.call('archive_v1_genesisHash')).result).toBe(api.genesisHash.toHex());
      expect((await c.call('archive_v1_finalizedHeight')).result).toBeLessThanOrEqual(number + 1);
      const call = (await c.call('archive_v1_call', [hash, 'Core_version', '0x'])).result as { success: boolean; value: string };
      expect(call.success).toBe(true);
      const nowKey = api.query.timestamp.now.key();
      const subscribed = await c.call('archive_v1_storage', [hash, [{ key: nowKey, type: 'value' }], null]);
      expect(typeof subscribed.result).toBe('string');
      const item = await c.next();
      expect(item.params.result).toEqual({ event: 'storage', key: nowKey, value: (await api.rpc.state.getStorage(nowKey, hash) as unknown as { toHex(): string }).toHex() });
      expect((await c.next()).params.result).toEqual({ event: 'storageDone' });
    } finally {
      c.socket.close();
    }
  });
});

describe('dev_setStorage removing a whole map', () => {
  // Last in the file: it empties System.Account.
  it('$removePrefix removes every entry of the named items', async () => {
    const prefix = api.query.system.account.keyPrefix();
    expect((await api.rpc.state.getKeys(prefix)).length).toBeGreaterThan(2);
    await dev('dev_setStorage', { System: { $removePrefix: ['Account'] } });
    expect(await api.rpc.state.getKeys(prefix)).toHaveLength(0);
    expect((await api.query.system.account(alice.address)).data.free.toBigInt()).toBe(0n);
  });
});
