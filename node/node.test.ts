// The dev node's pool and sealing, without a server: what a user of `slicechain --dev` relies on.
import { Keyring } from '@polkadot/keyring';
import { loadChainSpec } from '../genesis/spec.ts';
import { accountNonce } from '../frame/system/index.ts';
import type { RuntimeCallValue } from '../frame/pallet.ts';
import { DevNode } from './dev-node.ts';
import { PoolError } from './pool.ts';
import { accountOf, signExtrinsic, type SigningPair } from './signer.ts';
import { Balances } from '../runtime/runtime.ts';

const keyring = new Keyring({ type: 'sr25519' });
const [alice, bob] = ['//Alice', '//Bob'].map((uri) => keyring.addFromUri(uri));
const transfer = (value: bigint): RuntimeCallValue => Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(bob) }, value });

function sign(node: DevNode, pair: SigningPair, call: RuntimeCallValue, nonce: number, tip = 0n): Uint8Array {
  const { spec_version: specVersion, transaction_version: transactionVersion } = node.chain.runtime.version;
  return signExtrinsic(node.chain.runtime, pair, call, { nonce, tip, genesisHash: node.chain.genesisHash, specVersion, transactionVersion });
}

/** Executives that count, in `counted`, the signatures they verify themselves (those no worker verified ahead). */
async function countingExecutives() {
  const { Executive } = await import('../frame/executive.ts');
  const { runtime } = await import('../runtime/runtime.ts');
  const { verify } = await import('../primitives/crypto.ts');
  const counted = { verified: 0 };
  const counting = () => new Executive(runtime, (signature, payload, signer) => {
    counted.verified++;
    return verify(signature, payload, signer);
  });
  return { counted, counting };
}

