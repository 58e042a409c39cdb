// Runtime APIs as sp_api's decl_runtime_apis declares them: each API has a name, a version and
// methods with typed inputs and output. A pallet declares its APIs in its declaration; the runtime
// collects them (construct.ts), lists them in RuntimeVersion.apis by blake2_64(name) and describes
// them in Metadata V15; frame/apis.ts calls them (state_call) and declares the standard ones.
import { u8aToHex } from '@polkadot/util';
import { blake2b } from '@polkadot/wasm-crypto';
import type { HexString, Type } from '../primitives/scale.ts';
import type { Block } from './block.ts';
import type { Args, ArgsValue } from './dispatch.ts';

/**
 * A method: typed inputs and output, and a body. `E` is what the body gets besides its arguments: the
 * framework's standard APIs take the call's environment (frame/apis.ts), a pallet's API needs none.
 */
export interface ApiMethod<I extends Args = Args, O = any, E = any> {
  inputs: I;
  output: Type<O>;
  docs?: readonly string[];
  /** Runs inside the executive, with the state of the block the call is made at as storage. */
  call(args: ArgsValue<I>, env: E): NoInfer<O>;
}

export interface RuntimeApi {
  name: string;
  version: number;
  docs: readonly string[];
  // methods with differing input and output types
  methods: Record<string, ApiMethod<any, any>>;
}

/** Declares one method with its body typed by its inputs. */
export const method = <I extends Args, O, E = unknown>(def: ApiMethod<I, O, E>): ApiMethod<I, O, E> => def;

export const runtimeApi = (name: string, version: number, methods: Record<string, ApiMethod<any, any>>, docs: readonly string[] = []): RuntimeApi =>
  ({ name, version, methods, docs });

/** An API's id in RuntimeVersion.apis: blake2_64 of its trait name. */
export const apiId = (name: string): HexString => u8aToHex(blake2b(new TextEncoder().encode(name), new Uint8Array(0), 8)) as HexString;

/** RuntimeVersion.apis of a list of APIs. */
export const apiVersions = (apis: readonly RuntimeApi[]): [HexString, number][] => apis.map((api) => [apiId(api.name), api.version]);

/** The types of the runtime an API talks about, resolved once the runtime exists. */
export interface RuntimeTypes {
  extrinsic: Type<Uint8Array>;
  block: Type<Block>;
}
