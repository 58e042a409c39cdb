// The benchmarking framework's runtime side, as frame-benchmarking: a benchmark declares its
// components with their ranges, sets up the worst case for given component values, names the call
// (or hook) to measure and verifies the outcome. The node's runner (node/benchmark/) measures it
// against the real state layers; this side stays deterministic (no clock, no I/O).
import { u8aEq, u8aToHex } from '@polkadot/util';
import { sr25519PairFromSeed } from '@polkadot/util-crypto';
import type { Keypair } from '@polkadot/util-crypto/types';
import { blake2_256 } from '../../primitives/hashing.ts';
import type { AccountId } from '../../primitives/types.ts';
import type { Runtime, RuntimeEventValue } from '../construct.ts';
import { Root, signed, type Origin } from '../dispatch.ts';
import type { StateBackend } from '../overlay.ts';
import type { AnyPallet, RuntimeCallValue } from '../pallet.ts';

/** Component values of one run: `{ o: 8, s: 3 }`. */
export type Components = Record<string, number>;

/** What one run measures: a call dispatched as `origin`, or a hook; and the checks of its outcome. */
export type Measured = ({ origin: Origin; call: RuntimeCallValue } | { hook: () => unknown }) & {
  /** Asserts what the call did (throw to fail the benchmark), as a #[benchmark]'s verify block. */
  verify?: () => void;
};

export interface Benchmark {
  /** Component name -> inclusive [low, high] range; a benchmark without components runs at one point. */
  components?: Record<string, readonly [low: number, high: number]>;
  /** Writes the worst case for `c` into storage (not measured) and returns what to measure. */
  setup(c: Components, ctx: BenchmarkContext): Measured;
}

export type PalletBenchmarks = Record<string, Benchmark>;

/**
 * One pallet of a runtime's list with the benchmarks its declaration's `benchmarks` slot loads,
 * as define_benchmarks! lists them: its generated weights go to `<dir>/weights.ts` as `weightsName`.
 */
export interface BenchmarkedPallet {
  pallet: AnyPallet;
  /** The pallet's folder, from its name: `frame/system` for System, `pallets/slice-marketplace` for SliceMarketplace. */
  dir: string;
  /** The exported name of its weights object: `<pallet name>Weights` (`BalancesWeights`). */
  weightsName: string;
  benchmarks: PalletBenchmarks;
}

/** The folder a pallet lives in, from its crate name: frame_system -> frame/system, pallet_slice_marketplace -> pallets/slice-marketplace. */
export const palletDir = (pallet: AnyPallet): string =>
  (pallet.module === 'frame_system' ? 'frame/system' : `pallets/${pallet.module.replace(/^pallet_/, '').replaceAll('_', '-')}`);

/**
 * The benchmarked pallets of `runtime`, in its construct_runtime order: every pallet whose
 * declaration has a `benchmarks` slot, its benchmarks loaded (only now: a node never loads them).
 */
export async function benchmarkedPallets(runtime: Runtime): Promise<BenchmarkedPallet[]> {
  const loaded = await Promise.all(runtime.pallets.map(async ({ pallet }) =>
    (pallet.benchmarks ? [{ pallet, dir: palletDir(pallet), weightsName: `${pallet.name}Weights`, benchmarks: await pallet.benchmarks() }] : [])));
  return loaded.flat();
}

export class BenchmarkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchmarkError';
  }
}

/** Fails the benchmark's verify step with `message` unless `condition` holds. */
export function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BenchmarkError(message);
}

/** sr25519 key pairs of benchmark accounts by their seed (deriving one costs milliseconds), and by account. */
const keypairs = new Map<string, Keypair>();
const keypairsByAccount = new Map<AccountId, Keypair>();

/**
 * What setup code may use: deterministic accounts and dispatching setup calls that must succeed.
 * Accounts are sr25519 keys derived from the role, index and `salt`, so that a block of many
 * worst cases (`benchmark check`) can hold independent set-ups, signed by their accounts.
 */
