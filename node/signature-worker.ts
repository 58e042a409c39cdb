// One SignaturePool thread: goes through each submission in order, verifying every check no other
// thread has claimed, and answers the submission's id when it is through.
import { parentPort } from 'node:worker_threads';
import { initCrypto } from '../primitives/crypto.ts';
import { claimAndVerify, unpackChecks, type PackedChecks, type WorkerAnswer } from './signature-pool.ts';

const port = parentPort;
if (port === null) throw new Error('signature-worker.ts runs inside a SignaturePool worker thread');

await initCrypto();
port.on('message', ({ id, ...packed }: PackedChecks & { id: number }) => {
  const started = performance.now();
  let verified = 0;
  unpackChecks(packed).forEach((check, i) => {
    if (claimAndVerify(packed.status, i, check)) verified++;
  });
  port.postMessage({ id, verified, busyMs: performance.now() - started } satisfies WorkerAnswer);
});
