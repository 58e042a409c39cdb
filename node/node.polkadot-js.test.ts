// The dev node driven by @polkadot/api exactly as a user drives a Substrate node: connect, read
// storage and constants, submit and watch a signed transaction to InBlock and Finalized, decode
// its events, read state at an older block, call runtime APIs.
import '@polkadot/api-augment';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { startNode, type RunningNode } from './node.ts';

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');

let running: RunningNode;
let api: ApiPromise;
const warnings: string[] = [];
const consoleWarn = console.warn;

/** signAndSend until `until` status, collecting the statuses and the block's events for this extrinsic. */
function sendAndWatch(tx: ReturnType<ApiPromise['tx']['system']['remarkWithEvent']>, signer: KeyringPair) {
  return new Promise<{ statuses: string[]; events: { section: string; method: string; data: unknown }[]; dispatchError?: unknown; blockHash: string }>((resolve, reject) => {
    const statuses: string[] = [];
    let unsub: (() => void) | undefined;
    tx.signAndSend(signer, (result) => {
      statuses.push(result.status.type);
      if (result.status.isFinalized) {
        unsub?.();
        resolve({
          statuses,
          events: result.events.map(({ event }) => ({ section: event.section, method: event.method, data: event.data.toJSON() })),
          dispatchError: result.dispatchError,
          blockHash: result.status.asFinalized.toHex(),
        });
      }
      if (result.isError) reject(new Error(`transaction ${result.status.type}`));
    }).then((u) => { unsub = u; }, reject);
  });
}

beforeAll(async () => {
  console.warn = (...args: unknown[]) => { warnings.push(args.join(' ')); };
  // polkadot.js fetches a block's events for InBlock and drops that status (switchMap) when
  // Finalized arrives first: finality a few seconds after sealing, as on a Substrate chain, so that a
  // busy machine's slow fetch does not decide what the test sees.
  running = await startNode({ port: 0, sealing: 'instant', unsafe: true, finalityDelayMs: 3_000 });
  api = await ApiPromise.create({ provider: new WsProvider(running.url), throwOnConnect: true });
  await api.isReady;
});

afterAll(async () => {
  await api?.disconnect();
  await running?.close();
  console.warn = consoleWarn;
});

