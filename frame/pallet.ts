// A pallet is one declaration, as FRAME's #[pallet]: storage items, calls (index, typed arguments,
// weight, origin rule, body), events, errors with docs, constants, hooks, genesis config, runtime
// APIs and (loaded only when asked) benchmarks. From
// it come the pallet's Call, Event and Error enums (codec, TS type, scale-info) and, through
// construct_runtime, its place in RuntimeCall and RuntimeEvent.
import { Enum, type AnyType, type EnumValue, type Type, type VariantSpec } from '../primitives/scale.ts';
import type { AccountId, Hash, Weight } from '../primitives/types.ts';
import type { PalletBenchmarks } from './benchmarking/index.ts';
import { DispatchFailure, type Args, type ArgsValue, type DispatchClass, type Origin, type PostDispatchInfo } from './dispatch.ts';
import { runtimeContext } from './externalities.ts';
import type { Shape } from './genesis-json.ts';
import type { RuntimeApi, RuntimeTypes } from './runtime-api.ts';
import type { StorageDeclarations, StorageMetadata } from './storage.ts';

/** The Rust crate a pallet's types live in, for their scale-info paths: frame_system, pallet_balances, ... */
export const palletModule = (pallet: string): string =>
  pallet === 'System' ? 'frame_system' : `pallet_${pallet.replace(/(?<=[a-z0-9])([A-Z])/g, '_$1').toLowerCase()}`;

const docLines = (docs: string | readonly string[] | undefined): readonly string[] =>
  docs === undefined ? [] : typeof docs === 'string' ? [docs] : docs;

// ---- calls ---------------------------------------------------------------------------------------

/** Who may dispatch a call: a signed account, root, no origin (inherents), or any (the body decides). */
export type OriginRule = 'signed' | 'root' | 'none' | 'any';
type Outcome = void | PostDispatchInfo;
export type CallBody<R extends OriginRule, A> =
  R extends 'signed' ? (who: AccountId, args: A) => Outcome
  : R extends 'any' ? (origin: Origin, args: A) => Outcome
  : (args: A) => Outcome;

export interface CallDef<A extends Args = Args, R extends OriginRule = OriginRule> {
  index: number;
  origin: R;
  args: A;
  /** The benchmarked weight of the call for these arguments (from the pallet's weights.ts). */
  weight: (args: ArgsValue<A>) => Weight;
  /** Normal by default; a function when the class depends on the arguments (Sudo takes its inner call's). */
  class?: DispatchClass | ((args: ArgsValue<A>) => DispatchClass);
  /** Whether the call pays a transaction fee (default true). */
  pays?: boolean;
  docs?: string | readonly string[];
  dispatch: CallBody<R, ArgsValue<A>>;
}

type CallDefFor<A extends Args, R extends OriginRule> = Omit<CallDef<A, R>, 'origin' | 'dispatch'> & { origin: R; dispatch: CallBody<R, ArgsValue<A>> };

/** Declares one call; one overload per origin rule so that the body's parameters are typed. */
export function call<A extends Args>(def: CallDefFor<A, 'signed'>): CallDef<A, 'signed'>;
export function call<A extends Args>(def: CallDefFor<A, 'root'>): CallDef<A, 'root'>;
export function call<A extends Args>(def: CallDefFor<A, 'none'>): CallDef<A, 'none'>;
export function call<A extends Args>(def: CallDefFor<A, 'any'>): CallDef<A, 'any'>;
export function call<A extends Args>(def: CallDef<A>): CallDef<A> {
  return def;
}

// a record of calls with differing argument types
type AnyCall = CallDef<any, any>;
export type Calls = Record<string, AnyCall>;
export type CallValue<C extends Calls> = { [K in keyof C & string]: { type: K; value: ArgsValue<C[K]['args']> } }[keyof C & string];

/** A call of the runtime: `{ type: <pallet>, value: { type: <call>, value: <args> } }`. */
export interface RuntimeCallValue { type: string; value: { type: string; value: Record<string, unknown> } }

// ---- events --------------------------------------------------------------------------------------

export type EventVariants = Record<string, VariantSpec>;

export interface PalletEvents<V extends EventVariants = EventVariants> {
  readonly pallet: string;
  readonly type: Type<EnumValue<V>>;
  /** Deposits the event in System.Events with `topics`, in the current phase. */
  deposit(event: EnumValue<V>, topics?: readonly Hash[]): void;
}

/** `events('Balances', { Transfer: [2, { from: AccountId32, to: AccountId32, amount: Balance }, 'Transfer succeeded.'] })`. */
export function events<V extends EventVariants>(pallet: string, variants: V): PalletEvents<V> {
  const type = Enum(`${palletModule(pallet)}::pallet::Event`, variants, { docs: ['The `Event` enum of this pallet'] });
  return {
    pallet,
    type,
    deposit: (event, topics = []) => runtimeContext().depositEvent(pallet, type.enc(event), topics),
  };
}

// ---- errors --------------------------------------------------------------------------------------

/** A pallet's own error: reported as DispatchError::Module { index: pallet index, error: [index, 0, 0, 0] }. */
export class PalletError extends DispatchFailure {
  constructor(readonly pallet: string, readonly errorName: string, readonly index: number, readonly docs: readonly string[]) {
    super((palletIndex) => ({
      type: 'Module',
      value: { index: palletIndex(pallet), error: `0x${index.toString(16).padStart(2, '0')}000000` },
    }), `${pallet}.${errorName}${docs.length ? `: ${docs.join(' ')}` : ''}`);
    this.name = 'PalletError';
  }
}

export type PalletErrors<E extends Record<string, readonly [number, string]>> = { readonly [K in keyof E]: PalletError } & {
  readonly $type: AnyType;
  readonly $all: readonly PalletError[];
};

