// `simulate`: authors blocks of a seeded pseudo-random workload of signed extrinsics. The same
// chain spec, seed and block count give the same blocks, on any machine: the randomness is
// pure-rand's xoroshiro128+ and sr25519 signatures are deterministic (node/keys.ts).
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { u8aToHex } from '@polkadot/util';
import type { Chain } from './chain.ts';
import { accountOf, signExtrinsic, type SigningPair } from './signer.ts';
import type { PlannedCall, Rng, Workload } from './workloads/types.ts';

export function seededRng(seed: number): Rng {
  const generator = xoroshiro128plus(seed);
  return {
    next: () => uniformFloat64(generator),
    int: (maxExclusive) => uniformInt(generator, 0, maxExclusive - 1),
    pick: (items) => items[uniformInt(generator, 0, items.length - 1)],
  };
}

export type Outcome = 'ok' | 'fail' | 'refused';

export interface SimulationReport {
  blocks: number;
  extrinsics: Record<Outcome, number>;
  /** Planned calls whose outcome differed from what their workload expected. */
  unexpected: { block: number; workload: string; call: string; expected: Outcome; got: Outcome; reason?: string }[];
  head: string;
  number: number;
  stateRoot: string;
  seconds: number;
  /** Included extrinsics (successful or failed) per second of authoring. */
  extrinsicsPerSecond: number;
}

export interface SimulateOptions {
  blocks: number;
  seed: number;
  workloads: readonly Workload[];
  accounts: readonly SigningPair[];
  /** After each block: its number and what became of the block's planned extrinsics. */
  onBlock?: (number: number, outcomes: Record<Outcome, number>) => void;
}

export function simulate(chain: Chain, opts: SimulateOptions): SimulationReport {
  const run = simulation(chain, opts);
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
  }
}

/**
 * `simulate`, one block a step: it yields after each block (the CLI lets the database write it
 * there, so that queued writes do not pile up in memory) and returns the report.
 */
export function* simulation(chain: Chain, opts: SimulateOptions): Generator<number, SimulationReport> {
  const rng = seededRng(opts.seed);
  const tally: Record<Outcome, number> = { ok: 0, fail: 0, refused: 0 };
  const unexpected: SimulationReport['unexpected'] = [];
  const started = performance.now();
  for (let n = 0; n < opts.blocks; n++) {
    const block = chain.head.number + 1;
    const plans = opts.workloads.flatMap((workload) =>
      workload.plan({ chain, rng, accounts: opts.accounts, block }).map((plan) => ({ ...plan, workload: workload.name })));
    const { results } = chain.author(signAll(chain, plans));
    const inBlock: Record<Outcome, number> = { ok: 0, fail: 0, refused: 0 };
    results.forEach((result, i) => {
      const got: Outcome = !result.success ? 'refused' : result.value.success ? 'ok' : 'fail';
      tally[got]++;
      inBlock[got]++;
      const plan = plans[i];
      if (got !== plan.expect) {
        const reason = !result.success ? JSON.stringify(result.value) : result.value.success ? undefined : chain.runtime.describeError(result.value.value);
        unexpected.push({ block, workload: plan.workload, call: `${plan.call.type}.${plan.call.value.type}`, expected: plan.expect, got, reason });
      }
    });
    opts.onBlock?.(block, inBlock);
    yield block;
  }
  const seconds = (performance.now() - started) / 1000;
  const headHash = chain.head.hash;
  return {
    blocks: opts.blocks,
    extrinsics: tally,
    unexpected,
    head: headHash,
    number: chain.head.number,
    stateRoot: u8aToHex(chain.state.root()),
    seconds,
    extrinsicsPerSecond: (tally.ok + tally.fail) / seconds,
  };
}

/** Signs the planned calls; a call expected to be included takes its signer's next nonce in this block. */
function signAll(chain: Chain, plans: readonly PlannedCall[]): Uint8Array[] {
  const nextNonce = new Map<string, number>();
  const { spec_version: specVersion, transaction_version: transactionVersion } = chain.runtime.version;
  return plans.map((plan) => {
    const who = accountOf(plan.signer);
    const next = nextNonce.get(who) ?? chain.api<number>('AccountNonceApi_account_nonce', [who]);
    if (plan.nonce === undefined && plan.expect !== 'refused') nextNonce.set(who, next + 1);
    return signExtrinsic(chain.runtime, plan.signer, plan.call, {
      nonce: plan.nonce ?? next, tip: plan.tip, genesisHash: chain.genesisHash, specVersion, transactionVersion,
    });
  });
}
