// The pool answers exactly what the in-thread check answers, in input order, and lets the process
// go once closed.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { verifySignature, type SignatureKind } from '../primitives/crypto.ts';
import { SignaturePool, packChecks, unpackChecks, type SignatureCheck } from './signature-pool.ts';

const schemes = [['Sr25519', 'sr25519'], ['Ed25519', 'ed25519'], ['Ecdsa', 'ecdsa']] as const;
const accounts = ['//Alice', '//Bob', '//Charlie', '//Dave'];

/** Good checks from every scheme and account, each followed by broken variants of it. */
function mixedBatch(): SignatureCheck[] {
  const checks: SignatureCheck[] = [];
  for (const [kind, type] of schemes) {
    const keyring = new Keyring({ type });
    for (const uri of accounts) {
      const pair = keyring.addFromUri(uri);
      for (let n = 0; n < 6; n++) {
        const message = new TextEncoder().encode(`${uri} pays ${n} units`);
        const good: SignatureCheck = { kind, signature: pair.sign(message), message, signer: pair.addressRaw };
        const flippedSignature = good.signature.slice();
        flippedSignature[n] ^= 0x10;
        const otherKind: SignatureKind = kind === 'Sr25519' ? 'Ed25519' : 'Sr25519';
        checks.push(
          good,
          { ...good, signature: flippedSignature },
          { ...good, message: new TextEncoder().encode(`${uri} pays ${n + 1} units`) },
          { ...good, signer: keyring.addFromUri(`${uri}//stash`).addressRaw },
          { ...good, kind: otherKind },
          { ...good, signature: good.signature.subarray(1) },
        );
      }
    }
  }
  return checks;
}

const inThread = (checks: SignatureCheck[]) => checks.map((c) => verifySignature(c.kind, c.signature, c.message, c.signer));

describe('SignaturePool', () => {
  let pool: SignaturePool;
  let checks: SignatureCheck[];
  beforeAll(() => {
    pool = new SignaturePool({ workers: 2 });
    checks = mixedBatch();
  });
  afterAll(() => pool.close());

  it('answers a mixed batch of a few hundred checks as verifySignature does, in order', async () => {
    const expected = inThread(checks);
    expect(checks.length).toBeGreaterThan(400);
    expect(expected.filter(Boolean)).toHaveLength(schemes.length * accounts.length * 6);
    expect(await pool.verifyBatch(checks)).toEqual(expected);
  });

  it('keeps concurrent batches, and batches too small to send, apart', async () => {
    const batches = [checks.slice(0, 90), checks.slice(90, 93), checks.slice(93, 250), [], checks.slice(250)];
    const answers = await Promise.all(batches.map((batch) => pool.verifyBatch(batch)));
    expect(answers).toEqual(batches.map(inThread));
  });

  it('shares a submission between the workers and the thread taking its verdicts, verifying each check exactly once', async () => {
    await pool.idle();
    const before = pool.stats.verifiedByWorkers + pool.stats.verifiedHere;
    const verdicts = pool.submit(checks);
    const later = pool.submit(checks.slice(0, 100));
    // This thread takes the verdicts from the last while the workers go from the first: each
    // verdict is a worker's or verified here (in this submission or, while waiting, the later
    // one), whoever claims the check first.
    const taken = checks.map((_, i) => checks.length - 1 - i).map((i) => [i, verdicts.take(i)] as const);
    await pool.idle();
    expect(new Map(taken)).toEqual(new Map(inThread(checks).map((valid, i) => [i, valid])));
    expect(await verdicts.all()).toEqual(inThread(checks));
    expect(await later.all()).toEqual(inThread(checks.slice(0, 100)));
    expect(pool.stats.verifiedByWorkers + pool.stats.verifiedHere - before).toBe(checks.length + 100);
  });

  it('answers every verdict in-thread once closed, of submissions before the close and after it', async () => {
    const closing = new SignaturePool({ workers: 1 });
    const before = closing.submit(checks.slice(0, 30));
    await closing.close();
    expect(checks.slice(0, 30).map((_, i) => before.take(i))).toEqual(inThread(checks.slice(0, 30)));
    const after = closing.submit(checks.slice(30, 36));
    expect(checks.slice(30, 36).map((_, i) => after.take(i))).toEqual(inThread(checks.slice(30, 36)));
    expect(closing.stats.verifiedHere).toBeGreaterThanOrEqual(6);
  });

  it('starts no worker for a job shorter than startAfter, and starts them once the job is longer', async () => {
    const late = new SignaturePool({ workers: 1, startAfter: 40 });
    try {
      const short = late.submit(checks.slice(0, 25));
      const still = late.submit(checks.slice(25, 40));
      await late.idle(); // nothing is with a worker
      expect(late.stats.verifiedByWorkers).toBe(0);
      expect(await short.all()).toEqual(inThread(checks.slice(0, 25)));
      expect(await still.all()).toEqual(inThread(checks.slice(25, 40)));
      expect(late.stats.verifiedHere).toBe(40);
      const past = late.submit(checks.slice(40, 60));
      await late.idle(); // the worker, started now, claims them all before any is taken here
      expect(late.stats.verifiedByWorkers).toBe(20);
      expect(await past.all()).toEqual(inThread(checks.slice(40, 60)));
    } finally {
      await late.close();
    }
  });

  it('packs checks for a worker and unpacks them unchanged', () => {
    const sample = checks.slice(0, 12);
    expect(unpackChecks(packChecks(sample))).toEqual(sample);
  });

  it('refuses batches once closed', async () => {
    const closing = new SignaturePool({ workers: 1 });
    await closing.close();
    await expect(closing.verifyBatch(checks)).rejects.toThrow('SignaturePool is closed');
  });

  it('refuses a pool without workers', () => {
    expect(() => new SignaturePool({ workers: 0 })).toThrow(RangeError);
  });
});