/** Lets scheduled sealing (setImmediate) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the dev node', () => {
  let node: DevNode;
  afterEach(() => node.stop());

  it('instant sealing includes transactions that arrive out of nonce order, with no further submission', async () => {
    node = new DevNode({ spec: loadChainSpec('dev'), sealing: 'instant' });
    node.submit(sign(node, alice, transfer(1n * 10n ** 12n), 1)); // waits for nonce 0 (future)
    await settle();
    expect(node.head.number).toBe(0);
    node.submit(sign(node, alice, transfer(2n * 10n ** 12n), 0));
    await settle();
    expect(node.chain.read(() => accountNonce(accountOf(alice)))).toBe(2);
    expect(node.pool.size).toBe(0);
  });

  it('seals the same blocks with the runtime\'s log lines on as with them off (logging is no part of the state transition)', () => {
    // One signed transaction for both (sr25519 signatures differ each time they are made).
    const transaction = sign(new DevNode({ spec: loadChainSpec('dev') }), alice, transfer(10n ** 12n), 0);
    const sealed = (level: number) => {
      const dev = node = new DevNode({ spec: loadChainSpec('dev'), sealing: 'manual' });
      const lines: string[] = [];
      dev.events.on('runtimeLog', (_level, target) => lines.push(target));
      dev.setRuntimeLogLevel(level);
      try {
        dev.submit(transaction);
        return { hash: dev.seal().hash, lines };
      } finally {
        dev.setRuntimeLogLevel(0);
      }
    };
    const on = sealed(5);
    const off = sealed(0);
    expect(on.lines).toEqual(['runtime::executive']);
    expect(off.lines).toEqual([]);
    expect(on.hash).toBe(off.hash);
  });

  it('manual sealing keeps transactions in the pool, ordered by nonce, until a block is sealed', () => {
    node = new DevNode({ spec: loadChainSpec('dev'), sealing: 'manual' });
    const hashes = [2, 0, 1].map((nonce) => node.submit(sign(node, alice, transfer(10n ** 12n), nonce)));
    expect(node.pool.ready().map((tx) => tx.hash)).toEqual([hashes[1], hashes[2], hashes[0]]);
    expect(node.head.number).toBe(0);
    node.seal();
    expect(node.head.number).toBe(1);
    expect(node.chain.read(() => accountNonce(accountOf(alice)))).toBe(3);
  });

  it('puts the higher tip first among senders, replaces a transaction only with a higher priority, and refuses duplicates', () => {
    node = new DevNode({ spec: loadChainSpec('dev'), sealing: 'manual' });
    const lowBytes = sign(node, alice, transfer(10n ** 12n), 0);
    const low = node.submit(lowBytes);
    const high = node.submit(sign(node, bob, transfer(10n ** 12n), 0, 10n ** 9n));
    expect(node.pool.ready().map((tx) => tx.hash)).toEqual([high, low]);
    expect(() => node.submit(lowBytes)).toThrow(new PoolError(1013, 'Transaction Already Imported'));
    expect(() => node.submit(sign(node, alice, transfer(2n * 10n ** 12n), 0))).toThrow(/^Priority is too low/);
    const replacement = node.submit(sign(node, alice, transfer(2n * 10n ** 12n), 0, 10n ** 10n));
    expect(node.pool.has(low)).toBe(false);
    expect(node.pool.ready().map((tx) => tx.hash)).toEqual([replacement, high]);
  });

  it('drops what a block made stale when it revalidates the pool', () => {
    node = new DevNode({ spec: loadChainSpec('dev'), sealing: 'manual' });
    const dropped: string[] = [];
    node.events.on('transaction', (hash, event) => { if (event.type === 'invalid') dropped.push(hash); });
    const first = sign(node, alice, transfer(10n ** 12n), 0);
    const rival = node.submit(sign(node, alice, transfer(3n * 10n ** 12n), 0));
    node.seal([first]); // dev_newBlock with an extrinsic of its own: the pool's rival is now stale
    expect(dropped).toEqual([rival]);
    expect(node.pool.size).toBe(0);
  });
});

describe('importing with signatures verified on another core', () => {
  it('reaches the head the author reached, verifying every signature of the blocks read ahead exactly once (mortal ones included), and refuses a bad one deep in the look-ahead at its block with its reason', async () => {
    const { TestChain } = await import('./harness.ts');
    const { SignaturePool } = await import('./signature-pool.ts');
    const { Chain } = await import('./chain.ts');
    const { BlockRejected } = await import('../frame/block.ts');
    const { counted, counting } = await countingExecutives();
    const author = new TestChain();
    const { alice: a, bob: b, charlie, dave } = author.accounts;
    for (let n = 0; n < 7; n++) {
      // Mortal transactions sign their birth block's hash: here the block before theirs, which the
      // look-ahead has not executed yet when it computes their payloads.
      for (const pair of [a, b, charlie]) author.submit(pair, transfer(10n ** 12n), { mortality: 64 });
      author.submit(dave, transfer(10n ** 12n));
      author.newBlock();
    }
    const blocks = author.blocks();
    const signed = blocks.reduce((n, block) => n + block.extrinsics.length - 1, 0); // one timestamp inherent each
    // The executive verifies only the signatures whose payload the look-ahead did not foresee.
    const pool = new SignaturePool({ workers: 1 });
    try {
      const replica = new Chain(loadChainSpec('dev'), { executive: counting() });
      await replica.importAll(blocks, pool);
      await pool.idle();
      expect(replica.head).toEqual(author.head);
      expect(signed).toBe(7 * 4);
      expect(counted.verified).toBe(0);
      expect(pool.stats.verifiedByWorkers + pool.stats.verifiedHere).toBe(signed);

      const tampered = Uint8Array.from(blocks[4].extrinsics[2]);
      tampered[40] ^= 1;
      const bad = [...blocks.slice(0, 4), { ...blocks[4], extrinsics: blocks[4].extrinsics.map((xt, i) => (i === 2 ? tampered : xt)) }, ...blocks.slice(5)];
      const fresh = new Chain(loadChainSpec('dev'), { executive: counting() });
      await expect(fresh.importAll(bad, pool)).rejects.toThrow(new BlockRejected(5, 'extrinsic 2 is invalid: Invalid::BadProof'));
      expect(fresh.head).toEqual({ number: 4, hash: author.chain.hashAt(4) });
    } finally {
      await pool.close();
    }
  });
});

describe('the dev node with signature workers', () => {
  it('builds dev_newBlock\'s transactions with their signatures verified by the workers and itself, each once, and leaves out a bad one as without workers', async () => {
    const { SignaturePool } = await import('./signature-pool.ts');
    const { Chain } = await import('./chain.ts');
    const { counted, counting } = await countingExecutives();
    const signatures = new SignaturePool({ workers: 1 });
    const node = new DevNode({ spec: loadChainSpec('dev'), sealing: 'manual', chain: new Chain(loadChainSpec('dev'), { executive: counting() }), signatures });
    const refused: string[] = [];
    node.events.on('refused', (_, reason) => refused.push(reason));
    try {
      const given = [0, 1, 2].map((nonce) => sign(node, alice, transfer(10n ** 12n), nonce));
      const tampered = sign(node, bob, transfer(10n ** 12n), 0);
      tampered[40] ^= 1;
      node.seal([...given, tampered]);
      await signatures.idle();
      expect(node.chain.read(() => [accountNonce(accountOf(alice)), accountNonce(accountOf(bob))])).toEqual([3, 0]);
      expect(refused).toEqual(['Transaction has a bad signature']);
      expect(signatures.stats.verifiedByWorkers + signatures.stats.verifiedHere).toBe(4);
      expect(counted.verified).toBe(0);
    } finally {
      node.stop();
      await signatures.close();
    }
  });
});

describe('the dev node with a base path', () => {
  it('continues its chain and its state history after a restart, with its dev_setHead rewinds and dev_setStorage edits', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { startNode } = await import('./node.ts');
    const { UnknownBlock } = await import('./dev-node.ts');
    const basePath = mkdtempSync(join(tmpdir(), 'slicechain-node-'));
    const key = new TextEncoder().encode(':slicechain-test');
    let running = await startNode({ port: 0, sealing: 'manual', basePath });
    try {
      for (let n = 0; n < 3; n++) {
        running.node.submit(sign(running.node, alice, transfer(10n ** 12n), n));
        running.node.seal();
      }
      running.node.setHead(1);
      running.node.submit(sign(running.node, alice, transfer(5n * 10n ** 12n), 1));
      running.node.seal();
      running.node.setStorage([[key, new Uint8Array([7])]]);
      const head = running.node.head;
      await running.close();

      running = await startNode({ port: 0, sealing: 'manual', basePath });
      expect(running.node.head).toEqual(head);
      expect(running.node.chain.state.get(key)).toEqual(new Uint8Array([7]));
      expect(running.node.chain.read(() => accountNonce(accountOf(alice)))).toBe(2);
      // The state history is kept too (a dev chain is an archive): before the restart's head, and
      // dev_setHead goes back past it, the dev_setStorage edit undone with the block it was made on.
      expect(running.node.read(running.node.chain.hashAt(1), () => accountNonce(accountOf(alice)))).toBe(1);
      running.node.setHead(1);
      expect(running.node.chain.state.get(key)).toBeUndefined();
      running.node.submit(sign(running.node, alice, transfer(10n ** 12n), 1));
      expect(running.node.seal().header.number).toBe(2);
      await running.close();

      // With --state-pruning 1 only the head block's history is loaded (and kept).
      running = await startNode({ port: 0, sealing: 'manual', basePath, stateHistory: 1 });
      expect(running.node.read(running.node.chain.hashAt(1), () => accountNonce(accountOf(alice)))).toBe(1);
      expect(() => running.node.setHead(0)).toThrow(new UnknownBlock('State already discarded for block #0'));
    } finally {
      await running.close();
      rmSync(basePath, { recursive: true, force: true });
    }
  });
});
