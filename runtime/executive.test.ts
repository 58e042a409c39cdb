// The framework on the base runtime (System, Timestamp, Balances, TransactionPayment, Sudo and the
// standard extensions, as every runtime here starts) with a test pallet: pallet declaration,
// construct_runtime, the executive's phases and events, transactional dispatch, signature and
// extension checks, and block import with its roots.
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { verify as verifyDirect } from '../primitives/crypto.ts';
import { bool, u32, u64 } from '../primitives/scale.ts';
import { AccountId32, mortalEra, type AccountId, type Hash } from '../primitives/types.ts';
import { Trie } from '../primitives/trie.ts';
import { accountOf, signExtrinsic, type SigningOptions } from '../node/signer.ts';
import * as System from '../frame/system/index.ts';
import { blockLengthWithNormalRatio, sensibleBlockWeights } from '../frame/system/limits.ts';
import { Now, nextTimestamp } from '../pallets/timestamp/index.ts';
import { TimestampWeights } from '../pallets/timestamp/weights.ts';
import { BlockRejected, type BuiltBlock } from '../frame/block.ts';
import { BlockBuilder, buildGenesis, executeBlock, type Genesis } from '../frame/block-builder.ts';
import { U64_MAX, weight } from '../frame/dispatch.ts';
import { Executive, type SignatureCheck } from '../frame/executive.ts';
import { Overlay } from '../frame/overlay.ts';
import { call, errors, events, pallet } from '../frame/pallet.ts';
import { palletStorage } from '../frame/storage.ts';
import { eventsOf } from '../tests/support.ts';
import { basePallets, constructBaseRuntime, type BaseRuntimeConfig } from './base-runtime.ts';

const keyring = new Keyring({ type: 'sr25519' });
const alice = keyring.addFromUri('//Alice');
const bob = keyring.addFromUri('//Bob');
const eve = new Keyring({ type: 'ed25519' }).addFromUri('//Eve');
const ferdie = new Keyring({ type: 'ecdsa' }).addFromUri('//Ferdie');

// ---- a test pallet -------------------------------------------------------------------------------

const NotesStorage = palletStorage('Notes');
const Notes = NotesStorage.map('Notes', 'Blake2_128Concat', AccountId32, u32);
const InitCount = NotesStorage.value('InitCount', u32, { default: 0 });
/** The ref_time on_idle was offered in the last block. */
const IdleOffered = NotesStorage.value('IdleOffered', u64, { default: 0n });
const IDLE_USE = weight(1_000n);
const NotesErrors = errors('Notes', { Unlucky: [0, 'Thirteen is unlucky.'], Other: [1, 'Another error.'] });
const NotesEvents = events('Notes', { Noted: [0, { who: AccountId32, value: u32 }, 'A note was taken.'] });
const NotesPallet = pallet({
  name: 'Notes',
  storage: NotesStorage,
  calls: {
    note: call({
      index: 0, origin: 'signed', args: { value: u32 }, weight: () => weight(10_000_000n),
      dispatch: (who, { value }) => {
        Notes.insert(who, value);
        NotesEvents.deposit({ type: 'Noted', value: { who, value } });
        if (value === 13) throw NotesErrors.Unlucky; // after writing: the write must be rolled back
      },
    }),
    root_note: call({
      index: 1, origin: 'root', args: { value: u32 }, weight: () => weight(10_000_000n),
      dispatch: () => undefined,
    }),
    flagged: call({
      index: 3, origin: 'signed', args: { urgent: bool }, weight: () => weight(10_000_000n),
      class: ({ urgent }) => (urgent ? 'Operational' : 'Normal'),
      docs: 'Its dispatch class depends on its argument.',
      dispatch: () => undefined,
    }),
    heavy: call({
      index: 2, origin: 'signed', args: { tenths: u32 }, weight: ({ tenths }) => weight(BigInt(tenths) * 100_000_000_000n),
      docs: 'Uses `tenths` tenths of a second of block time.',
      dispatch: () => undefined,
    }),
  },
  events: NotesEvents,
  errors: NotesErrors,
  hooks: {
    onInitialize: () => { InitCount.mutate((n) => n + 1); return weight(1_000n); },
    onIdle: (_block, remaining) => { IdleOffered.put(remaining.ref_time); return IDLE_USE; },
  },
});

