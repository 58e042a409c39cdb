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
  it('a valid transfer with its signature scheme switched (sr25519 to ed25519) is refused, though the same bytes verified before', () => {
    const target = extrinsicTarget();
    const [transfer] = target.seeds as Uint8Array[];
    const SCHEME = 2 + 1 + 33; // compact length, version, MultiAddress::Id: the MultiSignature variant
    expect(transfer[SCHEME]).toBe(1);
    const switched = Uint8Array.from(transfer);
    switched[SCHEME] = 0;
    expect(target.run(switched)).toBe('refused');
  });
  it('mutated blocks are refused with a reason, and change nothing', quick(blockTarget, 200), 120_000);
  it('runtime API calls with garbage input answer or fail with the runtime\'s error, and change nothing', quick(stateCallTarget, 500), 120_000);
  it('mutated chain specs are refused naming a field, or accepted', quick(chainSpecTarget, 25), 120_000);
});
