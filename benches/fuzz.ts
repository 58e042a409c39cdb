// Fuzzing, long run: each target of tests/fuzz-targets.ts gets up to RUNS inputs (default
// 1,000,000) within SECONDS per target (default 600); prints per target the inputs tried, how many
// were refused / accepted, the crashes (anything thrown but the proper refusal) and the state
// changes, with the first few failing inputs. Exit 1 when any target crashed or changed state.
//
//   npx tsx benches/fuzz.ts [RUNS] [SECONDS] [TARGET-NAME-FILTER]   (FC_SEED=<n> for other inputs)
import fc from 'fast-check';
import { initCrypto } from '../primitives/crypto.ts';
import { StateChanged, fuzzTargets } from '../tests/fuzz-targets.ts';

async function main(): Promise<void> {
  await initCrypto();
  const runs = Number(process.argv[2] ?? 1_000_000);
  const seconds = Number(process.argv[3] ?? 600);
  const filter = process.argv[4] ?? '';
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  let failed = false;
  for (const target of fuzzTargets().filter((t) => t.name.includes(filter))) {
    const tally = { tried: 0, refused: 0, accepted: 0, crashes: 0, stateChanges: 0 };
    const examples: string[] = [];
    const started = performance.now();
    const deadline = started + seconds * 1000;
    // Every input is counted; a failure is recorded and the run goes on (no shrinking).
    fc.check(fc.property(target.inputs, (input) => {
      if (performance.now() > deadline) return true;
      tally.tried++;
      try {
        tally[target.run(input)]++;
      } catch (error) {
        if (error instanceof StateChanged) tally.stateChanges++;
        else tally.crashes++;
        if (examples.length < 3) examples.push(`${(error as Error).message} <- ${fc.stringify(input).slice(0, 400)}`);
      }
      return true;
    }), { numRuns: runs, seed, interruptAfterTimeLimit: seconds * 1000 });
    const elapsed = (performance.now() - started) / 1000;
    console.log(JSON.stringify({ target: target.name, seed, ...tally, seconds: Math.round(elapsed), per_second: Math.round(tally.tried / elapsed) }));
    for (const example of examples) console.log(`  failure: ${example}`);
    failed ||= tally.crashes + tally.stateChanges > 0;
  }
  if (failed) process.exitCode = 1;
}

void main();
