// Calling runtime APIs (state_call("<Api>_<method>", SCALE(inputs))) and the standard APIs every
// runtime has, as frame_executive implements them: Core, Metadata, BlockBuilder,
// TaggedTransactionQueue, AccountNonceApi. A call runs against the state of one block and keeps
// none of its writes. Declaring an API is runtime-api.ts; a pallet's APIs sit in its declaration.
import { u8aToHex } from '@polkadot/util';
import {
  Bytes, Enum, FixedBytes, Newtype, Option, Result, Struct, Tuple, Vec, alias, bool, u32, u64, unit,
  type Infer, type Type,
} from '../primitives/scale.ts';
import {
  AccountId32, DispatchError, H256, Header, Nonce, TransactionSource, TransactionValidity, TransactionValidityError,
  type Hash, type Header as HeaderValue,
} from '../primitives/types.ts';
import { Trie } from '../primitives/trie.ts';
import * as System from './system/index.ts';
import { RuntimeVersion } from './system/types.ts';
import { commitChanges, extrinsicsRoot, revertChanges } from './block.ts';
import { executeBlock } from './block-builder.ts';
import type { Executive } from './executive.ts';
import { Overlay } from './overlay.ts';
import { buildMetadata, METADATA_VERSIONS, type MetadataVersion } from './metadata.ts';
import type { Args } from './dispatch.ts';
import { runtimeApi, type ApiMethod, type RuntimeApi, type RuntimeTypes } from './runtime-api.ts';

// ---- where a call runs --------------------------------------------------------------------------------

/** Where a runtime API call runs: the state of block `at`, which the call reads and never changes. */
export interface ApiContext {
  executive: Executive;
  state: Trie;
  at: { hash: Hash; number: number };
}

/** What a method body gets: the context and a scratch overlay on its state, installed for storage reads. */
export interface ApiEnv extends ApiContext {
  overlay: Overlay;
}

/** Declares a standard API's method: its body gets the call's environment. */
const standardMethod = <I extends Args, O>(def: ApiMethod<I, O, ApiEnv>): ApiMethod<I, O, ApiEnv> => def;

// ---- calling -------------------------------------------------------------------------------------

/** A state_call the runtime cannot run: an unknown method or undecodable input (Substrate's "Execution failed"). */
export class ApiCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiCallError';
  }
}

const inputTuples = new WeakMap<ApiMethod, Type<unknown[]>>();

function inputTuple(def: ApiMethod): Type<unknown[]> {
  let tuple = inputTuples.get(def);
  if (!tuple) {
    tuple = Tuple(...Object.values(def.inputs)) as unknown as Type<unknown[]>;
    inputTuples.set(def, tuple);
  }
  return tuple;
}

/** Finds `<Api>_<method>` among `apis`. */
export function findMethod(apis: readonly RuntimeApi[], name: string): { api: RuntimeApi; name: string; def: ApiMethod } | undefined {
  for (const api of apis) {
    if (!name.startsWith(`${api.name}_`)) continue;
    const methodName = name.slice(api.name.length + 1);
    const def = api.methods[methodName];
    if (def) return { api, name: methodName, def };
  }
  return undefined;
}

/**
 * state_call: decodes `input` as the method's inputs, runs it at `ctx.at`, returns its encoded
 * output. `answer`, when given, runs instead of the method's body with the same inputs and output:
 * how a node answers a method from an index of its own (node/slice-index.ts).
 */
