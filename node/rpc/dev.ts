// The dev methods (dev_*) under chopsticks' names and parameters, so that chopsticks-based test
// suites port over: dev_newBlock, dev_setStorage (raw pairs or chopsticks' object form),
// dev_setHead (a hash, a number, or a negative number counting back from the head),
// dev_timeTravel, dev_setBlockBuildMode, dev_setRuntimeLogLevel and dev_dryRun (an extrinsic, or
// a call as if signed by an address).
import { setImmediate as nextTurn } from 'node:timers/promises';
import { u8aToHex } from '@polkadot/util';
import { Executive } from '../../frame/executive.ts';
import { ApplyExtrinsicResult } from '../../frame/apis.ts';
import type { Change } from '../../frame/overlay.ts';
import type { MultiSignature } from '../../primitives/types.ts';
import type { DevNode } from '../dev-node.ts';
import { payloadParts } from '../signer.ts';
import { encodeStorageValues } from '../storage-values.ts';
import { accountParam, changesJson, countParam, extrinsicParam, guarded } from './methods.ts';
import { bytesParam, hashParam, optionalHash } from './params.ts';
import { RpcError, invalidParams, type RpcServer } from './server.ts';

/** dev_newBlock builds at most this many blocks per call. */
const MAX_NEW_BLOCKS = 1000;

/** chopsticks' BuildBlockMode: Batch (one block for what arrives together), Instant (one block per transaction), Manual. */
const BUILD_MODES = { Batch: { sealing: 'instant', oneTransactionPerBlock: false }, Instant: { sealing: 'instant', oneTransactionPerBlock: true }, Manual: { sealing: 'manual', oneTransactionPerBlock: false } } as const;

/** chopsticks' refusals of a dev method's request (code 1). */
const devError = (message: string) => new RpcError(1, message);

export function registerDev(server: RpcServer, node: DevNode): void {
  const dev = (name: string, handler: (params: unknown[]) => unknown) => server.method(name, handler, { unsafe: true });

  dev('dev_newBlock', async (params) => {
    const opts = (params[0] ?? {}) as Record<string, unknown>;
    if (typeof opts !== 'object' || Array.isArray(opts)) throw invalidParams('expected { count?, to?, transactions? }');
    // A block's number is its parent's plus one here: every client and the database check it.
    if (opts.unsafeBlockHeight !== undefined) throw devError('unsafeBlockHeight is not supported: blocks are numbered from their parent (use dev_setHead to go back, count or to to go forward)');
    const transactions = opts.transactions === undefined ? [] : opts.transactions;
    if (!Array.isArray(transactions)) throw invalidParams('transactions: expected an array of 0x-hex extrinsics');
    const extrinsics = transactions.map((_, i) => bytesParam(transactions, i, `transactions[${i}]`));
    const count = opts.to !== undefined ? countParam([opts.to], 0, 'to') - node.head.number : opts.count === undefined ? 1 : countParam([opts.count], 0, 'count');
    if (count < 1) throw invalidParams(`nothing to build: the head is already #${node.head.number}`);
    if (count > MAX_NEW_BLOCKS) throw invalidParams(`count: at most ${MAX_NEW_BLOCKS} blocks per call, got ${count}`);
    let hash = node.head.hash;
    for (let i = 0; i < count; i++) {
      hash = node.seal(i === 0 ? extrinsics : []).hash;
      await nextTurn(); // others are served between the blocks
    }
    return hash;
  });

  dev('dev_setStorage', (params) => {
    const values = params[0];
    const at = optionalHash(params, 1);
    if (at !== undefined && at !== node.head.hash) throw invalidParams('at: only the best block\'s storage can be set');
    node.setStorage(storageChanges(node, values));
    return node.head.hash;
  });

  dev('dev_setHead', (params) => {
    const target = params[0];
    // chopsticks: a positive number is a block number, zero or a negative one counts back from the head.
    const number = typeof target === 'number' ? (target > 0 ? target : node.head.number + target) : node.numberOf(hashParam(params, 0, 'hashOrNumber'));
    if (number === undefined || !Number.isSafeInteger(number) || number < 0 || number > node.head.number) throw devError(`Block not found ${String(target)}`);
    guarded(() => node.setHead(number));
    return node.head.hash;
  });

  dev('dev_timeTravel', (params) => {
    const date = params[0];
    const timestamp = typeof date === 'string' ? Date.parse(date) : date;
    if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) throw devError(`Invalid date ${JSON.stringify(date)}`);
    // As chopsticks: the head's Timestamp.Now becomes `timestamp`; the next block is a slot after it.
    node.setStorage(encodeStorageValues(node.chain.runtime, { Timestamp: { Now: timestamp } }).changes);
    return timestamp;
  });

  dev('dev_setBlockBuildMode', (params) => {
    const mode = params[0];
    const chosen = typeof mode === 'string' ? BUILD_MODES[mode as keyof typeof BUILD_MODES] : undefined;
    if (!chosen) throw devError(`Invalid mode ${JSON.stringify(mode)}: expected one of ${Object.keys(BUILD_MODES).join(', ')}`);
    node.setSealing(chosen.sealing, chosen);
    return null;
  });

  dev('dev_setRuntimeLogLevel', (params) => {
    const level = params[0];
    if (typeof level !== 'number') throw devError(`Invalid runtimeLogLevel ${JSON.stringify(level)}`);
    try {
      node.setRuntimeLogLevel(level);
    } catch (error) {
      throw devError((error as Error).message);
    }
    return null;
  });

  // Takes any signature: only for calls made here as if signed (no key), never for the chain's blocks.
  const asIfSigned = new Executive(node.chain.runtime, () => true);
  dev('dev_dryRun', (params) => {
    const opts = params[0] as Record<string, unknown> | undefined;
    if (typeof opts !== 'object' || opts === null) throw invalidParams('expected { extrinsic: 0x-hex | { call, address }, at? }');
    const at = optionalHash([opts.at], 0);
    const given = opts.extrinsic;
    const { extrinsic, executive } = typeof given === 'object' && given !== null
      ? { extrinsic: signedAs(node, given as Record<string, unknown>, at), executive: asIfSigned }
      : { extrinsic: extrinsicParam(node, [given], 0, (reason) => invalidParams(`extrinsic: ${reason}`)), executive: node.chain.executive };
    return guarded(() => {
      const { outcome, storageDiff } = node.dryRun(extrinsic, at, executive);
      return { outcome: u8aToHex(ApplyExtrinsicResult.enc(outcome)), storageDiff: changesJson(storageDiff) };
    });
  });
}

