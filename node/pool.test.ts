// The pool under a flood (issue 11, item 2): one account's future-nonce transactions cannot jam it.
// Future transactions are limited per sender and in total, the lowest priority leaves first, the
// ready queue stays open to everyone while the future one is full, and a block's work does not
// grow with the future queue. Small limits stand in for Substrate's defaults (same rules).
import { Keyring } from '@polkadot/keyring';
import { loadChainSpec } from '../genesis/spec.ts';
import { Balances } from '../pallets/balances/index.ts';
import { accountNonce } from '../frame/system/index.ts';
import type { Hash } from '../primitives/types.ts';
import { DevNode, type DevNodeOptions } from './node.ts';
import { PoolError } from './pool.ts';
import { accountOf, signExtrinsic, type SigningPair } from './signer.ts';

const keyring = new Keyring({ type: 'sr25519' });
const [alice, bob, charlie, dave] = ['//Alice', '//Bob', '//Charlie', '//Dave'].map((uri) => keyring.addFromUri(uri));
const ferdie = keyring.addFromUri('//Ferdie');

function sign(node: DevNode, pair: SigningPair, nonce: number, tip = 0n): Uint8Array {
  const call = Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(ferdie) }, value: 10n ** 12n });
  const { spec_version: specVersion, transaction_version: transactionVersion } = node.chain.runtime.version;
  return signExtrinsic(node.chain.runtime, pair, call, { nonce, tip, genesisHash: node.chain.genesisHash, specVersion, transactionVersion });
}

const nonceOf = (node: DevNode, pair: SigningPair) => node.chain.read(() => accountNonce(accountOf(pair)));
const dropped = new PoolError(1016, 'Immediately Dropped');

/** The refusal of a submission, with its JSON-RPC code and reason. */
function refusal(submit: () => unknown): PoolError {
  try {
    submit();
  } catch (error) {
    return error as PoolError;
  }
  throw new Error('the pool accepted it');
}
const immediatelyDropped = (reason: RegExp) => ({ code: 1016, message: 'Immediately Dropped', data: expect.stringMatching(reason) });

describe('the transaction pool under a flood', () => {
  let node: DevNode;
  const start = (pool: DevNodeOptions['pool']) => {
    node = new DevNode({ spec: loadChainSpec('dev'), sealing: 'manual', pool });
    const events: [Hash, string][] = [];
    node.events.on('transaction', (hash, event) => events.push([hash, event.type]));
    return events;
  };
  afterEach(() => node.stop());

  it('limits one sender\'s future transactions and the future queue, keeps the ready queue open, and lets the gap filler in', () => {
    const events = start({ futurePerSender: 4, future: { count: 6, bytes: 1 << 20 } });
    // Alice floods future nonces: four wait, the rest are refused.
    const aliceFuture = [1, 2, 3, 4].map((nonce) => node.submit(sign(node, alice, nonce)));
    expect(() => node.submit(sign(node, alice, 5))).toThrow(dropped);
    expect(refusal(() => node.submit(sign(node, alice, 6)))).toMatchObject(immediatelyDropped(/sender already has 4 transactions waiting/));
    // Bob's two future transactions fill the future queue (6); Charlie's, no better, is refused.
    const bobFuture = [1, 2].map((nonce) => node.submit(sign(node, bob, nonce)));
    expect(node.pool.counts).toEqual({ ready: 0, future: 6 });
    expect(refusal(() => node.submit(sign(node, charlie, 1)))).toMatchObject(immediatelyDropped(/future queue is full/));
    // A higher priority takes the place of the lowest (the newest among equals: Bob's nonce 2), whose watchers learn it.
    const charlieTipped = node.submit(sign(node, charlie, 1, 10n ** 10n));
    expect(node.pool.has(bobFuture[1])).toBe(false);
    expect(events).toContainEqual([bobFuture[1], 'dropped']);
    // The ready queue is open to others while the future queue is full...
    const daveReady = node.submit(sign(node, dave, 0));
    // ...and to Alice's gap filler, which makes her waiting transactions ready.
    const aliceGap = node.submit(sign(node, alice, 0));
    expect(node.pool.counts).toEqual({ ready: 6, future: 2 });
    for (const hash of aliceFuture) expect(events).toContainEqual([hash, 'ready']);
    node.seal();
    expect(nonceOf(node, alice)).toBe(5);
    expect(nonceOf(node, dave)).toBe(1);
    expect(events).toContainEqual([daveReady, 'inBlock']);
    expect(events).toContainEqual([aliceGap, 'inBlock']);
    expect(node.pool.has(charlieTipped)).toBe(true); // still waiting for Charlie's nonce 0
  });

  it('evicts the lowest priority ready transaction when the ready queue is full, and refuses one no better than all', () => {
    const events = start({ ready: { count: 2, bytes: 1 << 20 } });
    node.submit(sign(node, alice, 0));
    const bob0 = node.submit(sign(node, bob, 0));
    expect(refusal(() => node.submit(sign(node, charlie, 0)))).toMatchObject(immediatelyDropped(/ready queue is full/));
    const dave0 = node.submit(sign(node, dave, 0, 10n ** 10n));
    expect(events).toContainEqual([bob0, 'dropped']);
    expect(node.pool.ready().map((tx) => tx.hash)[0]).toBe(dave0);
    expect(node.pool.counts).toEqual({ ready: 2, future: 0 });
  });

  it('limits the queues by bytes too', () => {
    const size = sign(new DevNode({ spec: loadChainSpec('dev') }), alice, 1).length;
    start({ future: { count: 100, bytes: 2 * size } });
    node.submit(sign(node, alice, 1));
    node.submit(sign(node, bob, 1));
    expect(refusal(() => node.submit(sign(node, charlie, 1)))).toMatchObject(immediatelyDropped(/future queue is full/));
    // Ready transactions do not count against the future bytes.
    node.submit(sign(node, charlie, 0));
  });

  it('revalidates a bounded slice of the pool per block, so a block\'s work does not grow with the future queue, and still finds what became ready', () => {
    start({ revalidationsPerBlock: 3 });
    const validate = node.chain.validate.bind(node.chain);
    let validations = 0;
    node.chain.validate = (bytes) => {
      validations++;
      return validate(bytes);
    };
    // Bob waits for nonces 1-10 (a gap at 0 nobody fills); Alice's nonce 2 waits for nonces 0 and 1.
    for (let nonce = 1; nonce <= 10; nonce++) node.submit(sign(node, bob, nonce));
    const alice2 = node.submit(sign(node, alice, 2));
    node.submit(sign(node, dave, 0));
    validations = 0;
    node.seal();
    expect(nonceOf(node, dave)).toBe(1);
    // Three of the eleven transactions left were checked, whatever the size of the future queue.
    expect(validations).toBe(3);
    // dev_newBlock with Alice's nonces 0 and 1 from outside the pool: the pool cannot follow that by
    // tags, so it checks everything, finds her nonce 2 ready, and the next block includes it.
    node.seal([sign(node, alice, 0), sign(node, alice, 1)]);
    expect(nonceOf(node, alice)).toBe(2);
    expect(node.pool.counts).toEqual({ ready: 1, future: 10 });
    node.seal();
    expect(node.pool.has(alice2)).toBe(false);
    expect(nonceOf(node, alice)).toBe(3);
    expect(node.pool.counts).toEqual({ ready: 0, future: 10 });
  });
});
