// Batch signature verification on every core, for block import and the transaction pool: a check
// costs 0.1-1 ms of one core and signed throughput is bounded by them (DESIGN.md).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { verifySignature, type SignatureKind } from '../primitives/crypto.ts';

export interface SignatureCheck {
  kind: SignatureKind;
  signature: Uint8Array;
  message: Uint8Array;
  signer: Uint8Array;
}

/**
 * Checks as they cross to a worker: per check four u32 (kind index, signature, message and signer
 * lengths) and one buffer holding all their bytes. Both buffers are transferred, not cloned.
 */
export interface PackedChecks {
  header: Uint32Array<ArrayBuffer>;
  bytes: Uint8Array<ArrayBuffer>;
}

const KINDS: readonly SignatureKind[] = ['Ed25519', 'Sr25519', 'Ecdsa'];

export function packChecks(checks: readonly SignatureCheck[]): PackedChecks {
  const header = new Uint32Array(checks.length * 4);
  let total = 0;
  checks.forEach(({ kind, signature, message, signer }, i) => {
    header.set([KINDS.indexOf(kind), signature.length, message.length, signer.length], i * 4);
    total += signature.length + message.length + signer.length;
  });
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const { signature, message, signer } of checks) {
    for (const part of [signature, message, signer]) {
      bytes.set(part, at);
      at += part.length;
    }
  }
  return { header, bytes };
}

/** The inverse of `packChecks`; the checks are views into `bytes`. */
export function unpackChecks({ header, bytes }: PackedChecks): SignatureCheck[] {
  const checks: SignatureCheck[] = [];
  let at = 0;
  const take = (length: number) => bytes.subarray(at, (at += length));
  for (let i = 0; i < header.length; i += 4) {
    checks.push({ kind: KINDS[header[i]], signature: take(header[i + 1]), message: take(header[i + 2]), signer: take(header[i + 3]) });
  }
  return checks;
}

/** A worker round trip (~0.2 ms) costs what 2-4 checks do: smaller batches are verified in-thread. */
const IN_THREAD_BELOW = 4;
/** A batch is split into one chunk per worker, each at least this long so that round trips stay small next to the work. */
const MIN_CHUNK = 16;

const WORKER_ENTRY = new URL('./signature-worker-entry.js', import.meta.url);

interface Chunk {
  checks: SignatureCheck[];
  done(valid: Uint8Array): void;
  fail(error: Error): void;
}

interface Slot {
  worker: Worker;
  /**
   * The chunks posted to this worker and not answered yet, oldest first (a worker answers in the
   * order it was sent). Every chunk is posted at once: a worker never waits for this thread's
   * event loop to turn (which a block being executed here holds) to get its next chunk.
   */
  inFlight: Chunk[];
  /** How many checks `inFlight` holds: a new chunk goes to the least loaded worker. */
  load: number;
}

const check = ({ kind, signature, message, signer }: SignatureCheck) => verifySignature(kind, signature, message, signer);

export class SignaturePool {
  readonly #slots: Slot[];
  #closed = false;
  /** Set when a worker died: the pool then refuses every batch with it. */
  #failure: Error | undefined;

  /** `workers` defaults to `os.availableParallelism()`. */
  constructor(opts: { workers?: number } = {}) {
    const workers = opts.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`SignaturePool needs at least one worker, got ${workers}`);
    this.#slots = Array.from({ length: workers }, () => this.#spawn());
  }

  /** One answer per check, in input order: exactly what `verifySignature` answers for it. */
  async verifyBatch(checks: SignatureCheck[]): Promise<boolean[]> {
    if (this.#closed) throw new Error('SignaturePool is closed');
    if (this.#failure) throw this.#failure;
    if (checks.length < IN_THREAD_BELOW) return checks.map(check);
    const size = Math.max(MIN_CHUNK, Math.ceil(checks.length / this.#slots.length));
    const valid = new Array<boolean>(checks.length);
    const chunks: Promise<void>[] = [];
    for (let start = 0; start < checks.length; start += size) {
      chunks.push(new Promise((resolve, reject) => this.#post({
        checks: checks.slice(start, start + size),
        done: (answers) => {
          answers.forEach((answer, i) => { valid[start + i] = answer === 1; });
          resolve();
        },
        fail: reject,
      })));
    }
    await Promise.all(chunks);
    return valid;
  }

  /** Stops the workers; batches still running are refused. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#refuseAll(new Error('SignaturePool is closed'));
    await Promise.all(this.#slots.map(({ worker }) => this.#terminate(worker)));
  }

  #spawn(): Slot {
    // execArgv: [] so that the entry file alone decides how TypeScript loads, under jest or tsx alike.
    const worker = new Worker(WORKER_ENTRY, { execArgv: [] });
    // Idle workers do not keep the process alive; `#post` refs a worker while it has chunks to answer.
    worker.unref();
    const slot: Slot = { worker, inFlight: [], load: 0 };
    worker.on('message', (answers: Uint8Array) => {
      // An answer that arrives after close() or a failure: its chunk was refused already, and the
      // worker must stay ref'd until its 'exit' (see #terminate).
      if (this.#closed || this.#failure) return;
      const chunk = slot.inFlight.shift();
      slot.load -= chunk?.checks.length ?? 0;
      if (slot.inFlight.length === 0) worker.unref();
      chunk?.done(answers);
    });
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => {
      if (!this.#closed) this.#fail(new Error(`signature worker exited with code ${code}`));
    });
    return slot;
  }

  /** Posts `chunk` to the least loaded worker, which holds the process open until it answers. */
  #post(chunk: Chunk): void {
    const slot = this.#slots.reduce((least, candidate) => (candidate.load < least.load ? candidate : least));
    const packed = packChecks(chunk.checks);
    // Posted first: a chunk that cannot be posted rejects its batch and is not awaited an answer.
    slot.worker.postMessage(packed, [packed.header.buffer, packed.bytes.buffer]);
    slot.inFlight.push(chunk);
    slot.load += chunk.checks.length;
    slot.worker.ref();
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#refuseAll(error);
    for (const { worker } of this.#slots) void this.#terminate(worker);
  }

  /**
   * An idle worker is unref'd, and `terminate()` settles only on its 'exit' event: unref'd, the
   * process could drain its event loop before that event, leaving the awaiting caller unsettled
   * (a top-level await then exits with code 13 and prints nothing). Ref it until it has exited.
   */
  #terminate(worker: Worker): Promise<number> {
    worker.ref();
    return worker.terminate();
  }

  #refuseAll(error: Error): void {
    for (const slot of this.#slots) {
      for (const chunk of slot.inFlight.splice(0)) chunk.fail(error);
      slot.load = 0;
    }
  }
}
