// Fuzz targets for hostile input reaching the runtime and the database side of the node (issue
// 11's suite): random and mutated extrinsics, blocks, runtime API (state_call) inputs and chain
// specs. Each target runs one input and says what happened; anything but the target's proper
// refusal, and any change of the chain's state or head, is a failure. tests/fuzz.test.ts runs a
// quick fast-check pass; benches/fuzz.ts the long one that counts inputs, crashes and state changes.
import fc from 'fast-check';
import { u8aEq, u8aToHex } from '@polkadot/util';
import { loadChainSpec, parseChainSpec, genesisOf } from '../genesis/spec.ts';
import { SpecError } from '../frame/genesis-json.ts';
import { ScaleError } from '../primitives/scale.ts';
import { Balances } from '../runtime/runtime.ts';
import { ApiCallError, callRuntimeApi } from '../frame/apis.ts';
import { Block, BlockRejected } from '../frame/block.ts';
import { BlockBuilder } from '../frame/block-builder.ts';
import { Chain } from '../node/chain.ts';
import { devPairs } from '../node/keys.ts';
import { simulate } from '../node/simulate.ts';
import { accountOf, signExtrinsic } from '../node/signer.ts';
import { profileWorkloads } from '../node/workloads/profiles.ts';

/** What one input did: refused (the proper way), or accepted where that is allowed (specs). */
export type Outcome = 'refused' | 'accepted';

export interface FuzzTarget<T> {
  name: string;
  /** The valid encodings the mutations start from. */
  seeds?: readonly Uint8Array[];
  inputs: fc.Arbitrary<T>;
  /** Runs one input; throws (the failure) on a crash, an acceptance that must not happen, or a state change. */
  run(input: T): Outcome;
}

export class StateChanged extends Error {}

type Edit = { kind: 'flip'; at: number; bit: number } | { kind: 'set'; at: number; value: number } | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number } | { kind: 'truncate'; at: number };

/** Byte-level mutations of valid encodings, and plain random bytes. */
function mutated(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  );
  const apply = (seed: Uint8Array, edits: Edit[]) => edits.reduce((bytes, e) => {
    const at = bytes.length === 0 ? 0 : e.at % bytes.length;
    switch (e.kind) {
      case 'flip': { const out = Uint8Array.from(bytes); if (out.length) out[at] ^= 1 << e.bit; return out; }
      case 'set': { const out = Uint8Array.from(bytes); if (out.length) out[at] = e.value; return out; }
      case 'insert': return Uint8Array.from([...bytes.subarray(0, at), ...e.bytes, ...bytes.subarray(at)]);
      case 'delete': return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + e.length)]);
      case 'truncate': return bytes.subarray(0, at);
    }
  }, seed);
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([seed, edits]) => apply(seed, edits)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  ).filter((bytes) => !seeds.some((seed) => u8aEq(seed, bytes)));
}

/** Throws StateChanged when `chain`'s head or state root moved during `body`. */
function unchanged<T>(chain: Chain, body: () => T): T {
  const head = chain.head.hash;
  const root = u8aToHex(chain.state.root());
  try {
    return body();
  } finally {
    if (chain.head.hash !== head || u8aToHex(chain.state.root()) !== root) throw new StateChanged(`the chain moved from ${head} (state ${root}) to ${chain.head.hash} (state ${u8aToHex(chain.state.root())})`);
  }
}

/** The result of `body`, or undefined when it refused undecodable bytes (the pool answers 1001, invalid format). */
function undecodableOr<T>(body: () => T): T | undefined {
  try {
    return body();
  } catch (error) {
    if (error instanceof ScaleError) return undefined;
    throw error;
  }
}

/**
 * Extrinsics: mutations of valid signed transfers and remarks, validated at the head
 * (TaggedTransactionQueue) and applied in a block being built: never valid, never included, never
 * anything thrown.
 */