/** `errors('Services', { NotRegistered: [0, 'The caller is not a registered operator.'] })`; throw `Errors.NotRegistered`. */
export function errors<E extends Record<string, readonly [number, string]>>(pallet: string, spec: E): PalletErrors<E> {
  const all = Object.entries(spec).map(([name, [index, doc]]) => new PalletError(pallet, name, index, [doc]));
  const $type = Enum(`${palletModule(pallet)}::pallet::Error`,
    Object.fromEntries(all.map((e) => [e.errorName, [e.index, undefined, e.docs] as const])),
    { docs: ['The `Error` enum of this pallet.'] });
  return Object.assign(Object.fromEntries(all.map((e) => [e.errorName, e])), { $type, $all: all }) as PalletErrors<E>;
}

// ---- constants, hooks, genesis -------------------------------------------------------------------

// `any` default: a record of constants holds values of differing types.
export interface ConstantDef<T = any> { type: Type<T>; value: T; docs: readonly string[] }
export const constant = <T>(type: Type<T>, value: T, docs?: string | readonly string[]): ConstantDef<T> => ({ type, value, docs: docLines(docs) });
/** A constant known once the runtime exists (System's Version lists the runtime's APIs). */
export const lazyConstant = <T>(type: Type<T>, value: () => T, docs?: string | readonly string[]): ConstantDef<T> =>
  ({ type, get value() { return value(); }, docs: docLines(docs) });

/** Hooks run by the executive in construct_runtime order, as FRAME's Hooks. */
export interface Hooks {
  onInitialize?(block: number): Weight;
  /** Gets the weight left in the block; returns what it used. */
  onIdle?(block: number, remaining: Weight): Weight;
  onFinalize?(block: number): void;
}

export interface GenesisDef<G> {
  /**
   * The declared shape of this pallet's section of a chain spec's `genesis.runtimeGenesis.patch`
   * (frame/genesis-json.ts); reading it refuses a bad field by name.
   */
  config: Shape<G>;
  /** Writes the initial storage (runs inside the genesis build's storage). */
  build(config: G): void;
}

/** A pallet's genesis config: its declared shape and the storage it writes; the config's type is the shape's. */
export const genesisConfig = <G>(config: Shape<G>, build: (config: G) => void): GenesisDef<G> => ({ config, build });

// ---- the pallet ----------------------------------------------------------------------------------

export interface PalletSpec<C extends Calls = Calls> {
  name: string;
  docs?: string | readonly string[];
  /** The pallet's storage (its `palletStorage(name)`): every item declared through it, in declaration order. */
  storage?: StorageDeclarations;
  calls?: C;
  events?: { pallet: string; type: AnyType };
  errors?: { $type: AnyType; $all: readonly PalletError[] };
  constants?: Record<string, ConstantDef>;
  hooks?: Hooks;
  // each pallet has its own config type
  genesis?: GenesisDef<any>;
  /** The pallet's runtime APIs (its runtime-api.ts); the runtime collects them in pallet order. */
  apis?: (types: RuntimeTypes) => readonly RuntimeApi[];
  /**
   * The pallet's benchmarks (its benchmarks.ts), given the pallet itself:
   * `benchmarks: async (self): Promise<PalletBenchmarks> => (await import('./benchmarks.ts')).kudosBenchmarks(self)`
   * (the return type written out: TypeScript cannot infer it while the benchmarks' parameter types
   * refer back to the pallet being declared). A dynamic import, so that the runtime a node executes
   * never loads benchmark code; `slicechain benchmark` loads it for the pallets of the runtime's list.
   */
  benchmarks?: (self: Pallet<C>) => Promise<PalletBenchmarks>;
}

export interface Pallet<C extends Calls = Calls> extends Omit<PalletSpec<C>, 'storage' | 'benchmarks'> {
  readonly module: string;
  /** Storage items in metadata order. */
  readonly storage: readonly { readonly metadata: StorageMetadata }[];
  /** The pallet's Call enum, when it has calls. */
  readonly callType?: Type<CallValue<C>>;
  /** Builds a RuntimeCall of this pallet: `Balances.tx.transfer_keep_alive({ dest, value })`. */
  readonly tx: { [K in keyof C & string]: (args: ArgsValue<C[K]['args']>) => RuntimeCallValue };
  /** Loads the pallet's benchmarks, when it declares them. */
  readonly benchmarks?: () => Promise<PalletBenchmarks>;
}

/** Any pallet, as a runtime holds them: its call set's types erased. */
export type AnyPallet = Omit<Pallet, 'callType' | 'tx'> & { callType?: AnyType; tx: object };

export function pallet<C extends Calls = Record<string, never>>(spec: PalletSpec<C>): Pallet<C> {
  const module = palletModule(spec.name);
  if (spec.storage && spec.storage.pallet !== spec.name) throw new Error(`pallet ${spec.name} declares the storage of ${spec.storage.pallet}`);
  const calls = Object.entries(spec.calls ?? {});
  const callType = calls.length === 0 ? undefined : Enum(`${module}::pallet::Call`,
    Object.fromEntries(calls.map(([name, def]) => [name, [def.index, def.args, docLines(def.docs)] as const])),
    { docs: ['Contains a variant per dispatchable extrinsic that this pallet has.'] }) as unknown as Type<CallValue<C>>;
  const tx = Object.fromEntries(calls.map(([name]) => [name,
    (args: Record<string, unknown>): RuntimeCallValue => ({ type: spec.name, value: { type: name, value: args } })]));
  const { benchmarks, ...rest } = spec;
  const built: Pallet<C> = {
    ...rest, module, storage: spec.storage?.items ?? [], callType, tx: tx as Pallet<C>['tx'],
    benchmarks: benchmarks && (() => benchmarks(built)),
  };
  return built;
}
