// A harness for tests of slicechain and of pallets built on it: a chain from a spec, the dev
// accounts, signed extrinsics with automatic nonces, blocks on demand, typed storage reads and
// events per extrinsic, running to block N, and replay.
import type { DispatchError, Era, TransactionValidity, TransactionValidityError } from '../primitives/types.ts';
import { mortalEra } from '../primitives/types.ts';
import { loadChainSpec, type ChainSpec } from '../genesis/spec.ts';
import type { EventRecord } from '../frame/system/types.ts';
import type { Block, BuiltBlock } from '../frame/block.ts';
import type { RuntimeEventValue as RuntimeEvent } from '../frame/construct.ts';
import type { ApplyExtrinsicResult, Executive } from '../frame/executive.ts';
import { describeValidityError } from '../frame/extensions.ts';
import type { RuntimeCallValue } from '../frame/pallet.ts';
import { Chain } from './chain.ts';
import { accountOf, signExtrinsic, type SigningPair } from './signer.ts';
import { DEV_ACCOUNTS, deterministicPair } from './keys.ts';

export type { RuntimeEvent };

export interface ExtrinsicReport {
  /** The runtime's answer (ApplyExtrinsicResult). */
  result: ApplyExtrinsicResult;
  /** Whether the block includes it (a failed call is included; a refused transaction is not). */
  included: boolean;
  /** Its index in the block when included. */
  index?: number;
  /** The call's error when it failed: e.g. 'Balances.InsufficientBalance', 'BadOrigin'. */
  error?: string;
  dispatchError?: DispatchError;
  /** Why it was refused, e.g. 'Invalid::Payment'. */
  refused?: string;
  validityError?: TransactionValidityError;
  /** The events deposited while it was applied. */
  events: RuntimeEvent[];
}

export interface BlockReport {
  number: number;
  hash: string;
  /** One per submitted extrinsic, in submission order. */
  extrinsics: ExtrinsicReport[];
  /** Every event of the block. */
  events: EventRecord<RuntimeEvent>[];
}

export interface SubmitOptions {
  tip?: bigint;
  /** A mortal era of this many blocks from the current head (immortal when absent). */
  mortality?: number;
  /** Overrides the automatic nonce. */
  nonce?: number;
  /** Signs for another genesis hash or spec version (to test refusals). */
  genesisHash?: `0x${string}`;
  specVersion?: number;
}

/** One extrinsic applied alone in a block: the runtime's answer and what the block recorded. */
export interface Applied {
  result: ApplyExtrinsicResult;
  /** The events it deposited (none when refused). */
  events: RuntimeEvent[];
  /** Its encoded length, as the fee counts it. */
  len: number;
  extrinsic: Uint8Array;
}

export class TestChain {
  readonly chain: Chain;
  /** //Alice .. //Ferdie, signing deterministically (node/keys.ts): the same test writes the same blocks every run. */
  readonly accounts: Record<Lowercase<typeof DEV_ACCOUNTS[number]>, SigningPair>;
  private queue: { extrinsic: Uint8Array; signer?: string }[] = [];
  /** The last block built by newBlock, with its storage changes and the values they replaced. */
  lastBuilt?: BuiltBlock;

  /** A chain from `spec` ('dev', a spec file path, or a ChainSpec) running `executive` (slicechain's by default). */
  constructor(spec: ChainSpec | string = 'dev', executive?: Executive) {
    this.chain = new Chain(typeof spec === 'string' ? loadChainSpec(spec) : spec, { executive });
    this.accounts = Object.fromEntries(DEV_ACCOUNTS.map((name) => [name.toLowerCase(), deterministicPair(`//${name}`)])) as TestChain['accounts'];
  }

  get head() {
    return this.chain.head;
  }

  /** Reads typed storage at the head: `chain.query(() => System.Account.get(alice))`. */
  query<T>(body: () => T): T {
    return this.chain.read(body);
  }

