// Signature verification on every core, for block import and the transaction pool: a check
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
 * Checks as they cross to the workers, in shared memory (posted once, copied never): per check
 * four u32 (kind index, signature, message and signer lengths), one buffer holding all their bytes,
 * and one `Status` per check, which the workers and the submitting thread claim and answer in.
 */
export interface PackedChecks {
  header: Uint32Array<SharedArrayBuffer>;
  bytes: Uint8Array<SharedArrayBuffer>;
  status: Int32Array<SharedArrayBuffer>;
}

/** Where a check stands, in `PackedChecks.status`: each check is claimed by one thread before it is verified, so none is verified twice. */
export const Status = { Pending: 0, Claimed: 1, Valid: 2, Invalid: 3 } as const;

const KINDS: readonly SignatureKind[] = ['Ed25519', 'Sr25519', 'Ecdsa'];

export function packChecks(checks: readonly SignatureCheck[]): PackedChecks {
  const header = new Uint32Array(new SharedArrayBuffer(checks.length * 16));
  let total = 0;
  checks.forEach(({ kind, signature, message, signer }, i) => {
    header.set([KINDS.indexOf(kind), signature.length, message.length, signer.length], i * 4);
    total += signature.length + message.length + signer.length;
  });
  const bytes = new Uint8Array(new SharedArrayBuffer(total));
  let at = 0;
  for (const { signature, message, signer } of checks) {
    for (const part of [signature, message, signer]) {
      bytes.set(part, at);
      at += part.length;
    }
  }
  return { header, bytes, status: new Int32Array(new SharedArrayBuffer(checks.length * 4)) };
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

/**
 * Verifies check `i` of `status` unless another thread claimed it first; returns whether this
 * thread verified it. The one loop both sides run: a worker over a whole submission, the
 * submitting thread over the checks it needs and no worker has reached.
 */
export function claimAndVerify(status: Int32Array<SharedArrayBuffer>, i: number, { kind, signature, message, signer }: SignatureCheck): boolean {
  if (Atomics.compareExchange(status, i, Status.Pending, Status.Claimed) !== Status.Pending) return false;
  Atomics.store(status, i, verifySignature(kind, signature, message, signer) ? Status.Valid : Status.Invalid);
  Atomics.notify(status, i);
  return true;
}

/** A worker round trip (~0.2 ms) costs what 2-4 checks do: `verifyBatch` checks smaller batches in-thread. */
const IN_THREAD_BELOW = 4;
/**
 * How long the submitting thread waits for a check a worker claimed (one check takes well under
 * a millisecond) before it takes the worker for stalled or gone and verifies the check itself.
 * Either way the verdict is the same: this only bounds a wait.
 */
const STALLED_WORKER_MS = 2000;

const WORKER_ENTRY = new URL('./signature-worker-entry.js', import.meta.url);

/**
 * The verdicts of one submission, readable synchronously while the workers verify ahead: a
 * thread executing a block asks for each verdict as it needs it, without turning its event loop.
 */
export class Verdicts {
  /** Where `take` looks for a check no thread has claimed, when a worker holds the one it needs. */
  #helpFrom = 0;

  constructor(
    private readonly checks: readonly SignatureCheck[],
    private readonly status: Int32Array<SharedArrayBuffer>,
    /** Resolves once every worker has been through the submission (undefined: no worker has it). */
    private readonly answered: Promise<void> | undefined,
    private readonly stats: PoolStats,
    /** Verifies an unclaimed check of a later submission (the blocks after this one); false when there is none. */
    private readonly helpLater: () => boolean = () => false,
  ) {}

  get length(): number {
    return this.checks.length;
  }

  /**
   * The verdict on check `i`: a worker's if it has it, else verified here and now. While a worker
   * is at check `i`, this thread verifies the next checks no thread has claimed, here or in later
   * submissions (it will need them next), and waits only when none is left: a work split in which
   * it never idles while checks are pending.
   */
  take(i: number): boolean {
    for (;;) {
      const state = Atomics.load(this.status, i);
      if (state === Status.Valid) return true;
      if (state === Status.Invalid) return false;
      if (state === Status.Pending) {
        if (claimAndVerify(this.status, i, this.checks[i])) this.stats.verifiedHere++;
        continue;
      }
      if (this.verifyNextUnclaimed(i + 1) || this.helpLater()) continue;
      const waiting = performance.now();
      const waited = Atomics.wait(this.status, i, Status.Claimed, STALLED_WORKER_MS);
      this.stats.waitedMs += performance.now() - waiting;
      if (waited === 'timed-out') {
        this.stats.verifiedHere++;
        const { kind, signature, message, signer } = this.checks[i];
        return verifySignature(kind, signature, message, signer);
      }
    }
  }

  /** Claims and verifies the first check from `from` on that no thread has claimed; false when there is none. */
  verifyNextUnclaimed(from: number): boolean {
    for (let j = Math.max(from, this.#helpFrom); j < this.checks.length; j++) {
      if (claimAndVerify(this.status, j, this.checks[j])) {
        this.stats.verifiedHere++;
        this.#helpFrom = j + 1;
        return true;
      }
    }
    this.#helpFrom = this.checks.length;
    return false;
  }

  /** Every verdict, in order, once the workers are through (the ones they left are verified here). */
  async all(): Promise<boolean[]> {
    await this.answered;
    return this.checks.map((_, i) => this.take(i));
  }
}

/** What a pool's threads did (for benches and tests): counts, and times in milliseconds. */
export interface PoolStats {
  /** Checks the workers verified. */
  verifiedByWorkers: number;
  /** Checks `Verdicts.take` verified in the submitting thread, which no worker had reached. */
  verifiedHere: number;
  /** How long `take` waited for a check a worker was verifying. */
  waitedMs: number;
  /** How long the workers spent verifying, summed over them. */
  workerBusyMs: number;
}

/** A worker's answer: it has been through submission `id`, verifying `verified` of its checks in `busyMs`. */
export interface WorkerAnswer {
  id: number;
  verified: number;
  busyMs: number;
}

interface Submission {
  /** How many of the workers it was posted to have not answered yet. */
  waiting: number;
  answered: Promise<void>;
  verdicts: Verdicts;
  done(): void;
  fail(error: Error): void;
}

interface Slot {
  worker: Worker;
  /** Submissions posted to this worker and not answered yet: while there are some, it holds the process open. */
  inFlight: number;
}

/**
 * Checks an import submits before its workers start (`startAfter`): a worker takes ~0.8 s and
 * over a second of CPU to load, while this many sr25519 checks take one thread ~0.15 s, so an
 * import this short is verified in-thread and does not pay for starting workers it would not use.
 */
export const SHORT_IMPORT_CHECKS = 1024;

/** Workers for a pool beside a thread that executes blocks: every core but that thread's (at least one). */
export const spareCores = (): number => Math.max(1, availableParallelism() - 1);

/**
 * Signature verification on worker threads, started on the first submission past `startAfter`
 * checks (a pool that is never used costs nothing, a job shorter than that never starts them, and
 * no job waits for them: `Verdicts.take` verifies in-thread whatever they have not reached).
 * Every worker is posted every submission and claims checks one at a time from the front, so they
 * share the work without a scheduler and never wait for the submitting thread.
 */
export class SignaturePool {
  readonly #workers: number;
  readonly #startAfter: number;
  /** Checks submitted so far. */
  #submitted = 0;
  #slots: Slot[] | undefined;
  readonly #submissions = new Map<number, Submission>();
  #nextId = 0;
  readonly stats: PoolStats = { verifiedByWorkers: 0, verifiedHere: 0, waitedMs: 0, workerBusyMs: 0 };
  #closed = false;
  /** Set when a worker died: the pool then refuses every batch with it. */
  #failure: Error | undefined;

  /**
   * `workers` defaults to `os.availableParallelism()`; `startAfter` (default 0): the checks
   * submitted before the workers start, all verified in-thread (see SHORT_IMPORT_CHECKS).
   */
  constructor(opts: { workers?: number; startAfter?: number } = {}) {
    const workers = opts.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`SignaturePool needs at least one worker, got ${workers}`);
    this.#workers = workers;
    this.#startAfter = opts.startAfter ?? 0;
  }

  /**
   * Posts `checks` to the workers, which verify them in order, and returns their verdicts. Never
   * refuses: once the pool is closed or failed, the verdicts are all verified by `take` in-thread.
   */
  submit(checks: readonly SignatureCheck[]): Verdicts {
    const packed = packChecks(checks);
    this.#submitted += checks.length;
    const inThread = this.#closed || this.#failure || checks.length === 0 || (!this.#slots && this.#submitted <= this.#startAfter);
    if (inThread) return new Verdicts(checks, packed.status, undefined, this.stats);
    const slots = (this.#slots ??= Array.from({ length: this.#workers }, () => this.#spawn()));
    const id = this.#nextId++;
    let settle!: Pick<Submission, 'done' | 'fail'>;
    const answered = new Promise<void>((done, fail) => { settle = { done, fail }; });
    answered.catch(() => {}); // refused on close or failure; `take` still answers every check
    const verdicts = new Verdicts(checks, packed.status, answered, this.stats, () => this.#helpLater(id));
    this.#submissions.set(id, { waiting: slots.length, answered, verdicts, ...settle });
    for (const slot of slots) {
      slot.worker.postMessage({ id, ...packed });
      if (slot.inFlight++ === 0) slot.worker.ref();
    }
    return verdicts;
  }

  /** Resolves once the workers have answered every submission so far (then `stats` is complete). */
  async idle(): Promise<void> {
    await Promise.all([...this.#submissions.values()].map(({ answered }) => answered));
  }

  /** One answer per check, in input order: exactly what `verifySignature` answers for it. */
  async verifyBatch(checks: SignatureCheck[]): Promise<boolean[]> {
    if (this.#closed) throw new Error('SignaturePool is closed');
    if (this.#failure) throw this.#failure;
    if (checks.length < IN_THREAD_BELOW) return checks.map(({ kind, signature, message, signer }) => verifySignature(kind, signature, message, signer));
    return this.submit(checks).all();
  }

  /** Stops the workers; batches still running are refused. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#refuseAll(new Error('SignaturePool is closed'));
    await Promise.all((this.#slots ?? []).map(({ worker }) => this.#terminate(worker)));
  }

  #spawn(): Slot {
    // execArgv: [] so that the entry file alone decides how TypeScript loads, under jest or tsx alike.
    const worker = new Worker(WORKER_ENTRY, { execArgv: [] });
    // Idle workers do not keep the process alive; `submit` refs a worker while it has submissions to answer.
    worker.unref();
    const slot: Slot = { worker, inFlight: 0 };
    worker.on('message', ({ id, verified, busyMs }: WorkerAnswer) => {
      // An answer that arrives after close() or a failure: its submission was refused already, and
      // the worker must stay ref'd until its 'exit' (see #terminate).
      if (this.#closed || this.#failure) return;
      if (--slot.inFlight === 0) worker.unref();
      this.stats.verifiedByWorkers += verified;
      this.stats.workerBusyMs += busyMs;
      const submission = this.#submissions.get(id);
      if (submission && --submission.waiting === 0) {
        this.#submissions.delete(id);
        submission.done();
      }
    });
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => {
      if (!this.#closed) this.#fail(new Error(`signature worker exited with code ${code}`));
    });
    return slot;
  }

  /** Verifies the first unclaimed check of the submissions after `id` still with the workers. */
  #helpLater(id: number): boolean {
    for (const [later, { verdicts }] of this.#submissions) {
      if (later > id && verdicts.verifyNextUnclaimed(0)) return true;
    }
    return false;
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    this.#refuseAll(error);
    for (const { worker } of this.#slots ?? []) void this.#terminate(worker);
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
    for (const submission of this.#submissions.values()) submission.fail(error);
    this.#submissions.clear();
    for (const slot of this.#slots ?? []) slot.inFlight = 0;
  }
}