export function callRuntimeApi(ctx: ApiContext, name: string, input: Uint8Array, answer?: (args: Record<string, unknown>) => unknown): Uint8Array {
  const found = findMethod(ctx.executive.runtime.apis, name);
  if (!found) throw new ApiCallError(`Exported method ${name} is not found`);
  let values: unknown[];
  try {
    values = inputTuple(found.def).dec(input);
  } catch (error) {
    throw new ApiCallError(`Could not decode the input of ${name}: ${(error as Error).message}`);
  }
  const args = Object.fromEntries(Object.keys(found.def.inputs).map((key, i) => [key, values[i]]));
  const overlay = new Overlay(ctx.state);
  try {
    const output = ctx.executive.run(overlay, () => (answer ? answer(args) : found.def.call(args, { ...ctx, overlay })));
    return found.def.output.enc(output);
  } catch (error) {
    // What a wasm runtime reports as a trap: the call is refused, the state is untouched.
    throw new ApiCallError(`Runtime panicked: ${(error as Error).message}`);
  }
}

/** A call with values in and out: the inputs and the output pass through their SCALE codecs, as over state_call. */
export function queryRuntimeApi<O>(ctx: ApiContext, name: string, args: readonly unknown[]): O {
  const found = findMethod(ctx.executive.runtime.apis, name);
  if (!found) throw new ApiCallError(`Exported method ${name} is not found`);
  return found.def.output.dec(callRuntimeApi(ctx, name, inputTuple(found.def).enc([...args]))) as O;
}

// ---- the standard APIs ---------------------------------------------------------------------------

export const ExtrinsicInclusionMode = Enum('sp_runtime::ExtrinsicInclusionMode', { AllExtrinsics: 0, OnlyInherents: 1 });
export const OpaqueMetadata = Newtype('sp_core::OpaqueMetadata', Bytes);
export const ApplyExtrinsicResult = Result(Result(unit, DispatchError), TransactionValidityError);

const InherentIdentifier = alias(FixedBytes(8), 'InherentIdentifier');
/** sp_inherents::InherentData: a BTreeMap of 8-byte identifiers to encoded data (a map encodes as its sorted pairs). */
export const InherentData = Struct('sp_inherents::InherentData', {
  data: Newtype('BTreeMap', Vec(Tuple(InherentIdentifier, Bytes)), { params: [{ name: 'K', type: InherentIdentifier }, { name: 'V', type: Bytes }] }),
});
export type InherentData = Infer<typeof InherentData>;
export const CheckInherentsResult = Struct('sp_inherents::CheckInherentsResult', { okay: bool, fatal_error: bool, errors: InherentData });

/** pallet_timestamp's inherent identifier, b"timstap0": the data is the u64 moment. */
export const TIMESTAMP_INHERENT = u8aToHex(new TextEncoder().encode('timstap0'));

/** The header of the block built in `env`; its state root comes from applying the overlay to the state and reverting it. */
function pendingHeader(env: ApiEnv, extrinsics: readonly Uint8Array[]): HeaderValue {
  const changes = env.overlay.drain();
  const undo = commitChanges(env.state, changes);
  try {
    return {
      parent_hash: System.ParentHash.get(),
      number: System.Number.get(),
      state_root: H256.dec(env.state.root()),
      extrinsics_root: extrinsicsRoot(extrinsics),
      digest: System.Digest.get(),
    };
  } finally {
    revertChanges(env.state, undo);
  }
}