/**
 * Runs `body` as an ES module in a child Node process that has an Ed25519 `check`, `SignaturePool`
 * and `verifySignature` at hand, and returns what it printed. A close() that never settles would
 * end the child with code 13 and nothing printed; a hang ends at the timeout. Each pool starts a
 * worker that loads TypeScript, which takes seconds on a busy machine: hence the long timeout.
 */
async function inChildProcess(body: string): Promise<string> {
  const pair = new Keyring({ type: 'ed25519' }).addFromUri('//Alice');
  const message = new TextEncoder().encode('child');
  const hex = (bytes: Uint8Array) => JSON.stringify(Buffer.from(bytes).toString('hex'));
  const module = (path: string) => JSON.stringify(new URL(path, import.meta.url).href);
  const script = `
    import { register } from 'tsx/esm/api';
    register();
    const { initCrypto, verifySignature } = await import(${module('../primitives/crypto.ts')});
    const { SignaturePool } = await import(${module('./signature-pool.ts')});
    await initCrypto();
    const check = { kind: 'Ed25519', signature: Buffer.from(${hex(pair.sign(message))}, 'hex'),
      message: Buffer.from(${hex(message)}, 'hex'), signer: Buffer.from(${hex(pair.publicKey)}, 'hex') };
    ${body}`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 280_000,
  });
  return stdout;
}

it('lets a process that used a pool exit on its own once the pool is closed', async () => {
  // The child has nothing left to do after close(): it must exit, not hang until the timeout kills it.
  const stdout = await inChildProcess(`
    const pool = new SignaturePool({ workers: 2 });
    console.log(JSON.stringify(await pool.verifyBatch(Array(40).fill(check))));
    await pool.close();`);
  expect(JSON.parse(stdout)).toEqual(Array(40).fill(true));
});

it('closes, and lets the process exit 0, even while answers to a refused batch are still arriving', async () => {
  // close() lands at every point of a batch's round trips: before the worker answers, while its
  // answer waits to be read, and after. The main thread's own checks set the moment (work, not time).
  const stdout = await inChildProcess(`
    let refused = 0;
    for (let delay = 0; delay < 120; delay += 12) {
      const pool = new SignaturePool({ workers: 1 });
      await pool.verifyBatch(Array(16).fill(check));
      const batch = pool.verifyBatch(Array(64).fill(check)).catch(() => { refused++; });
      for (let i = 0; i < delay; i++) verifySignature(check.kind, check.signature, check.message, check.signer);
      await pool.close();
      await batch;
    }
    console.log('closed 10 pools, refused', refused);`);
  expect(stdout).toMatch(/^closed 10 pools, refused \d+\n$/);
});