/** dev_setStorage's values: raw `[[key, value | null], ...]`, or chopsticks' object form encoded through the metadata. */
function storageChanges(node: DevNode, values: unknown): Change[] {
  if (Array.isArray(values)) {
    return values.map((entry, i) => {
      if (!Array.isArray(entry) || entry.length !== 2) throw invalidParams(`values[${i}]: expected [key, value | null]`);
      return [bytesParam(entry, 0, `values[${i}] key`), entry[1] === null ? null : bytesParam(entry, 1, `values[${i}] value`)];
    });
  }
  if (typeof values !== 'object' || values === null) throw invalidParams('values: expected [[key, value | null], ...] or { Pallet: { Item: value } }');
  let edit;
  try {
    edit = encodeStorageValues(node.chain.runtime, values as Record<string, unknown>);
  } catch (error) {
    throw devError((error as Error).message);
  }
  const removed = node.at(undefined, (state) => edit.removedPrefixes.flatMap((prefix) => [...state.keys(prefix)].map((key): Change => [key, null])));
  return [...removed, ...edit.changes];
}

/** `{ call, address }`: the call in an extrinsic from `address` with its next nonce and a signature nobody made. */
function signedAs(node: DevNode, given: Record<string, unknown>, at: ReturnType<typeof optionalHash>): Uint8Array {
  const runtime = node.chain.runtime;
  const callBytes = bytesParam([given.call], 0, 'extrinsic.call');
  let call;
  try {
    call = runtime.RuntimeCall.dec(callBytes);
  } catch (error) {
    throw invalidParams(`extrinsic.call: not a call of this runtime (${(error as Error).message})`);
  }
  const who = accountParam([given.address], 0);
  // The chain's nonce at `at`, not the pool's next one: the call runs in the next block as it is.
  const nonce = guarded(() => node.api<number>('AccountNonceApi_account_nonce', [who], at));
  const version = runtime.version;
  const { extra } = payloadParts(runtime, call, {
    nonce, genesisHash: node.chain.genesisHash, specVersion: version.spec_version, transactionVersion: version.transaction_version,
  });
  const signature = { type: 'Sr25519', value: u8aToHex(new Uint8Array(64)) } as MultiSignature;
  return runtime.extrinsic.enc({ call, signature: { address: { type: 'Id', value: who }, signature, extra } });
}
