// Resource limits of the JSON-RPC server (issue 11): batch length, response size, chainHead's
// follow subscriptions, operations and storage pages, transaction_v1 ownership, the exposure of
// unsafe methods beyond loopback, a port in use. Each test shows the limit and that another client
// is still served. Ordering, never wall-clock time, says a heavy client did not stall the others.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { u8aToHex } from '@polkadot/util';
import { Keyring } from '@polkadot/keyring';
import { Balances } from '../../pallets/balances/index.ts';
import { startNode, type RunningNode } from '../node.ts';
import { accountOf, signExtrinsic } from '../signer.ts';
import { connect, type Message } from '../../tests/ws-client.ts';

const BIN = new URL('../../bin/slicechain.js', import.meta.url).pathname;
const request = (id: number, method: string, params: unknown[] = []) => ({ jsonrpc: '2.0', id, method, params });
const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');

/** Alice's transfer to herself, signed for the running node. */
function signed(value: bigint, nonce = 0): Uint8Array {
  const { node } = running;
  const { spec_version: specVersion, transaction_version: transactionVersion } = node.chain.runtime.version;
  return signExtrinsic(node.chain.runtime, alice, Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(alice) }, value }),
    { nonce, tip: 0n, genesisHash: node.chain.genesisHash, specVersion, transactionVersion });
}

let running: RunningNode;
beforeAll(async () => {
  running = await startNode({ port: 0, sealing: 'manual', unsafe: true, maxBatchLength: 1000, maxResponseBytes: 256 * 1024 });
});
afterAll(() => running?.close());

describe('request, response and batch limits', () => {
  it('refuses a batch over --rpc-max-batch-request-len and serves one at the limit', async () => {
    const c = await connect(running.url);
    c.send(JSON.stringify(Array.from({ length: 1001 }, (_, i) => request(i, 'system_chain'))));
    expect(await c.next()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32010, message: 'The batch request was too large', data: 'Exceeded max limit of 1000' } });
    c.send(JSON.stringify(Array.from({ length: 1000 }, (_, i) => request(i, 'system_chain'))));
    const answers = await c.next() as unknown as Message[];
    expect(answers.map((a) => a.result)).toEqual(Array(1000).fill('Development'));
    c.socket.close();
  });

  it('answers a response over --rpc-max-response-size with an error, for one request and for a batch', async () => {
    const c = await connect(running.url);
    const [big, medium] = [1, 2].map((n) => u8aToHex(new Uint8Array(32).fill(n)));
    // 150 KiB is 300 KiB of hex: over this server's 256 KiB; 40 KiB (80 KiB of hex) fits, but not four times.
    await c.call('dev_setStorage', [[[big, `0x${'ab'.repeat(150 * 1024)}`], [medium, `0x${'cd'.repeat(40 * 1024)}`]]], 6);
    expect(await c.call('state_getStorage', [big], 7)).toEqual({ jsonrpc: '2.0', id: 7, error: { code: -32008, message: 'Response is too big', data: `Exceeded max limit of ${256 * 1024}` } });
    c.send(JSON.stringify(Array.from({ length: 4 }, (_, i) => request(i, 'state_getStorage', [medium]))));
    expect(await c.next()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32011, message: 'The batch response was too large', data: `Exceeded max limit of ${256 * 1024}` } });
    expect((await c.call('state_getStorage', [medium], 9)).result).toHaveLength(2 + 80 * 1024);
    c.socket.close();
  });

  it('serves another client while a heavy batch runs: the batch yields between its entries', async () => {
    const heavy = await connect(running.url);
    const other = await connect(running.url);
    // The batch's first entry seals a block; when it is seen the batch has started, with 499 dry runs
    // (signature check and execution each) to go.
    const started = new Promise((resolve) => running.node.events.once('block', resolve));
    const transfer = u8aToHex(signed(1n));
    const batch = [request(0, 'dev_newBlock'), ...Array.from({ length: 499 }, (_, i) => request(i + 1, 'system_dryRun', [transfer]))];
    let batchAnswered = false;
    heavy.send(JSON.stringify(batch));
    const batchAnswer = heavy.next().then((answer) => {
      batchAnswered = true;
      return answer as unknown as Message[];
    });
    await started;
    const answer = await other.call('system_chain');
    expect(answer.result).toBe('Development');
    expect(batchAnswered).toBe(false);
    const answers = await batchAnswer;
    expect(answers.length).toBe(500);
    expect(answers.slice(1).every((a) => a.result === '0x0000')).toBe(true); // Ok(Ok(()))
    heavy.socket.close();
    other.socket.close();
  });

  it('delivers the notifications of 2,000 subscriptions after sealing, in block order, while serving others', async () => {
    const clients = await Promise.all([connect(running.url), connect(running.url)]);
    const ids = new Set<string>();
    await Promise.all(clients.map(async (c) => {
      for (let i = 0; i < 1000; i++) ids.add((await c.call('chain_subscribeNewHeads', [], i)).result);
    }));
    // Each subscription first receives the current head.
    for (const c of clients) for (let i = 0; i < 1000; i++) await c.next();
    const first = running.node.head.number + 1;
    for (let i = 0; i < 3; i++) running.node.seal();
    const bystander = await connect(running.url);
    expect((await bystander.call('chain_getHeader')).result.number).toBe(`0x${(first + 2).toString(16)}`);
    const seen = new Map<string, number[]>();
    for (const c of clients) {
      for (let i = 0; i < 3000; i++) {
        const { params } = await c.next();
        seen.set(params.subscription, [...seen.get(params.subscription) ?? [], parseInt(params.result.number, 16)]);
      }
    }
    expect(seen.size).toBe(2000);
    for (const numbers of seen.values()) expect(numbers).toEqual([first, first + 1, first + 2]);
    for (const c of [...clients, bystander]) c.socket.close();
  });
});