describe('the dev node through @polkadot/api', () => {
  it('connects with no type or runtime warning: only the RPC methods polkadot.js has no definitions for', () => {
    const other = warnings.filter((w) => !w.includes('RPC methods not decorated'));
    expect(other).toEqual([]);
    const undecorated = warnings.flatMap((w) => w.includes('RPC methods not decorated') ? w.split(': ').at(-1)!.split(', ') : []);
    for (const method of undecorated) expect(method).toMatch(/^(archive_v1_|chainHead_v1_|chainSpec_v1_|transaction_v1_|dev_|account_nextIndex)/);
    expect(api.runtimeVersion.specName.toString()).toBe('slicechain');
    expect(api.genesisHash.toHex()).toBe(running.node.chain.genesisHash);
    expect(api.registry.chainSS58).toBe(42);
    expect(api.registry.chainDecimals).toEqual([12]);
  });

  it('reads storage and constants through the metadata', async () => {
    const account = await api.query.system.account(alice.address);
    expect(account.providers.toNumber()).toBe(1);
    expect(account.data.free.toBigInt()).toBe(10n ** 18n);
    expect(api.consts.system.blockHashCount.toNumber()).toBe(4096);
    expect((await api.query.timestamp.now()).toBigInt()).toBeGreaterThan(0n);
  });

  it('submits, watches to InBlock and Finalized, decodes the events, and charges what paymentInfo said', async () => {
    const before = (await api.rpc.chain.getHeader()).number.toNumber();
    const tx = api.tx.system.remarkWithEvent('0x1234');
    const { partialFee } = await tx.paymentInfo(alice);
    const { nonce, data: { free } } = await api.query.system.account(alice.address);
    const { statuses, events, dispatchError, blockHash } = await sendAndWatch(tx, alice);
    expect(statuses).toEqual(['Ready', 'InBlock', 'Finalized']);
    expect(dispatchError).toBeUndefined();
    const names = events.map((e) => `${e.section}.${e.method}`);
    expect(names).toEqual(expect.arrayContaining(['system.Remarked', 'transactionPayment.TransactionFeePaid', 'system.ExtrinsicSuccess']));
    expect(events.find((e) => e.method === 'Remarked')!.data).toMatchObject([alice.address, expect.stringMatching(/^0x[0-9a-f]{64}$/)]);
    const feePaid = events.find((e) => e.method === 'TransactionFeePaid')!.data as [string, number | string, number | string];
    expect(BigInt(feePaid[1])).toBe(partialFee.toBigInt());
    const after = await api.query.system.account(alice.address);
    expect(free.toBigInt() - after.data.free.toBigInt()).toBe(partialFee.toBigInt());
    expect(after.nonce.toNumber()).toBe(nonce.toNumber() + 1);
    const header = await api.rpc.chain.getHeader(blockHash);
    expect(header.number.toNumber()).toBe(before + 1);
    // The block hash polkadot.js recomputes from the header is the node's.
    expect(header.hash.toHex()).toBe(blockHash);
    // State at the parent block still has the nonce before.
    const atParent = await api.at(header.parentHash);
    expect((await atParent.query.system.account(alice.address)).nonce.toNumber()).toBe(nonce.toNumber());
  });

  it('refuses an invalid transaction with error 1010 and the InvalidTransaction reason', async () => {
    const stranger = keyring.addFromUri('//Stranger');
    await expect(api.tx.system.remark('0x01').signAndSend(stranger))
      .rejects.toThrow(/^1010: Invalid Transaction: Inability to pay some fees/);
    const signed = await api.tx.system.remark('0x02').signAsync(bob, { nonce: 0 });
    const hex = signed.toHex();
    const tampered = `${hex.slice(0, -2)}${hex.slice(-2) === '00' ? '01' : '00'}`;
    await expect(api.rpc.author.submitExtrinsic(tampered)).rejects.toThrow('1010: Invalid Transaction: Transaction has a bad signature');
  });

  it('a failed call is included: ExtrinsicFailed, and findMetaError names a module error', async () => {
    // set_storage needs root: a signed origin fails the call, which still pays its fee.
    const { events, dispatchError } = await sendAndWatch(api.tx.system.setStorage([]), alice);
    expect(events.map((e) => `${e.section}.${e.method}`)).toContain('system.ExtrinsicFailed');
    expect((dispatchError as { isBadOrigin: boolean }).isBadOrigin).toBe(true);
    // Sudo from an account that is not the sudo key fails in Sudo with a module error.
    const { dispatchError: moduleError } = await sendAndWatch(api.tx.sudo.sudo(api.tx.system.remark('0x00')), bob);
    const { section, name } = api.registry.findMetaError((moduleError as unknown as { asModule: Parameters<typeof api.registry.findMetaError>[0] }).asModule);
    expect([section, name]).toEqual(['sudo', 'RequireSudo']);
  });

  it('answers runtime API calls and the pool-aware next nonce', async () => {
    const version = await api.call.core.version();
    expect(version.specName.toString()).toBe('slicechain');
    const nonce = (await api.call.accountNonceApi.accountNonce(alice.address)).toNumber();
    expect((await api.rpc.system.accountNextIndex(alice.address)).toNumber()).toBe(nonce);
    const metadataVersions = await api.call.metadata.metadataVersions();
    expect(metadataVersions.map((v) => v.toNumber())).toEqual([14, 15]);
  });

  it('follows new heads and storage changes by subscription', async () => {
    const heads: number[] = [];
    const nonces: number[] = [];
    const unsubHeads = await api.rpc.chain.subscribeNewHeads((h) => { heads.push(h.number.toNumber()); });
    const unsubAccount = await api.query.system.account(alice.address, (a) => { nonces.push(a.nonce.toNumber()); });
    const start = running.node.head.number;
    await sendAndWatch(api.tx.system.remarkWithEvent('0x99'), alice);
    await api.rpc('dev_newBlock' as never, { count: 2 } as never);
    await new Promise((resolve) => setTimeout(resolve, 50));
    unsubHeads();
    unsubAccount();
    expect(heads).toEqual([start, start + 1, start + 2, start + 3]);
    // The account subscription saw the remark's nonce bump, and nothing for the empty blocks.
    expect(nonces).toEqual([nonces[0], nonces[0] + 1]);
  });
});

