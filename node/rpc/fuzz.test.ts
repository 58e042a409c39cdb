// A quick fuzz of every JSON-RPC method's params (issue 11; the long run is benches/fuzz-rpc.ts):
// every request is answered with a result or a proper JSON-RPC error, never an Internal error,
// a refused request leaves the chain as it was, and the node keeps serving.
import fc from 'fast-check';
import { startNode, type RunningNode } from '../node.ts';
import { fuzzer, requestArbitrary, type Finding } from '../../tests/rpc-fuzz.ts';

let running: RunningNode;
beforeAll(async () => {
  running = await startNode({ port: 0, sealing: 'manual', unsafe: true });
});
afterAll(() => running?.close());

it('answers random params of every method properly and keeps serving', async () => {
  const session = await fuzzer(running.url, running.node);
  const methods = await session.methods();
  expect(methods.length).toBeGreaterThan(60);
  const findings: Finding[] = [];
  await fc.assert(fc.asyncProperty(requestArbitrary(methods, running.node), async (request) => {
    const finding = await session.run(request);
    if (finding) findings.push(finding);
  }), { numRuns: 1500 });
  expect(findings).toEqual([]);
  const after = await fuzzer(running.url, running.node);
  expect(await after.methods()).toEqual(methods);
  session.close();
  after.close();
}, 180_000);
