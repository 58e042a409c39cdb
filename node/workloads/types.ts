// What `simulate` asks of a workload: the signed calls for the next block, planned from the head
// state with a seeded source of randomness, each with the outcome the planner expects.
import type { RuntimeCallValue } from '../../frame/pallet.ts';
import type { Chain } from '../chain.ts';
import type { SigningPair } from '../signer.ts';

/** A deterministic source of randomness (seeded by the simulate command). */
export interface Rng {
  /** In [0, 1). */
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
}

export interface WorkloadContext {
  chain: Chain;
  rng: Rng;
  accounts: readonly SigningPair[];
  block: number;
}

export interface PlannedCall {
  signer: SigningPair;
  call: RuntimeCallValue;
  /** A successful call, a failing call (included, fee paid), or a refused transaction. */
  expect: 'ok' | 'fail' | 'refused';
  /** Signs with this nonce instead of the next one (a stale or future nonce for refused transactions). */
  nonce?: number;
  tip?: bigint;
}

export interface Workload {
  name: string;
  /** Calls for the next block, read from the head state. */
  plan(ctx: WorkloadContext): PlannedCall[];
}
