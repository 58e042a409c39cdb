// One SignaturePool thread: verifies packed chunks of checks and answers 1 or 0 per check, in order.
import { parentPort } from 'node:worker_threads';
import { initCrypto, verifySignature } from '../primitives/crypto.ts';
import { unpackChecks, type PackedChecks } from './signature-pool.ts';

const port = parentPort;
if (port === null) throw new Error('signature-worker.ts runs inside a SignaturePool worker thread');

await initCrypto();
port.on('message', (packed: PackedChecks) => {
  const checks = unpackChecks(packed);
  const answers = Uint8Array.from(checks, ({ kind, signature, message, signer }) => (verifySignature(kind, signature, message, signer) ? 1 : 0));
  port.postMessage(answers, [answers.buffer]);
});