  /** Signs `call` with `signer` for the next block (next nonce, counting what is already queued). */
  sign(signer: SigningPair, call: RuntimeCallValue, opts: SubmitOptions = {}): Uint8Array {
    const who = accountOf(signer);
    const queued = this.queue.filter((q) => q.signer === who).length;
    const head = this.chain.head;
    const era: Era | undefined = opts.mortality ? mortalEra(opts.mortality, head.number) : undefined;
    return signExtrinsic(this.chain.runtime, signer, call, {
      nonce: opts.nonce ?? this.chain.api<number>('AccountNonceApi_account_nonce', [who]) + queued,
      era,
      eraBlockHash: era ? head.hash : undefined,
      tip: opts.tip,
      genesisHash: opts.genesisHash ?? this.chain.genesisHash,
      specVersion: opts.specVersion ?? this.chain.runtime.version.spec_version,
      transactionVersion: this.chain.runtime.version.transaction_version,
    });
  }

  /** Signs `call` and queues it for the next block. */
  submit(signer: SigningPair, call: RuntimeCallValue, opts: SubmitOptions = {}): Uint8Array {
    const extrinsic = this.sign(signer, call, opts);
    this.queue.push({ extrinsic, signer: accountOf(signer) });
    return extrinsic;
  }

  /** Applies one signed extrinsic alone in a new block (after the timestamp inherent). */
  apply(signer: SigningPair, call: RuntimeCallValue, opts: SubmitOptions = {}): Applied {
    const extrinsic = this.sign(signer, call, opts);
    this.queue.push({ extrinsic, signer: accountOf(signer) });
    const { extrinsics: [report] } = this.newBlock();
    return { result: report.result, events: report.events, len: extrinsic.length, extrinsic };
  }

  /** Pool validation at the head (TaggedTransactionQueue_validate_transaction). */
  validate(extrinsic: Uint8Array): TransactionValidity {
    return this.chain.validate(extrinsic);
  }

  /** Queues an already encoded extrinsic. */
  submitExtrinsic(extrinsic: Uint8Array): void {
    this.queue.push({ extrinsic });
  }

  /** Builds the next block from the queue; reports what became of each extrinsic. */
  newBlock(): BlockReport {
    const queue = this.queue;
    this.queue = [];
    const { built, results, inherents } = this.chain.author(queue.map((q) => q.extrinsic));
    this.lastBuilt = built;
    const events = this.events();
    let index = inherents;
    const runtime = this.chain.runtime;
    const extrinsics = results.map((result): ExtrinsicReport => {
      if (!result.success) return { result, included: false, refused: describeValidityError(result.value), validityError: result.value, events: [] };
      const at = index++;
      const own = events.filter((e) => e.phase.type === 'ApplyExtrinsic' && e.phase.value === at).map((e) => e.event);
      const outcome = result.value;
      return outcome.success
        ? { result, included: true, index: at, events: own }
        : { result, included: true, index: at, error: runtime.describeError(outcome.value), dispatchError: outcome.value, events: own };
    });
    return { number: built.block.header.number, hash: built.hash, extrinsics, events };
  }

  /** Builds blocks (the queue goes into the first) until the head is block `number`. */
  runTo(number: number): BlockReport[] {
    const reports: BlockReport[] = [];
    while (this.chain.head.number < number) reports.push(this.newBlock());
    return reports;
  }

  /** The events of the head block. */
  events(): EventRecord<RuntimeEvent>[] {
    return this.query(() => this.chain.runtime.events());
  }

  /** The blocks after genesis, for export or replay. */
  blocks(): Block[] {
    return [...this.chain.allBlocks()];
  }

  /** A fresh chain from `spec` that imports `blocks`, checking every root on the way. */
  static replay(blocks: readonly Block[], spec: ChainSpec | string = 'dev', executive?: Executive): TestChain {
    const replica = new TestChain(spec, executive);
    for (const block of blocks) replica.chain.import(block);
    return replica;
  }
}
