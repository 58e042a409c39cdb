// Fuzzing every JSON-RPC method's params (issue 11): fast-check draws a method the node serves and
// params from plausible-but-wrong to garbage (hex of any length, block hashes real and not,
// numbers of every kind, nested JSON, storage queries, dev_* option objects); one request goes
// over a real WebSocket at a time. A finding is a request not answered with a result or a proper
// JSON-RPC error, an Internal error (-32603: the node did not expect the input), or a refused
// request that changed the chain (head, state root, pool). Used by the quick property test in
// node/rpc/fuzz.test.ts and the long run in benches/fuzz-rpc.ts.
import fc from 'fast-check';
import { u8aToHex } from '@polkadot/util';
import type { DevNode } from '../node/node.ts';
import { connect } from './ws-client.ts';

export interface FuzzRequest {
  method: string;
  params: unknown;
}

export interface Finding {
  request: FuzzRequest;
  problem: string;
}

/** Params drawn to reach past the first check of each method. */
export function requestArbitrary(methods: readonly string[], node: DevNode): fc.Arbitrary<FuzzRequest> {
  const hex = fc.uint8Array({ maxLength: 80 }).map((bytes) => u8aToHex(bytes));
  const hash = fc.oneof(fc.constant(node.chain.genesisHash), fc.constant(node.head.hash), fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => u8aToHex(b)));
  // Small counts: dev_newBlock builds as many blocks as asked (up to 1000), which is slow, not wrong.
  const number = fc.oneof(fc.integer({ min: -5, max: 40 }), fc.double(), fc.constantFrom(2 ** 53, -0, 1e308, Number.MAX_SAFE_INTEGER));
  const text = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('0x', '0xzz', '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY', 'latest'));
  const leaf = fc.oneof(hex, hash, number, text, fc.boolean(), fc.constant(null));
  const storageQuery = fc.record({ key: fc.oneof(hex, leaf), type: fc.oneof(fc.constantFrom('value', 'hash', 'descendantsValues', 'descendantsHashes', 'closestDescendantMerkleValue'), leaf) });
  const devOptions = fc.record({ count: number, to: number, transactions: fc.array(fc.oneof(hex, leaf), { maxLength: 3 }), extrinsic: hex, at: hash }, { requiredKeys: [] });
  const value = fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(fc.oneof(hex, fc.array(fc.oneof(hex, fc.constant(null)), { maxLength: 2 }), storageQuery), { maxLength: 4 }) },
    { weight: 1, arbitrary: devOptions },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
  const params = fc.oneof(
    { weight: 6, arbitrary: fc.array(value, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.oneof(value, fc.constant(undefined)) },
  );
  return fc.record({ method: fc.constantFrom(...methods), params });
}

/** What a refused request must leave as it was. */
const snapshot = (node: DevNode) => `${node.head.hash} ${u8aToHex(node.chain.state.root())} ${node.pool.size}`;

/** A request not answered this long counts as a hang (generous: the machine may be busy). */
const NO_ANSWER_MS = 30_000;
/** Requests per connection, below the 1024 subscriptions a connection may hold. */
const CONNECTION_REQUESTS = 500;

/** A fuzzing session on one connection to a running node. */
export async function fuzzer(url: string, node: DevNode) {
  let client = await connect(url);
  let id = 0;
  /** How many answers were results, and how many each error code. */
  const outcomes = new Map<string, number>();
  return {
    outcomes,
    methods: async (): Promise<string[]> => (await client.call('rpc_methods', [], ++id)).result.methods,
    /** Sends one request; the finding, if any. */
    async run(request: FuzzRequest): Promise<Finding | undefined> {
      // A fresh connection now and then: the subscriptions the fuzzer opened end with the old one.
      if (id % CONNECTION_REQUESTS === CONNECTION_REQUESTS - 1) {
        client.socket.close();
        client = await connect(url);
      }
      const before = snapshot(node);
      let timer: NodeJS.Timeout | undefined;
      const answer = await Promise.race([
        client.call(request.method, request.params as unknown[], ++id),
        new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), NO_ANSWER_MS); }),
      ]);
      clearTimeout(timer);
      if (!answer) return { request, problem: `no answer within ${NO_ANSWER_MS / 1000} s` };
      outcomes.set(answer.error ? String(answer.error.code) : 'result', (outcomes.get(answer.error ? String(answer.error.code) : 'result') ?? 0) + 1);
      const { error } = answer;
      const proper = answer.jsonrpc === '2.0' && answer.id === id && (error === undefined
        ? 'result' in answer
        : Number.isInteger(error.code) && typeof error.message === 'string');
      if (!proper) return { request, problem: `not a JSON-RPC answer: ${JSON.stringify(answer).slice(0, 200)}` };
      if (error?.code === -32603) return { request, problem: `internal error: ${JSON.stringify(error).slice(0, 200)}` };
      if (error && snapshot(node) !== before) return { request, problem: `refused (${error.code} ${error.message}) but changed the chain` };
      return undefined;
    },
    close: () => client.socket.close(),
  };
}