describe('the product pallets through @polkadot/api', () => {
  /** The fields of an event polkadot.js decoded, by name. */
  const fields = (events: { section: string; method: string; data: unknown }[], method: string) =>
    events.find((e) => e.method === method)?.data as unknown[];

  it('Services: reads an operator, lowers its prices at once, and schedules a raise 14,400 blocks out', async () => {
    const prefs = (await api.query.services.operators(bob.address)).toJSON() as { priceTargets: Record<string, number>; approval: string };
    expect(prefs.approval).toBe('None');
    const current = prefs.priceTargets;
    const lower = { cpu: current.cpu - 1, mem: current.mem, storageHdd: current.storageHdd, storageSsd: current.storageSsd, storageNvme: current.storageNvme };
    const decrease = await sendAndWatch(api.tx.services.updatePriceTargets(lower), bob);
    expect(decrease.statuses).toEqual(['Ready', 'InBlock', 'Finalized']);
    expect(fields(decrease.events, 'PriceTargetsUpdated')).toEqual([bob.address, { cpu: lower.cpu, mem: lower.mem, storageHdd: lower.storageHdd, storageSsd: lower.storageSsd, storageNvme: lower.storageNvme }]);
    expect(((await api.query.services.operators(bob.address)).toJSON() as { priceTargets: { cpu: number } }).priceTargets.cpu).toBe(lower.cpu);

    const raise = { ...lower, cpu: lower.cpu + 10 };
    const scheduled = await sendAndWatch(api.tx.services.updatePriceTargets(raise), bob);
    const block = (await api.rpc.chain.getHeader(scheduled.blockHash)).number.toNumber();
    const [operator, targets, effectiveAt] = fields(scheduled.events, 'PriceChangeScheduled');
    expect([operator, (targets as { cpu: number }).cpu, effectiveAt]).toEqual([bob.address, raise.cpu, block + 14_400]);
  });

  it('SliceMarketplace: nodes and constants, list_slices through api.call, a rental, and a conflicting one named by findMetaError', async () => {
    expect(Number(api.consts.sliceMarketplace.maxPageSize.toJSON())).toBeGreaterThan(0);
    const page = (await api.call.sliceMarketplaceApi.listSlices({ minFreeSlices: 1 }, { index: 0, size: 5, sort: 'PriceAscending' })).toJSON() as
      { total: number; items: { node: number; available: number[]; pricePerHour: number }[] };
    expect(page.total).toBeGreaterThan(5);
    expect(page.items).toHaveLength(5);
    expect(page.items.map((i) => i.pricePerHour)).toEqual([...page.items.map((i) => i.pricePerHour)].sort((a, b) => a - b));
    const [{ node, available: [slice] }] = page.items;
    expect(((await api.query.sliceMarketplace.nodes(node)).toJSON() as { id: number }).id).toBe(node);

    const rented = await sendAndWatch(api.tx.sliceMarketplace.rentSlice(node, slice, 1), alice);
    expect(rented.statuses).toEqual(['Ready', 'InBlock', 'Finalized']);
    expect(rented.dispatchError).toBeUndefined();
    expect(rented.events.map((e) => `${e.section}.${e.method}`)).toContain('sliceMarketplace.SlicesRented');
    const again = await sendAndWatch(api.tx.sliceMarketplace.rentSlice(node, slice, 1), bob);
    const { section, name } = api.registry.findMetaError((again.dispatchError as unknown as { asModule: Parameters<typeof api.registry.findMetaError>[0] }).asModule);
    expect([section, name]).toEqual(['sliceMarketplace', 'SliceNotAvailable']);
  });
});