export function standardApis(types: RuntimeTypes): RuntimeApi[] {
  const { extrinsic: Extrinsic, block: BlockType } = types;
  return [
    runtimeApi('Core', 5, {
      version: standardMethod({
        inputs: {}, output: RuntimeVersion, docs: ['Returns the version of the runtime.'],
        call: (_args, env) => env.executive.runtime.version,
      }),
      execute_block: standardMethod({
        inputs: { block: BlockType }, output: unit, docs: ['Execute the given block.'],
        call: ({ block }, env) => {
          const parent = { hash: block.header.parent_hash, number: block.header.number - 1 };
          const built = executeBlock(env.executive, env.state, parent, block);
          revertChanges(env.state, built.undo);
          return undefined;
        },
      }),
      initialize_block: standardMethod({
        inputs: { header: Header }, output: ExtrinsicInclusionMode, docs: ['Initialize a block with the given header and return the runtime executive mode.'],
        call: ({ header }, env) => {
          env.executive.initializeBlock(env.overlay, header.number, header.parent_hash, header.digest);
          return { type: 'AllExtrinsics' } as const;
        },
      }),
    }, ['The `Core` runtime api that every Substrate runtime needs to implement.']),

    runtimeApi('Metadata', 2, {
      metadata: standardMethod({
        inputs: {}, output: OpaqueMetadata, docs: ['Returns the metadata of a runtime.'],
        call: (_args, env) => encodeMetadata(env, 14),
      }),
      metadata_at_version: standardMethod({
        inputs: { version: u32 }, output: Option(OpaqueMetadata),
        docs: ['Returns the metadata at a given version.', '', 'If the given `version` isn\'t supported, this will return `None`.'],
        call: ({ version }, env) => ((METADATA_VERSIONS as readonly number[]).includes(version) ? encodeMetadata(env, version as MetadataVersion) : undefined),
      }),
      metadata_versions: standardMethod({
        inputs: {}, output: Vec(u32), docs: ['Returns the supported metadata versions.'],
        call: () => [...METADATA_VERSIONS],
      }),
    }, ['The `Metadata` api trait that returns metadata for the runtime.']),

    runtimeApi('BlockBuilder', 6, {
      apply_extrinsic: standardMethod({
        inputs: { extrinsic: Extrinsic }, output: ApplyExtrinsicResult,
        docs: ['Apply the given extrinsic.', '', 'Returns an inclusion outcome which specifies if this extrinsic is included in', 'this block or not.'],
        call: ({ extrinsic }, env) => env.executive.applyExtrinsic(env.overlay, extrinsic),
      }),
      finalize_block: standardMethod({
        inputs: {}, output: Header, docs: ['Finish the current block.'],
        call: (_args, env) => {
          env.executive.finalizeBlock(env.overlay);
          return pendingHeader(env, []);
        },
      }),
      inherent_extrinsics: standardMethod({
        inputs: { inherent: InherentData }, output: Vec(Extrinsic), docs: ['Generate inherent extrinsics. The inherent data will vary from chain to chain.'],
        call: ({ inherent }, env) => {
          const moment = inherent.data.find(([id]) => id === TIMESTAMP_INHERENT);
          if (!moment) return [];
          const runtime = env.executive.runtime;
          return runtime.spec.inherents({ timestamp: u64.dec(moment[1]) }).map((call) => runtime.extrinsic.enc({ call }));
        },
      }),
      check_inherents: standardMethod({
        inputs: { block: BlockType, data: InherentData }, output: CheckInherentsResult,
        docs: ['Check that the inherents are valid. The inherent data will vary from chain to chain.'],
        // The timestamp is checked when the block executes (Timestamp.set refuses a time too early).
        call: () => ({ okay: true, fatal_error: false, errors: { data: [] } }),
      }),
    }, ['The `BlockBuilder` api trait that provides the required functionality for building a block.']),

    runtimeApi('TaggedTransactionQueue', 3, {
      validate_transaction: standardMethod({
        inputs: { source: TransactionSource, tx: Extrinsic, block_hash: H256 }, output: TransactionValidity,
        docs: ['Validate the transaction.', '', 'This method is invoked by the transaction pool to learn details about given transaction.'],
        call: ({ tx, block_hash }, env) => env.executive.validateTransaction(env.overlay, tx, block_hash),
      }),
    }, ['The `TaggedTransactionQueue` api trait for interfering with the transaction queue.']),

    runtimeApi('AccountNonceApi', 1, {
      account_nonce: standardMethod({
        inputs: { account: AccountId32 }, output: Nonce, docs: ['Get current account nonce of given `AccountId`.'],
        call: ({ account }) => System.accountNonce(account),
      }),
    }, ['The API to query account nonce.']),
  ];
}

const encodeMetadata = (env: ApiEnv, version: MetadataVersion): Uint8Array => buildMetadata(env.executive.runtime, version);