// ---- the test runtime ----------------------------------------------------------------------------

/** Small, so that pruning shows within a test. */
const BLOCK_HASH_COUNT = 16;
const limits = {
  blockWeights: sensibleBlockWeights(weight(2_000_000_000_000n, U64_MAX), 75n, weight(5_000_000_000n), weight(100_000_000n)),
  blockLength: blockLengthWithNormalRatio(5 * 1024 * 1024, 75),
};
const CONFIG: BaseRuntimeConfig = {
  name: 'test_runtime',
  version: { spec_name: 'test', impl_name: 'test', authoring_version: 1, spec_version: 7, impl_version: 1, transaction_version: 3, system_version: 1 },
  limits, blockHashCount: BLOCK_HASH_COUNT, dbWeight: { read: 25_000_000n, write: 100_000_000n }, ss58Prefix: 42,
};
const base = basePallets(CONFIG, () => runtime);
const { Timestamp, Balances, TransactionPayment } = base;
const runtime = constructBaseRuntime(CONFIG, base, [[7, NotesPallet]]);
const executive = new Executive(runtime);
const GENESIS_TIME = 1_700_000_000_000n;
/** Enough to pay the fee of a call filling the block (a second of weight costs ~10^5 tokens). */
const FUNDS = 10n ** 24n;

function genesis(): Genesis {
  return buildGenesis(executive, () => {
    base.System.genesis!.build({});
    Timestamp.genesis!.build({ now: GENESIS_TIME });
    Balances.genesis!.build({ balances: [alice, bob, eve, ferdie].map((pair) => [accountOf(pair), FUNDS]) });
    TransactionPayment.genesis!.build(TransactionPayment.genesis!.config.read({}, 'transactionPayment'));
  });
}

/** A chain in memory: the committed state and its head. */
class TestChain {
  readonly state: Trie;
  readonly genesisHash: Hash;
  head: { hash: Hash; number: number };
  blocks: BuiltBlock[] = [];

  constructor() {
    const g = genesis();
    this.state = g.state;
    this.genesisHash = g.hash;
    this.head = { hash: g.hash, number: 0 };
  }

  read<T>(body: () => T): T {
    return executive.run(new Overlay(this.state), body);
  }

  opts(pair: typeof alice, extra: Partial<SigningOptions> = {}): SigningOptions {
    const nonce = this.read(() => System.accountNonce(accountOf(pair)));
    return { nonce, genesisHash: this.genesisHash, specVersion: 7, transactionVersion: 3, ...extra };
  }

  builder(): BlockBuilder {
    return new BlockBuilder(executive, this.state, this.head, { timestamp: nextTimestamp(this.read(() => Now.get())) });
  }

  seal(builder: BlockBuilder): BuiltBlock {
    const built = builder.build();
    this.head = { hash: built.hash, number: built.block.header.number };
    this.blocks.push(built);
    return built;
  }

  events() {
    return this.read(() => runtime.events());
  }

  /** `Pallet.Event` of each event with its phase, leaving out the fee's (Balances.Withdraw, TransactionPayment.TransactionFeePaid). */
  phases(): [unknown, string][] {
    return this.events().map((e): [unknown, string] => [e.phase, `${e.event.type}.${e.event.value.type}`])
      .filter(([, name]) => name !== 'Balances.Withdraw' && name !== 'TransactionPayment.TransactionFeePaid');
  }
}