describe('chainHead_v1 bounds', () => {
  it('allows 4 follow subscriptions per connection, then answers -32800; another connection still follows', async () => {
    const c = await connect(running.url);
    for (let i = 0; i < 4; i++) expect(typeof (await c.call('chainHead_v1_follow', [false], i)).result).toBe('string');
    expect((await c.call('chainHead_v1_follow', [false], 9)).error).toMatchObject({ code: -32800 });
    const other = await connect(running.url);
    expect(typeof (await other.call('chainHead_v1_follow', [false])).result).toBe('string');
    c.socket.close();
    other.socket.close();
  });

  it('holds 16 operations per subscription: extra storage items are discarded, then limitReached; pages wait for chainHead_v1_continue', async () => {
    // 2,500 keys under one prefix: three pages of descendants.
    const prefix = '0xfeedbeef';
    const entries = Array.from({ length: 2500 }, (_, i) => [`${prefix}${i.toString(16).padStart(8, '0')}`, `0x${i.toString(16).padStart(4, '0')}`]);
    const setter = await connect(running.url);
    await setter.call('dev_setStorage', [entries]);
    setter.socket.close();
    // Follow from the head: wait until it is final (blocks become final a moment after sealing).
    while (running.node.finalized.hash !== running.node.head.hash) await new Promise((resolve) => running.node.events.once('finalized', resolve));

    const c = await connect(running.url);
    const { result: sub } = await c.call('chainHead_v1_follow', [false], 1);
    const initialized = await c.next();
    const [hash] = initialized.params.result.finalizedBlockHashes;
    expect(hash).toBe(running.node.head.hash);
    const items = Array.from({ length: 17 }, (_, i) => ({ key: i === 0 ? prefix : `0x${i.toString(16).padStart(2, '0')}`, type: i === 0 ? 'descendantsValues' : 'value' }));
    const started = await c.call('chainHead_v1_storage', [sub, hash, items, null], 2);
    expect(started.result).toMatchObject({ result: 'started', discardedItems: 1 });
    // All 16 slots are held until the operation is done.
    expect((await c.call('chainHead_v1_body', [sub, hash], 3)).result).toEqual({ result: 'limitReached' });
    const { operationId } = started.result;
    const received: string[] = [];
    let pagesWaited = 0;
    for (;;) {
      const { params: { result: event } } = await c.next();
      expect(event.operationId).toBe(operationId);
      if (event.event === 'operationStorageItems') {
        expect(event.items.length).toBeLessThanOrEqual(1000);
        received.push(...event.items.map((item: { key: string }) => item.key));
      } else if (event.event === 'operationWaitingForContinue') {
        pagesWaited++;
        // Nothing more comes until the client asks for it.
        expect((await c.call('system_chain', [], 10 + pagesWaited)).result).toBe('Development');
        expect((await c.call('chainHead_v1_continue', [sub, operationId], 20 + pagesWaited)).result).toBeNull();
      } else {
        expect(event.event).toBe('operationStorageDone');
        break;
      }
    }
    expect(pagesWaited).toBe(2);
    expect(received).toEqual(entries.map(([key]) => key));
    // Continuing a finished operation has no effect; its slots are free again.
    expect((await c.call('chainHead_v1_continue', [sub, operationId], 40)).result).toBeNull();
    expect((await c.call('chainHead_v1_body', [sub, hash], 41)).result).toMatchObject({ result: 'started' });
    c.socket.close();
  });
});

