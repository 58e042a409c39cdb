// The long run of the JSON-RPC fuzzer (tests/rpc-fuzz.ts): random params for every method of a dev
// node serving unsafe methods, one request at a time over a WebSocket. Prints the inputs tried,
// the answers by outcome, and the findings: no answer (a hang or crash), Internal error, a refused
// request that changed the chain. Exit code 1 when there is a finding.
//
//   npx tsx benches/fuzz-rpc.ts [inputs=1000000] [seed=1]
import fc from 'fast-check';
import { initCrypto } from '../primitives/crypto.ts';
import { startNode } from '../node/node.ts';
import { fuzzer, requestArbitrary, type Finding } from '../tests/rpc-fuzz.ts';

const INPUTS = Number(process.argv[2] ?? 1_000_000);
const SEED = Number(process.argv[3] ?? 1);
const BATCH = 1000;

await initCrypto();
const running = await startNode({ port: 0, sealing: 'manual', unsafe: true });
const session = await fuzzer(running.url, running.node);
const methods = await session.methods();
const findings: Finding[] = [];
const started = performance.now();
let tried = 0;
const report = () => {
  const seconds = (performance.now() - started) / 1000;
  const outcomes = [...session.outcomes].sort(([, a], [, b]) => b - a).map(([k, n]) => `${k}: ${n}`).join(', ');
  console.log(`${tried} inputs over ${methods.length} methods in ${seconds.toFixed(0)} s (${(tried / seconds).toFixed(0)}/s); findings: ${findings.length}; answers: ${outcomes}`);
};
for (let batch = 0; tried < INPUTS; batch++) {
  // The generator reads the head hash when sampled: a new batch follows the chain as it moves.
  for (const request of fc.sample(requestArbitrary(methods, running.node), { numRuns: Math.min(BATCH, INPUTS - tried), seed: SEED * 1_000_003 + batch })) {
    const finding = await session.run(request);
    tried++;
    if (finding) {
      findings.push(finding);
      console.log(`FINDING ${finding.problem}: ${JSON.stringify(finding.request).slice(0, 300)}`);
    }
  }
  if (tried % 10_000 === 0) report();
}
report();
console.log(`head #${running.node.head.number}, pool ${running.node.pool.size}; crashes (no answer): ${findings.filter((f) => f.problem.startsWith('no answer')).length}, `
  + `internal errors: ${findings.filter((f) => f.problem.startsWith('internal')).length}, state changed by a refused request: ${findings.filter((f) => f.problem.startsWith('refused')).length}`);
session.close();
await running.close();
process.exit(findings.length ? 1 : 0);