export class BenchmarkContext {
  constructor(readonly runtime: Runtime, readonly salt = '') {}

  /** A deterministic account for a benchmark's role: `account('operator', 3)`, as frame_benchmarking::account. */
  account(name: string, index: number): AccountId {
    return u8aToHex(BenchmarkContext.keypair(`benchmark:${this.salt}:${name}:${index}`).publicKey) as AccountId;
  }

  /** The key pair behind a seed `account` used. */
  static keypair(seed: string): Keypair {
    let pair = keypairs.get(seed);
    if (!pair) {
      pair = sr25519PairFromSeed(blake2_256(new TextEncoder().encode(seed)));
      keypairs.set(seed, pair);
      keypairsByAccount.set(u8aToHex(pair.publicKey) as AccountId, pair);
    }
    return pair;
  }

  /** The key pair of an account this context (or another with the same salt) handed out, if any. */
  static keypairOf(account: AccountId): Keypair | undefined {
    return keypairsByAccount.get(account);
  }

  /** Dispatches a setup call; throws when it fails, since a benchmark must start from a valid state. */
  dispatch(origin: Origin, call: RuntimeCallValue): void {
    const { error } = this.runtime.dispatch(origin, call);
    if (error) throw new BenchmarkError(`setup call ${call.type}.${call.value.type} failed: ${this.runtime.describeError(error)}`);
  }

  asRoot(call: RuntimeCallValue): void {
    this.dispatch(Root, call);
  }

  as(who: AccountId, call: RuntimeCallValue): void {
    this.dispatch(signed(who), call);
  }

  /** Fails the verify step unless the block's last event is `expected` (frame_benchmarking's assert_last_event), compared encoded. */
  assertLastEvent(expected: RuntimeEventValue): void {
    const last = this.runtime.events().at(-1)?.event;
    const { RuntimeEvent } = this.runtime;
    ensure(last !== undefined && u8aEq(RuntimeEvent.enc(last), RuntimeEvent.enc(expected)),
      `the last event is ${last ? `${last.type}.${last.value.type}` : 'none'}, not ${expected.type}.${expected.value.type}`);
  }
}

/**
 * A read-through view of committed state that counts what a measured run reads: distinct keys
 * (frame-benchmarking's "Raw Storage Info") and their encoded size, the proof size of the run.
 */
export class TrackingBackend implements StateBackend {
  readonly read = new Map<string, number>();

  constructor(private readonly inner: StateBackend, private readonly whitelisted: (hex: string) => boolean) {}

  get(key: Uint8Array): Uint8Array | undefined {
    const value = this.inner.get(key);
    this.note(key, value?.length ?? 0);
    return value;
  }

  *keys(prefix: Uint8Array, startAfter?: Uint8Array): Iterable<Uint8Array> {
    for (const key of this.inner.keys(prefix, startAfter)) {
      // Iterating reads each key's trie node; the value is read when the caller gets it.
      this.note(key, 0);
      yield key;
    }
  }

  *entries(prefix: Uint8Array, startAfter?: Uint8Array): Iterable<[Uint8Array, Uint8Array]> {
    for (const entry of this.inner.entries(prefix, startAfter)) {
      this.note(entry[0], entry[1].length);
      yield entry;
    }
  }

  /** Bytes a proof of the run would carry: keys and values read. */
  get proofSize(): number {
    let bytes = 0;
    for (const size of this.read.values()) bytes += size;
    return bytes;
  }

  private note(key: Uint8Array, valueLength: number): void {
    const hex = u8aToHex(key);
    if (this.whitelisted(hex)) return;
    this.read.set(hex, Math.max(this.read.get(hex) ?? 0, key.length + valueLength));
  }
}

/** Low to high in `steps` points (both ends included), as frame-benchmarking sweeps a component. */
export function sweep([low, high]: readonly [number, number], steps: number): number[] {
  if (high <= low || steps < 2) return [high];
  const points = new Set<number>();
  for (let i = 0; i < steps; i++) points.add(low + Math.round(((high - low) * i) / (steps - 1)));
  return [...points];
}
