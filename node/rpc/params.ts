// Reading JSON-RPC params: each refusal is an Invalid params error naming the parameter.
import { hexToU8a, isHex } from '@polkadot/util';
import type { Hash } from '../../primitives/types.ts';
import { invalidParams } from './server.ts';

export function bytesParam(params: unknown[], i: number, name: string): Uint8Array {
  const value = params[i];
  if (typeof value !== 'string' || !isHex(value)) throw invalidParams(`${name}: expected 0x-prefixed hex, got ${JSON.stringify(value)}`);
  return hexToU8a(value);
}

export function hashParam(params: unknown[], i: number, name = 'hash'): Hash {
  const value = params[i];
  if (typeof value !== 'string' || !isHex(value, 256)) throw invalidParams(`${name}: expected a 32-byte 0x-hex block hash, got ${JSON.stringify(value)}`);
  return value.toLowerCase() as Hash;
}

/** An optional trailing block hash: absent or null means the best block. */
export const optionalHash = (params: unknown[], i: number): Hash | undefined =>
  params[i] === undefined || params[i] === null ? undefined : hashParam(params, i, 'at');

/** An array of 0x-hex storage keys. */
export function keysParam(params: unknown[], i: number): Uint8Array[] {
  const keys = params[i];
  if (!Array.isArray(keys)) throw invalidParams('keys: expected an array of 0x-hex storage keys');
  return keys.map((_, k) => bytesParam(keys, k, `keys[${k}]`));
}