describe('the executive on a test runtime', () => {
  it('builds genesis and an empty block whose only extrinsic is the timestamp inherent', () => {
    const chain = new TestChain();
    const built = chain.seal(chain.builder());
    expect(built.block.header.number).toBe(1);
    expect(built.block.header.parent_hash).toBe(chain.genesisHash);
    expect(built.block.extrinsics).toHaveLength(1);
    expect(u8aToHex(chain.state.root())).toBe(built.block.header.state_root);
    chain.read(() => {
      expect(System.Number.get()).toBe(1);
      expect(System.BlockHash.get(0)).toBe(chain.genesisHash);
      expect(InitCount.get()).toBe(1);
    });
    expect(chain.events()).toEqual([{
      phase: { type: 'ApplyExtrinsic', value: 0 },
      event: { type: 'System', value: { type: 'ExtrinsicSuccess', value: { dispatch_info: {
        weight: TimestampWeights.set(), class: { type: 'Mandatory' }, pays_fee: { type: 'Yes' } } } } },
      topics: [],
    }]);
  });

  it('applies signed extrinsics of all three key types, bumps nonces, and records events with phases', () => {
    const chain = new TestChain();
    const b = chain.builder();
    for (const [i, pair] of [alice, eve, ferdie].entries()) {
      const result = b.push(signExtrinsic(runtime, pair, NotesPallet.tx.note({ value: i + 1 }), chain.opts(pair)));
      expect(result).toEqual({ success: true, value: { success: true, value: undefined } });
    }
    chain.seal(b);
    chain.read(() => {
      expect(Notes.get(accountOf(ferdie))).toBe(3);
      expect(System.accountNonce(accountOf(alice))).toBe(1);
    });
    expect(chain.phases()).toEqual([
      [{ type: 'ApplyExtrinsic', value: 0 }, 'System.ExtrinsicSuccess'],
      [{ type: 'ApplyExtrinsic', value: 1 }, 'Notes.Noted'],
      [{ type: 'ApplyExtrinsic', value: 1 }, 'System.ExtrinsicSuccess'],
      [{ type: 'ApplyExtrinsic', value: 2 }, 'Notes.Noted'],
      [{ type: 'ApplyExtrinsic', value: 2 }, 'System.ExtrinsicSuccess'],
      [{ type: 'ApplyExtrinsic', value: 3 }, 'Notes.Noted'],
      [{ type: 'ApplyExtrinsic', value: 3 }, 'System.ExtrinsicSuccess'],
    ]);
  });

  it('rolls back a failing call but keeps its nonce, and reports the module error', () => {
    const chain = new TestChain();
    const b = chain.builder();
    const result = b.push(signExtrinsic(runtime, alice, NotesPallet.tx.note({ value: 13 }), chain.opts(alice)));
    expect(result).toEqual({ success: true, value: { success: false, value: { type: 'Module', value: { index: 7, error: '0x00000000' } } } });
    chain.seal(b);
    chain.read(() => {
      expect(Notes.get(accountOf(alice))).toBeUndefined();
      expect(System.accountNonce(accountOf(alice))).toBe(1);
    });
    const [failed] = eventsOf(chain.events().map((e) => e.event), System.SystemEvents, 'ExtrinsicFailed');
    expect(runtime.moduleError({ index: 7, error: '0x00000000' })).toEqual({ pallet: 'Notes', name: 'Unlucky', docs: ['Thirteen is unlucky.'] });
    expect(runtime.describeError(failed.dispatch_error)).toBe('Notes.Unlucky');
  });

  it('refuses bad origins, proofs, nonces, eras, genesis and weight, leaving no trace', () => {
    const chain = new TestChain();
    chain.seal(chain.builder());
    const b = chain.builder();
    const rootBefore = () => chain.read(() => System.Account.get(accountOf(alice)));
    const before = rootBefore();
    const refused = (xt: Uint8Array) => {
      const result = b.push(xt);
      return result.success ? result : result.value;
    };
    const tampered = signExtrinsic(runtime, alice, NotesPallet.tx.note({ value: 1 }), chain.opts(alice));
    tampered[tampered.length - 1] ^= 1;
    expect(refused(tampered)).toEqual({ type: 'Invalid', value: { type: 'BadProof' } });
    expect(refused(signExtrinsic(runtime, alice, NotesPallet.tx.note({ value: 1 }), chain.opts(alice, { genesisHash: `0x${'11'.repeat(32)}` }))))
      .toEqual({ type: 'Invalid', value: { type: 'BadProof' } });
    expect(refused(signExtrinsic(runtime, alice, NotesPallet.tx.note({ value: 1 }), chain.opts(alice, { specVersion: 8 }))))
      .toEqual({ type: 'Invalid', value: { type: 'BadProof' } });
    expect(refused(signExtrinsic(runtime, alice, NotesPallet.tx.note({ value: 1 }), chain.opts(alice, { nonce: 5 }))))
      .toEqual({ type: 'Invalid', value: { type: 'Future' } });
    // An era born at a block this chain has not reached has no known hash.
    expect(refused(signExtrinsic(runtime, alice, NotesPallet.tx.note({ value: 1 }), chain.opts(alice, { era: mortalEra(64, 63) }))))
      .toEqual({ type: 'Invalid', value: { type: 'AncientBirthBlock' } });
    const stranger = keyring.addFromUri('//Stranger');
    expect(refused(signExtrinsic(runtime, stranger, NotesPallet.tx.note({ value: 1 }), chain.opts(stranger))))
      .toEqual({ type: 'Invalid', value: { type: 'Payment' } });
    expect(b.push(signExtrinsic(runtime, alice, NotesPallet.tx.root_note({ value: 1 }), chain.opts(alice))))
      .toEqual({ success: true, value: { success: false, value: { type: 'BadOrigin' } } });
    const mortal = signExtrinsic(runtime, alice, NotesPallet.tx.note({ value: 2 }), chain.opts(alice, { nonce: 1, era: mortalEra(64, 1), eraBlockHash: chain.head.hash }));
    expect(b.push(mortal)).toEqual({ success: true, value: { success: true, value: undefined } });
    expect(refused(signExtrinsic(runtime, alice, NotesPallet.tx.note({ value: 1 }), chain.opts(alice, { nonce: 0 }))))
      .toEqual({ type: 'Invalid', value: { type: 'Stale' } });
    chain.seal(b);
    expect(chain.blocks.at(-1)!.block.extrinsics).toHaveLength(3); // timestamp, root_note (failed), mortal note
    expect(rootBefore().nonce).toBe(before.nonce + 2);
  });

  it('refuses what does not fit the block: one extrinsic over max_extrinsic, then the normal class full', () => {
    const chain = new TestChain();
    const b = chain.builder();
    // Normal: 75% of 2 s in total; one extrinsic at most that less 10% of the block for initialization.
    expect(b.push(signExtrinsic(runtime, alice, NotesPallet.tx.heavy({ tenths: 14 }), chain.opts(alice))))
      .toEqual({ success: false, value: { type: 'Invalid', value: { type: 'ExhaustsResources' } } });
    expect(b.push(signExtrinsic(runtime, alice, NotesPallet.tx.heavy({ tenths: 10 }), chain.opts(alice))).success).toBe(true);
    expect(b.push(signExtrinsic(runtime, bob, NotesPallet.tx.heavy({ tenths: 5 }), chain.opts(bob))))
      .toEqual({ success: false, value: { type: 'Invalid', value: { type: 'ExhaustsResources' } } });
    expect(b.push(signExtrinsic(runtime, bob, NotesPallet.tx.heavy({ tenths: 4 }), chain.opts(bob))).success).toBe(true);
    expect(chain.seal(b).block.extrinsics).toHaveLength(3);
    expect(chain.read(() => System.accountNonce(accountOf(bob)))).toBe(1);
  });

  it('takes a call\'s dispatch class from its arguments when the call declares it so', () => {
    expect(runtime.dispatchInfo(NotesPallet.tx.flagged({ urgent: true })).class).toEqual({ type: 'Operational' });
    expect(runtime.dispatchInfo(NotesPallet.tx.flagged({ urgent: false })).class).toEqual({ type: 'Normal' });
    expect(runtime.dispatchInfo(NotesPallet.tx.note({ value: 1 })).class).toEqual({ type: 'Normal' });
  });

  it('offers on_idle the weight the block has left, and counts what it used', () => {
    const chain = new TestChain();
    const b = chain.builder();
    b.push(signExtrinsic(runtime, alice, NotesPallet.tx.heavy({ tenths: 5 }), chain.opts(alice)));
    chain.seal(b);
    chain.read(() => {
      const consumed = System.BlockWeight.get();
      const total = consumed.normal.ref_time + consumed.operational.ref_time + consumed.mandatory.ref_time;
      expect(IdleOffered.get()).toBe(limits.blockWeights.max_block.ref_time - (total - IDLE_USE.ref_time));
      expect(consumed.normal.ref_time).toBe(500_000_000_000n + limits.blockWeights.per_class.normal.base_extrinsic.ref_time);
    });
  });

  it('keeps the last BlockHashCount block hashes (and genesis), so an era born before them is refused', () => {
    const chain = new TestChain();
    chain.seal(chain.builder());
    const bornAtOne = signExtrinsic(runtime, alice, NotesPallet.tx.note({ value: 1 }), chain.opts(alice, { era: mortalEra(64, 1), eraBlockHash: chain.head.hash }));
    while (chain.head.number < 30) chain.seal(chain.builder());
    chain.read(() => {
      expect(System.BlockHash.contains(0)).toBe(true);
      expect([...System.BlockHash.entries()].map(([[n]]) => n).sort((a, b) => a - b))
        .toEqual([0, ...Array.from({ length: BLOCK_HASH_COUNT }, (_, i) => 30 - BLOCK_HASH_COUNT + i)]);
    });
    const b = chain.builder();
    expect(b.push(bornAtOne)).toEqual({ success: false, value: { type: 'Invalid', value: { type: 'AncientBirthBlock' } } });
  });

  it('validates for the pool: provides and requires nonce tags, longevity from the era', () => {
    const chain = new TestChain();
    const who = accountOf(alice);
    const validity = (xt: Uint8Array) => executive.validateTransaction(new Overlay(chain.state), xt, chain.head.hash);
    const future = validity(signExtrinsic(runtime, alice, NotesPallet.tx.note({ value: 1 }), chain.opts(alice, { nonce: 1, era: mortalEra(64, 0), eraBlockHash: chain.genesisHash })));
    expect(future.success).toBe(true);
    const valid = future.value as { requires: Uint8Array[]; provides: Uint8Array[]; longevity: bigint };
    const tag = (nonce: number) => u8aToHex(new Uint8Array([...AccountId32.enc(who as AccountId), ...u32.enc(nonce)]));
    expect(valid.provides.map((p) => u8aToHex(p))).toEqual([tag(1)]);
    expect(valid.requires.map((p) => u8aToHex(p))).toEqual([tag(0)]);
    expect(valid.longevity).toBe(63n);
    const inherent = runtime.extrinsic.enc({ call: Timestamp.tx.set({ now: 5n }) });
    expect(validity(inherent)).toEqual({ success: false, value: { type: 'Invalid', value: { type: 'MandatoryValidation' } } });
  });

  it('imports a built chain on a fresh state to the same roots, and refuses a tampered block at that block', () => {
    const source = new TestChain();
    for (let n = 0; n < 3; n++) {
      const b = source.builder();
      b.push(signExtrinsic(runtime, alice, NotesPallet.tx.note({ value: n === 1 ? 13 : n }), source.opts(alice)));
      source.seal(b);
    }
    const replica = new TestChain();
    for (const built of source.blocks) {
      const imported = executeBlock(executive, replica.state, replica.head, built.block);
      replica.head = { hash: imported.hash, number: imported.block.header.number };
    }
    expect(replica.head).toEqual(source.head);

    const fresh = new TestChain();
    executeBlock(executive, fresh.state, fresh.head, source.blocks[0].block);
    const rootAfterFirst = u8aToHex(fresh.state.root());
    const second = source.blocks[1].block;
    const xt = Uint8Array.from(second.extrinsics[1]);
    xt[xt.length - 1] ^= 0xff;
    const tampered = { ...second, extrinsics: [second.extrinsics[0], xt] };
    expect(() => executeBlock(executive, fresh.state, { hash: source.blocks[0].hash, number: 1 }, tampered))
      .toThrow(new BlockRejected(2, 'extrinsic 1 is invalid: Invalid::BadProof'));
    expect(u8aToHex(fresh.state.root())).toBe(rootAfterFirst);
    const wrongRoot = { ...second, header: { ...second.header, state_root: `0x${'22'.repeat(32)}` as Hash } };
    expect(() => executeBlock(executive, fresh.state, { hash: source.blocks[0].hash, number: 1 }, wrongRoot))
      .toThrow(/block #2 rejected: state root 0x2222.* differs from the computed 0x/);
    expect(u8aToHex(fresh.state.root())).toBe(rootAfterFirst);
  });
});

describe('signature verdicts the executive remembers', () => {
  /** An executive of the test runtime that counts the signatures it really verifies. */
  function counting(): { executive: Executive; verifications: () => number } {
    let n = 0;
    const verify: SignatureCheck = (signature, payload, signer) => {
      n++;
      return verifyDirect(signature, payload, signer);
    };
    return { executive: new Executive(runtime, verify), verifications: () => n };
  }

  it('verifies a transaction once for the pool and its block, and never remembers a bad one', () => {
    const chain = new TestChain();
    const { executive: counted, verifications } = counting();
    const good = signExtrinsic(runtime, alice, NotesPallet.tx.note({ value: 1 }), chain.opts(alice));
    const bad = Uint8Array.from(good);
    bad[40] ^= 1;
    expect(counted.validateTransaction(new Overlay(chain.state), good, chain.head.hash).success).toBe(true);
    expect(counted.validateTransaction(new Overlay(chain.state), bad, chain.head.hash).success).toBe(false);
    expect(counted.validateTransaction(new Overlay(chain.state), bad, chain.head.hash).success).toBe(false);
    expect(verifications()).toBe(3);
    const builder = new BlockBuilder(counted, chain.state, chain.head, { timestamp: nextTimestamp(chain.read(() => Now.get())) });
    expect(builder.push(good).success).toBe(true);
    expect(builder.push(bad)).toEqual({ success: false, value: { type: 'Invalid', value: { type: 'BadProof' } } });
    expect(verifications()).toBe(4);
  });

  it('takes verdicts reached elsewhere for exactly the payloads the block will check', () => {
    const chain = new TestChain();
    const { executive: counted, verifications } = counting();
    const extrinsics = [alice, eve, ferdie].map((pair) => signExtrinsic(runtime, pair, NotesPallet.tx.note({ value: 7 }), chain.opts(pair)));
    const payloads = counted.signedPayloads(new Overlay(chain.state), 1, chain.head.hash, [runtime.extrinsic.enc({ call: Timestamp.tx.set({ now: 1n }) }), ...extrinsics]);
    expect(payloads.map((p) => p.signer)).toEqual([alice, eve, ferdie].map(accountOf));
    counted.noteVerified(payloads);
    const builder = new BlockBuilder(counted, chain.state, chain.head, { timestamp: nextTimestamp(chain.read(() => Now.get())) });
    for (const xt of extrinsics) expect(builder.push(xt).success).toBe(true);
    expect(verifications()).toBe(0);
  });

  it('does not take a verdict on the same signature over another payload or from another signer', () => {
    const chain = new TestChain();
    const { executive: counted, verifications } = counting();
    const extrinsics = [alice, eve].map((pair, i) => signExtrinsic(runtime, pair, NotesPallet.tx.note({ value: i }), chain.opts(pair)));
    const [a, e] = counted.signedPayloads(new Overlay(chain.state), 1, chain.head.hash, extrinsics);
    counted.noteVerified([{ ...a, payload: e.payload }, { ...e, signer: a.signer }]);
    const builder = new BlockBuilder(counted, chain.state, chain.head, { timestamp: nextTimestamp(chain.read(() => Now.get())) });
    for (const xt of extrinsics) expect(builder.push(xt).success).toBe(true);
    expect(verifications()).toBe(2);
  });
});