describe('transaction_v1', () => {
  it('gives unguessable operation ids that only the connection that made them can stop', async () => {
    const { node } = running;
    const tx = signed(1n, 1000); // a far future nonce: it waits in the pool until stopped
    const owner = await connect(running.url);
    const stranger = await connect(running.url);
    const { result: id } = await owner.call('transaction_v1_broadcast', [u8aToHex(tx)]);
    const { result: id2 } = await owner.call('transaction_v1_broadcast', ['0x00']);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(id2).not.toBe(id);
    expect((await stranger.call('transaction_v1_stop', [id])).error).toMatchObject({ code: -32602 });
    expect(node.pool.pending().map((xt) => u8aToHex(xt))).toContain(u8aToHex(tx));
    expect((await owner.call('transaction_v1_stop', [id])).result).toBeNull();
    expect(node.pool.pending().map((xt) => u8aToHex(xt))).not.toContain(u8aToHex(tx));
    owner.socket.close();
    stranger.socket.close();
  });
});

/** Starts the real binary; resolves with what it printed once it is ready. */
function slicechain(args: string[]): Promise<{ child: ChildProcess; output: string; url: string }> {
  const child = spawn('node', [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const read = (data: Buffer) => {
      output += data.toString();
      const ready = /ready: JSON-RPC on ws:\/\/[^:]+:(\d+)/.exec(output);
      if (ready) resolve({ child, output, url: `ws://127.0.0.1:${ready[1]}` });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
}

const stop = (child: ChildProcess) => new Promise((resolve) => {
  child.once('exit', resolve);
  child.kill('SIGTERM');
});

describe('the node on the network', () => {
  it('--dev --rpc-external refuses unsafe methods; --unsafe-rpc-external serves them with a warning', async () => {
    const external = await slicechain(['--dev', '--rpc-external', '--rpc-port', '0']);
    try {
      expect(external.output).toMatch(/ws:\/\/0\.0\.0\.0:/);
      expect(external.output).toMatch(/unsafe RPC methods .* are refused on --rpc-external/);
      const c = await connect(external.url);
      expect((await c.call('dev_setStorage', [[['0x00', '0x01']]])).error).toEqual({ code: -32601, message: 'RPC call is unsafe to be called externally' });
      expect((await c.call('system_chain')).result).toBe('Development');
      c.socket.close();
    } finally {
      await stop(external.child);
    }
    const unsafe = await slicechain(['--dev', '--unsafe-rpc-external', '--rpc-port', '0']);
    try {
      const c = await connect(unsafe.url);
      expect(typeof (await c.call('dev_setStorage', [[['0x00', '0x01']]])).result).toBe('string');
      c.socket.close();
      expect(unsafe.output).toMatch(/warning: unsafe RPC methods .* are served to the network/);
    } finally {
      await stop(unsafe.child);
    }
  }, 120_000);

  it('a port in use is one clear line and exit code 1', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const child = spawn('node', [BIN, '--dev', '--rpc-port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (data: Buffer) => { stderr += data.toString(); });
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([`Error: JSON-RPC port ${port} on 127.0.0.1 is already in use (another node running?); choose another with --rpc-port`]);
    } finally {
      blocker.close();
    }
  }, 60_000);
});