export function extrinsicTarget(): FuzzTarget<Uint8Array> {
  const chain = new Chain(loadChainSpec('dev'));
  const { runtime } = chain;
  const [alice, bob] = devPairs();
  const opts = { nonce: 0, genesisHash: chain.genesisHash, specVersion: runtime.version.spec_version, transactionVersion: runtime.version.transaction_version };
  const seeds = [
    signExtrinsic(runtime, alice, Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(bob) }, value: 10n ** 12n }), opts),
    signExtrinsic(runtime, bob, Balances.tx.transfer_allow_death({ dest: { type: 'Id', value: accountOf(alice) }, value: 3n }), { ...opts, tip: 5n }),
  ];
  for (const seed of seeds) if (!chain.validate(seed).success) throw new Error('a seed extrinsic is not valid');
  const builder = new BlockBuilder(chain.executive, chain.state, chain.head, { timestamp: 1767225606000n });
  const inherents = builder.extrinsicCount;
  return {
    name: 'extrinsics (validate + apply)',
    seeds,
    inputs: mutated(seeds),
    run: (bytes) => unchanged(chain, () => {
      const validity = undecodableOr(() => chain.validate(bytes));
      if (validity?.success) throw new Error(`a mutated extrinsic ${u8aToHex(bytes)} was valid`);
      const applied = undecodableOr(() => builder.push(bytes));
      if (applied?.success || builder.extrinsicCount !== inherents) throw new Error(`a mutated extrinsic ${u8aToHex(bytes)} was included`);
      return 'refused';
    }),
  };
}

/** Blocks: mutations of a valid block #3 imported on #2: refused with BlockRejected (or undecodable), state unchanged. */
export function blockTarget(): FuzzTarget<Uint8Array> {
  const author = new Chain(loadChainSpec('dev'));
  simulate(author, { blocks: 3, seed: 11, workloads: profileWorkloads(), accounts: devPairs() });
  const [first, second, third] = [...author.allBlocks()];
  const chain = new Chain(loadChainSpec('dev'));
  chain.import(first);
  chain.import(second);
  const seed = Block.enc(third);
  return {
    name: 'block import',
    inputs: mutated([seed]),
    run: (bytes) => unchanged(chain, () => {
      let block: Block;
      try {
        block = Block.dec(bytes);
      } catch {
        return 'refused'; // import-blocks refuses the line, naming it
      }
      if (u8aEq(Block.enc(block), seed)) return 'refused'; // the same block, decoded from a lenient encoding: not a mutation
      try {
        chain.import(block);
      } catch (error) {
        if (error instanceof BlockRejected) return 'refused';
        throw error;
      }
      throw new Error(`a mutated block ${u8aToHex(bytes)} was imported`);
    }),
  };
}

/** state_call: every runtime API method (and unknown names) with garbage input: an answer or ApiCallError, state unchanged. */
export function stateCallTarget(): FuzzTarget<{ method: string; input: Uint8Array }> {
  const chain = new Chain(loadChainSpec('dev'));
  const methods = chain.runtime.apis.flatMap((api) => Object.keys(api.methods).map((m) => `${api.name}_${m}`));
  return {
    name: 'state_call inputs',
    inputs: fc.record({
      method: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...methods) }, { weight: 1, arbitrary: fc.string() }),
      input: fc.uint8Array({ maxLength: 200 }),
    }),
    run: ({ method, input }) => unchanged(chain, () => {
      try {
        callRuntimeApi({ executive: chain.executive, state: chain.state, at: chain.head }, method, input);
        return 'accepted';
      } catch (error) {
        if (error instanceof ApiCallError) return 'refused';
        throw error;
      }
    }),
  };
}

/** A JSON value with one part replaced, removed or added, at a random path. */
function mutatedJson(seed: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, Array.isArray(value) ? Number(k) : k]);
  };
  walk(seed, []);
  const junk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(-1, 1.5, 2 ** 53, -(2 ** 64), '', '0x', '../../x', 'NaN', null, [], {}), fc.bigInt().map(String));
  return fc.tuple(fc.constantFrom(...paths.slice(1)), fc.constantFrom('replace', 'delete', 'add'), junk, fc.string({ maxLength: 8 })).map(([path, kind, value, key]) => {
    const copy = structuredClone(seed) as Record<string | number, unknown>;
    const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((at, k) => at[k] as Record<string | number, unknown>, copy);
    const last = path[path.length - 1];
    if (kind === 'replace') parent[last] = value;
    else if (kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
    } else if (Array.isArray(parent)) parent.push(value);
    else parent[key] = value;
    return copy;
  });
}

/** Chain specs: mutations of the dev spec are refused naming a field (SpecError) or give a genesis. */
export function chainSpecTarget(): FuzzTarget<unknown> {
  const seed = JSON.parse(JSON.stringify(loadChainSpec('dev')));
  const { executive } = new Chain(loadChainSpec('dev'));
  return {
    name: 'chain specs',
    inputs: mutatedJson(seed),
    run: (json) => {
      try {
        genesisOf(executive, parseChainSpec(json));
        return 'accepted';
      } catch (error) {
        if (error instanceof SpecError) return 'refused';
        throw error;
      }
    },
  };
}

export const fuzzTargets = (): FuzzTarget<any>[] => [extrinsicTarget(), blockTarget(), stateCallTarget(), chainSpecTarget()];
