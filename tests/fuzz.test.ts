// The fuzz targets' quick run (fixed fast-check seed, see tests/setup.ts): random and mutated
// extrinsics, blocks, state_call inputs and chain specs are refused the proper way, without a
// crash and without changing the chain. benches/fuzz.ts runs them long.
import fc from 'fast-check';
import { blockTarget, chainSpecTarget, extrinsicTarget, stateCallTarget, type FuzzTarget } from './fuzz-targets.ts';

const quick = <T>(target: () => FuzzTarget<T>, numRuns: number) => () => {
  const { inputs, run } = target();
  fc.assert(fc.property(inputs, (input) => void run(input)), { numRuns });
};

describe('fuzzing (quick run)', () => {
  it('mutated and random extrinsics are never valid nor included, and change nothing', quick(extrinsicTarget, 300), 120_000);
  it('mutated blocks are refused with a reason, and change nothing', quick(blockTarget, 200), 120_000);
  it('runtime API calls with garbage input answer or fail with the runtime\'s error, and change nothing', quick(stateCallTarget, 500), 120_000);
  it('mutated chain specs are refused naming a field, or accepted', quick(chainSpecTarget, 25), 120_000);
});
