// Reading a chain spec's genesis config: every refusal names the field, e.g.
// `genesis.runtimeGenesis.patch.balances.balances[2][1]: -5 is negative`.
import { isHex, u8aToHex } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';
import type { AccountId } from '../primitives/types.ts';

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
