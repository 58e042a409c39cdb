// The JSON-RPC server facing bad input on the real transports: each bad request gets a clear
// JSON-RPC error (or its connection is closed and cleaned up), and the node keeps serving others.
import { startNode, type RunningNode } from '../node.ts';
import { connect, type Message } from '../../tests/ws-client.ts';

let running: RunningNode;

const http = async (body: string) => {
  const res = await fetch(running.url.replace('ws://', 'http://'), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, body: await res.json() as Message };
};

beforeAll(async () => {
  running = await startNode({ port: 0, sealing: 'manual', unsafe: false, maxRequestBytes: 64 * 1024, maxSubscriptionsPerConnection: 8 });
});
afterAll(() => running?.close());

describe('the JSON-RPC server', () => {
  it('answers malformed JSON, bad requests, unknown methods and wrong params with their JSON-RPC errors', async () => {
    const c = await connect(running.url);
    c.send('{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(await c.next()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    c.send(JSON.stringify({ id: 2, method: 'system_name' }));
    expect((await c.next()).error).toMatchObject({ code: -32600, message: 'Invalid request' });
    expect(await c.call('system_nonsense', [], 3)).toEqual({ jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'Method not found', data: 'system_nonsense' } });
    expect((await c.call('state_getStorage', [42], 4)).error).toEqual({ code: -32602, message: 'Invalid params', data: 'key: expected 0x-prefixed hex, got 42' });
    expect((await c.call('chain_getHeader', ['0x1234'], 5)).error).toMatchObject({ code: -32602, data: expect.stringContaining('32-byte') });
    expect((await c.call('state_getStorage', ['0x00', `0x${'ab'.repeat(32)}`], 6)).error)
      .toEqual({ code: 4003, message: `Client error: UnknownBlock: Header was not found in the database: 0x${'ab'.repeat(32)}` });
    expect((await c.call('state_call', ['Core_nothing', '0x'], 7)).error)
      .toEqual({ code: 4003, message: 'Client error: Execution failed: Exported method Core_nothing is not found' });
    expect((await c.call('author_submitExtrinsic', ['0x1234'], 8)).error)
      .toMatchObject({ code: 1001, message: expect.stringMatching(/^Extrinsic has invalid format: cannot decode/) });
    // Unsafe methods are refused without --rpc-methods unsafe.
    expect((await c.call('dev_newBlock', [], 9)).error).toEqual({ code: -32601, message: 'RPC call is unsafe to be called externally' });
    expect((await c.call('system_name', [], 10)).result).toBe('slicechain-node');
    c.socket.close();
  });

  it('answers batches in order, and the same errors over HTTP', async () => {
    const batch = await http(JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'system_chain' }, { jsonrpc: '2.0', id: 2, method: 'nope' }, { jsonrpc: '2.0', method: 'system_chain' },
    ]));
    expect(batch.body).toEqual([
      { jsonrpc: '2.0', id: 1, result: 'Development' },
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'Method not found', data: 'nope' } },
    ]);
    expect((await http('not json')).body.error.code).toBe(-32700);
    expect((await http('[]')).body.error.code).toBe(-32600);
    // Subscriptions need a connection to notify.
    expect((await http(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chain_subscribeNewHeads' }))).body.error.code).toBe(-32601);
  });

  it('refuses an oversized message: JSON-RPC error over HTTP, the same error then close code 1009 on WebSocket, others unaffected', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'author_submitExtrinsic', params: [`0x${'00'.repeat(64 * 1024)}`] });
    const refused = await http(big);
    expect(refused.status).toBe(413);
    expect(refused.body.error).toEqual({ code: -32007, message: 'Request is too big', data: `Exceeded max limit of ${64 * 1024}` });
    const bystander = await connect(running.url);
    const c = await connect(running.url);
    c.send(big);
    expect(await c.next()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32007, message: 'Request is too big', data: `Exceeded max limit of ${64 * 1024}` } });
    expect(await c.closed).toBe(1009);
    expect((await bystander.call('system_chain')).result).toBe('Development');
    bystander.socket.close();
  });

  it('limits subscriptions per connection, and a client that leaves mid-subscription is cleaned up', async () => {
    const listeners = () => running.server.subscriptionCount;
    const baseline = listeners();
    const c = await connect(running.url);
    for (let i = 0; i < 8; i++) expect(typeof (await c.call('chain_subscribeNewHeads', [], i)).result).toBe('string');
    expect(listeners()).toBe(baseline + 8);
    const refused = await c.call('chain_subscribeNewHeads', [], 99);
    expect(refused.error).toEqual({ code: -32006, message: 'Too many subscriptions on the connection', data: 'Exceeded max limit of 8' });
    c.socket.terminate();
    await c.closed;
    // The server learns of the closed socket on its own side a moment later.
    for (let tries = 0; tries < 200 && listeners() !== baseline; tries++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(listeners()).toBe(baseline);
    const other = await connect(running.url);
    expect((await other.call('chain_getBlockHash', [0])).result).toBe(running.node.chain.genesisHash);
    other.socket.close();
  });

  it('unsubscribes: true for a live subscription, false for an unknown one', async () => {
    const c = await connect(running.url);
    const { result: id } = await c.call('state_subscribeRuntimeVersion', [], 1);
    const first = await c.next();
    expect(first).toMatchObject({ method: 'state_runtimeVersion', params: { subscription: id, result: { specName: 'slicechain' } } });
    expect((await c.call('state_unsubscribeRuntimeVersion', [id], 2)).result).toBe(true);
    expect((await c.call('state_unsubscribeRuntimeVersion', [id], 3)).result).toBe(false);
    c.socket.close();
  });
});
