// Reading a chain spec's genesis config: every refusal names the field, e.g.
// `genesis.runtimeGenesis.patch.balances.balances[2][1]: -5 is negative`.
import { isHex, u8aToHex } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';
import type { AccountId } from '../primitives/types.ts';
import { U32_MAX } from './dispatch.ts';

export class SpecError extends Error {
  constructor(readonly field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'SpecError';
  }
}

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value)));

export function requireObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SpecError(path, `expected an object, got ${show(value)}`);
  return value as Record<string, unknown>;
}

export function requireArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new SpecError(path, `expected an array, got ${show(value)}`);
  return value;
}

/** Refuses keys other than `allowed`: a misspelt field must not be silently ignored. */
export function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw new SpecError(`${path}.${key}`, `unknown field (expected one of: ${allowed.join(', ')})`);
  }
}

/**
 * An integer from JSON: a safe-integer number, or a decimal or 0x-hex string for amounts beyond
 * 2^53 (Substrate's JSON carries u128 balances as numbers, which JSON.parse cannot keep exact).
 */
export function toInteger(value: unknown, path: string, bounds: { min?: bigint; max?: bigint } = {}): bigint {
  let n: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new SpecError(path, `${value} is not an integer`);
    if (!Number.isSafeInteger(value)) throw new SpecError(path, `${value} is beyond 2^53: write it as a string to keep it exact`);
    n = BigInt(value);
  } else if (typeof value === 'string' && /^-?[0-9]+$/.test(value)) {
    n = BigInt(value);
  } else if (typeof value === 'string' && isHex(value) && value.length > 2) {
    n = BigInt(value);
  } else {
    throw new SpecError(path, `expected an integer, got ${show(value)}`);
  }
  if (n < 0n && (bounds.min === undefined || bounds.min >= 0n)) throw new SpecError(path, `${n} is negative`);
  if (bounds.min !== undefined && n < bounds.min) throw new SpecError(path, `${n} is below the minimum ${bounds.min}`);
  if (bounds.max !== undefined && n > bounds.max) throw new SpecError(path, `${n} exceeds the maximum ${bounds.max}`);
  return n;
}

export const requireInteger = (obj: unknown, key: string, path: string, bounds: { min?: bigint; max?: bigint } = {}): bigint =>
  toInteger(requireObject(obj, path)[key], `${path}.${key}`, bounds);

/** An account: an SS58 address (checksum checked) or 0x-hex of 32 bytes. */
export function toAccount(value: unknown, path: string): AccountId {
  if (typeof value !== 'string') throw new SpecError(path, `expected an SS58 address, got ${show(value)}`);
  try {
    const bytes = decodeAddress(value);
    if (bytes.length !== 32) throw new Error(`${bytes.length} bytes, not 32`);
    return u8aToHex(bytes) as AccountId;
  } catch (error) {
    throw new SpecError(path, `${show(value)} is not a valid address (${(error as Error).message})`);
  }
}

// ---- declared shapes -----------------------------------------------------------------------------
// A pallet declares its genesis config's shape (`object({ now: optional(integer({ max: U64_MAX }), 0n) })`);
// one reader walks JSON by it, and every refusal names the field. The config's type is the shape's.

/** A declared shape: reads JSON into a `T`, throwing a SpecError that names the field at `path`. */
export interface Shape<T> {
  read(json: unknown, path: string): T;
}
export type ShapeValue<S> = S extends Shape<infer T> ? T : never;

/** A field that may be absent (or null, as serde writes None): `fallback` then, else undefined. */
export interface OptionalShape<T> extends Shape<T> {
  readonly fallback: T;
}
export function optional<T>(shape: Shape<T>): OptionalShape<T | undefined>;
export function optional<T>(shape: Shape<T>, fallback: T): OptionalShape<T>;
export function optional<T>(shape: Shape<T>, fallback?: T): OptionalShape<T | undefined> {
  return { fallback, read: (json, path) => (json === undefined || json === null ? fallback : shape.read(json, path)) };
}

type Bounds<N> = { min?: N; max?: N };

/** An integer as a bigint (u64, u128 amounts), within `bounds`. */
export const integer = (bounds: Bounds<bigint> = {}): Shape<bigint> => ({ read: (json, path) => toInteger(json, path, bounds) });

/** An integer as a number (u32 and below; at most u32::MAX unless `bounds` says less). */
export const smallInteger = (bounds: Bounds<number> = {}): Shape<number> => ({
  read: (json, path) => Number(toInteger(json, path, {
    min: bounds.min === undefined ? undefined : BigInt(bounds.min), max: BigInt(bounds.max ?? U32_MAX),
  })),
});

/** An SS58 address or 0x-hex of 32 bytes. */
export const account: Shape<AccountId> = { read: toAccount };

/** A string naming one of `options`. */
export const oneOf = <T>(options: Record<string, T>): Shape<T> => ({
  read: (json, path) => {
    if (typeof json !== 'string' || !Object.hasOwn(options, json)) {
      throw new SpecError(path, `expected one of ${Object.keys(options).map((o) => JSON.stringify(o)).join(', ')}, got ${show(json)}`);
    }
    return options[json];
  },
});

export const array = <T>(item: Shape<T>): Shape<T[]> => ({
  read: (json, path) => requireArray(json, path).map((entry, i) => item.read(entry, `${path}[${i}]`)),
});

/** A fixed-length JSON array, e.g. `tuple(['address', account], ['amount', integer()])`: `[address, amount]`. */
export function tuple<S extends readonly (readonly [string, Shape<unknown>])[]>(...items: S): Shape<{ [I in keyof S]: ShapeValue<S[I][1]> }> {
  return {
    read: (json, path) => {
      const entries = requireArray(json, path);
      if (entries.length !== items.length) {
        throw new SpecError(path, `expected [${items.map(([name]) => name).join(', ')}], got ${entries.length} item(s)`);
      }
      return items.map(([, shape], i) => shape.read(entries[i], `${path}[${i}]`)) as { [I in keyof S]: ShapeValue<S[I][1]> };
    },
  };
}

type Fields = Record<string, Shape<unknown>>;
type ObjectValue<F extends Fields> = { [K in keyof F]: ShapeValue<F[K]> };

/**
 * A JSON object of declared fields. An unknown key is refused (a misspelt field must not be
 * silently ignored) unless `ignoreUnknown` (a record of someone else's export that grows fields).
 */
export function object<F extends Fields>(fields: F, opts: { ignoreUnknown?: boolean } = {}): Shape<ObjectValue<F>> {
  return {
    read: (json, path) => {
      const obj = requireObject(json, path);
      if (!opts.ignoreUnknown) onlyKeys(obj, Object.keys(fields), path);
      return Object.fromEntries(Object.entries(fields).map(([key, shape]) => [key, shape.read(obj[key], `${path}.${key}`)])) as ObjectValue<F>;
    },
  };
}

/** A JSON object used as a map: `{ "<key>": <value> }`, each key read by `key` (as JSON text) and each value by `value`. */
export const dictionary = <K, V>(key: Shape<K>, value: Shape<V>): Shape<[K, V][]> => ({
  read: (json, path) => Object.entries(requireObject(json, path)).map(([k, v]) => [key.read(k, `${path}.${k}`), value.read(v, `${path}.${k}`)]),
});

/**
 * A shape whose value is checked or reshaped once read: `then` gets the value, its path and the
 * JSON it came from (to quote it in a refusal), and throws a SpecError or returns the result.
 */
export const refine = <T, U>(shape: Shape<T>, then: (value: T, path: string, json: unknown) => U): Shape<U> => ({
  read: (json, path) => then(shape.read(json, path), path, json),
});
