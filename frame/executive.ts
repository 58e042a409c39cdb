// frame_executive: initialize a block (System, then on_initialize in pallet order), apply
// extrinsics (signature, signed extensions, dispatch in a storage layer, events), finalize
// (on_idle with the weight left, on_finalize), and validate transactions for the pool.
import { hexToU8a, stringToU8a, u8aConcat, u8aEq } from '@polkadot/util';
import { blake2_256 } from '../primitives/hashing.ts';
import { bytesToString } from '../primitives/byte-string.ts';
import { verify } from '../primitives/crypto.ts';
import { signingPayload } from '../primitives/extrinsic.ts';
import type {
  AccountId, Digest, DispatchError, Hash, MultiSignature, TransactionValidity, TransactionValidityError, Weight,
} from '../primitives/types.ts';
import { accountExtrinsic, refundUnusedWeight } from './system/extensions.ts';
import * as System from './system/index.ts';
import type { Runtime } from './construct.ts';
import { NoneOrigin, ZERO_WEIGHT, addWeight, minWeight, signed, subWeight, weightFits, type DispatchInfo } from './dispatch.ts';
import { TransactionInvalid, combineValidity, invalid, type TransactionContext } from './extensions.ts';
import { withStorage } from './externalities.ts';
import { runtimeLog } from './log.ts';
import type { Overlay } from './overlay.ts';
import type { RuntimeCallValue } from './pallet.ts';

/** sp_runtime's ApplyExtrinsicResult: included (with the call's own outcome), or refused. */
export type ApplyExtrinsicResult =
  | { success: true; value: { success: true; value: undefined } | { success: false; value: DispatchError } }
  | { success: false; value: TransactionValidityError };

export type SignatureCheck = (signature: MultiSignature, payload: Uint8Array, signer: AccountId) => boolean;

/** What an extrinsic's signature must cover, and who must have signed it. */
export interface SignedPayload {
  signature: MultiSignature;
  payload: Uint8Array;
  signer: AccountId;
}

/** A signed extrinsic's payload as computed ahead of applying it, with the extrinsic (its bytes array). */
export interface SignedAhead extends SignedPayload {
  extrinsic: Uint8Array;
}

/** A signature being verified elsewhere (block import's look-ahead), and how to have its verdict. */
export interface VerifyingAhead extends SignedAhead {
  /** Whether it verifies: may wait for the thread verifying it, or verify it then and there. */
  verdict(): boolean;
}

type DecodedExtrinsic = ReturnType<Runtime['extrinsic']['dec']>;

/** A decoded extrinsic with what its checks need. */
interface Prepared {
  call: RuntimeCallValue;
  info: DispatchInfo;
  len: number;
  signer?: SignedPayload & { extra: unknown[] };
}

const VERIFIED_CACHE_SIZE = 1 << 16;
// The scheme is part of the key: the same 64 bytes are checked differently as sr25519 and ed25519.
// The key is the triple's blake2_256 as a 32-character string: a hex concatenation of the triple
// is a V8 rope of ~100 pieces (3-4 KB each), which made the full cache hundreds of MiB.
const verdictKey = ({ signature, payload, signer }: SignedPayload) =>
  bytesToString(blake2_256(u8aConcat(stringToU8a(signature.type), hexToU8a(signature.value), hexToU8a(signer), payload)));

const sameCheck = (a: SignedPayload, b: SignedPayload) => a.signer === b.signer && a.signature.type === b.signature.type
  && a.signature.value === b.signature.value && u8aEq(a.payload, b.payload);

export class Executive {
  /**
   * Signatures known to verify, as exact (signature, payload, signer) triples: the pool validates
   * a transaction and the block that includes it checks it again with the same payload, and block
   * import verifies a block's signatures ahead on every core. Nothing that failed is kept.
   */
  private readonly verified = new Set<string>();
  /**
   * Extrinsics decoded before they are applied (the signature look-ahead, block import's inherent
   * check, pool validation), by their bytes array: applying one takes its decoding from here
   * instead of decoding again, and drops it (a dispatch may change the call's values).
   */
  private readonly decodedAhead = new WeakMap<Uint8Array, DecodedExtrinsic>();
  /**
   * Signatures verified elsewhere while blocks before theirs execute, by extrinsic bytes array:
   * applying the extrinsic asks for the verdict instead of verifying, if it signs the same payload.
   */
  private readonly verifyingAhead = new WeakMap<Uint8Array, VerifyingAhead>();

  constructor(readonly runtime: Runtime, private readonly verifySignature: SignatureCheck = (s, p, w) => verify(s, p, w)) {}

  /** Records signatures verified elsewhere (the SignaturePool's workers). */
  noteVerified(checks: readonly SignedPayload[]): void {
    for (const check of checks) this.remember(verdictKey(check));
  }

  /** Records signatures being verified elsewhere, each until its extrinsic is applied. */
  noteVerifying(ahead: readonly VerifyingAhead[]): void {
    for (const entry of ahead) this.verifyingAhead.set(entry.extrinsic, entry);
  }

  /** Runs `body` against `overlay` with this runtime installed for events and errors. */
  run<T>(overlay: Overlay, body: () => T): T {
    return withStorage(overlay, body, this.runtime);
  }

  initializeBlock(overlay: Overlay, number: number, parentHash: Hash, digest: Digest): void {
    this.run(overlay, () => {
      System.initialize(number, parentHash, digest);
      let used = this.runtime.spec.limits.blockWeights.base_block;
      for (const { pallet } of this.runtime.pallets) {
        if (pallet.hooks?.onInitialize) used = addWeight(used, pallet.hooks.onInitialize(number));
      }
      registerMandatoryWeight(used);
      System.noteFinishedInitialize();
    });
  }

  /** Decodes an extrinsic, once until it is applied (see `decodedAhead`). Throws on bad bytes. */
  decodeExtrinsic(bytes: Uint8Array): DecodedExtrinsic {
    let xt = this.decodedAhead.get(bytes);
    if (xt === undefined) {
      xt = this.runtime.extrinsic.dec(bytes);
      this.decodedAhead.set(bytes, xt);
    }
    return xt;
  }

  /** Applies one encoded extrinsic. A refused one leaves no trace in the overlay. */
  applyExtrinsic(overlay: Overlay, bytes: Uint8Array): ApplyExtrinsicResult {
    return this.run(overlay, () => {
      overlay.startTransaction();
      try {
        const outcome = this.apply(bytes);
        overlay.commitTransaction();
        return { success: true, value: outcome === undefined ? { success: true, value: undefined } : { success: false, value: outcome } };
      } catch (error) {
        overlay.rollbackTransaction();
        if (error instanceof TransactionInvalid) return { success: false, value: error.validity };
        throw error;
      } finally {
        this.decodedAhead.delete(bytes);
        this.verifyingAhead.delete(bytes);
      }
    });
  }

  finalizeBlock(overlay: Overlay): void {
    this.run(overlay, () => {
      System.noteFinishedExtrinsics();
      const number = System.Number.get();
      this.onIdle(number);
      for (const { pallet } of this.runtime.pallets) pallet.hooks?.onFinalize?.(number);
      System.finalize(this.runtime.spec.blockHashCount);
    });
  }

  /**
   * TaggedTransactionQueue_validate_transaction: checks `bytes` as the next block on top of
   * `parentHash` would, in a scratch layer that is always rolled back.
   */
  validateTransaction(overlay: Overlay, bytes: Uint8Array, parentHash: Hash): TransactionValidity {
    return this.run(overlay, () => {
      overlay.startTransaction();
      try {
        System.initialize(System.Number.get() + 1, parentHash, { logs: [] });
        const checked = this.check(bytes);
        if (checked.info.class.type === 'Mandatory') throw invalid('MandatoryValidation');
        if (!checked.signer) throw new TransactionInvalid({ type: 'Unknown', value: { type: 'NoUnsignedValidator' } });
        const ctx: TransactionContext = { who: checked.signer.signer, call: checked.call, info: checked.info, len: checked.len };
        const extensions = this.runtime.spec.extensions;
        const extra = checked.signer.extra;
        return { success: true, value: combineValidity(extensions.map((e, i) => e.validate?.(ctx, extra[i]) ?? {})) };
      } catch (error) {
        if (error instanceof TransactionInvalid) return { success: false, value: error.validity };
        throw error;
      } finally {
        overlay.rollbackTransaction();
      }
    });
  }

  /**
   * The payloads the signed ones among `extrinsics` must cover, computed as applying them in a
   * block `number` on `parentHash` will (the additional signed data does not change within a
   * block), in a layer that is rolled back: for verifying a block's signatures ahead, in parallel.
   * `between`: the blocks after the overlay's head and before `number`, not executed yet, whose
   * hashes mortal transactions may have signed (each block's parent hash names its parent's).
   */
  signedPayloads(overlay: Overlay, number: number, parentHash: Hash, extrinsics: readonly Uint8Array[],
    between: readonly { number: number; hash: Hash }[] = []): SignedAhead[] {
    return this.run(overlay, () => {
      overlay.startTransaction();
      try {
        for (const block of between) System.BlockHash.insert(block.number, block.hash);
        System.initialize(number, parentHash, { logs: [] });
        return extrinsics.flatMap((bytes) => {
          try {
            const { signer } = this.prepare(bytes);
            return signer ? [{ signature: signer.signature, payload: signer.payload, signer: signer.signer, extrinsic: bytes }] : [];
          } catch {
            return []; // refused anyway when applied, with its reason
          }
        });
      } finally {
        overlay.rollbackTransaction();
      }
    });
  }

  /** Decodes and builds the signed payload: what Substrate's `Checkable::check` does before verifying. */
  private prepare(bytes: Uint8Array): Prepared {
    const xt = this.decodeExtrinsic(bytes);
    const info = this.runtime.extrinsicDispatchInfo(xt.call, xt.signature?.signature, bytes.length);
    if (!xt.signature) return { call: xt.call, info, len: bytes.length };
    const { address, signature, extra } = xt.signature;
    if (address.type !== 'Id') throw new TransactionInvalid({ type: 'Unknown', value: { type: 'CannotLookup' } });
    const extensions = this.runtime.spec.extensions;
    const additional = u8aConcat(...extensions.map((e, i) => e.additionalType.enc(e.additional(extra[i]))));
    const payload = signingPayload(xt.callBytes, xt.extraBytes as Uint8Array, additional);
    return { call: xt.call, info, len: bytes.length, signer: { signature, payload, signer: address.value, extra } };
  }

  /** `Checkable::check`: decoded, and the signature verified (or known to verify). */
  private check(bytes: Uint8Array): Prepared {
    const prepared = this.prepare(bytes);
    const { signer } = prepared;
    const ahead = this.verifyingAhead.get(bytes);
    if (signer && ahead && sameCheck(ahead, signer)) {
      if (!ahead.verdict()) throw invalid('BadProof');
    } else if (signer) {
      const key = verdictKey(signer);
      if (!this.verified.has(key)) {
        if (!this.verifySignature(signer.signature, signer.payload, signer.signer)) throw invalid('BadProof');
        this.remember(key);
      }
    }
    return prepared;
  }

  private remember(key: string): void {
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    this.verified.add(key);
  }

  /** Applies a checked extrinsic; returns the call's dispatch error, if any. Throws TransactionInvalid to refuse. */
  private apply(bytes: Uint8Array): DispatchError | undefined {
    const { call, info, len, signer } = this.check(bytes);
    const limits = this.runtime.spec.limits;
    if (!signer) {
      // Only inherents come unsigned: a Mandatory call with no origin, as Timestamp.set.
      const def = this.runtime.callDef(call);
      if (def.origin !== 'none' || info.class.type !== 'Mandatory') {
        throw new TransactionInvalid({ type: 'Unknown', value: { type: 'NoUnsignedValidator' } });
      }
      accountExtrinsic(limits, info, len);
      const outcome = this.runtime.dispatch(NoneOrigin, call);
      if (outcome.error) throw invalid('BadMandatory');
      const actualWeight = minWeight(outcome.post.actualWeight ?? info.weight, info.weight);
      refundUnusedWeight(info, actualWeight);
      noteApplied(info, actualWeight, info.pays_fee.type === 'Yes' && outcome.post.paysFee !== false, undefined);
      return undefined;
    }
    const extensions = this.runtime.spec.extensions;
    const ctx: TransactionContext = { who: signer.signer, call, info, len };
    const pre = extensions.map((e, i) => e.preDispatch?.(ctx, signer.extra[i]));
    const outcome = this.runtime.dispatch(signed(signer.signer), call);
    // A call reporting what it used reports its own part: the signature check was spent regardless.
    const reported = outcome.post.actualWeight && addWeight(outcome.post.actualWeight, subWeight(info.weight, this.runtime.dispatchInfo(call).weight));
    const actualWeight = minWeight(reported ?? info.weight, info.weight);
    const paysFee = info.pays_fee.type === 'Yes' && outcome.post.paysFee !== false;
    const post = { ...ctx, actualWeight, paysFee, result: outcome.error };
    extensions.forEach((e, i) => e.postDispatch?.(pre[i], post));
    noteApplied(info, actualWeight, paysFee, outcome.error);
    runtimeLog('debug', 'runtime::executive', () => `${call.type}.${call.value.type} from ${signer.signer}: `
      + `${outcome.error === undefined ? 'Ok' : `Err(${JSON.stringify(outcome.error, (_, v: unknown) => typeof v === 'bigint' ? v.toString() : v)})`}, weight ${actualWeight.ref_time}`);
    return outcome.error;
  }

  /** on_idle for each pallet, starting at `block % count` as frame-support's tuple rotation does. */
  private onIdle(block: number): void {
    const limits = this.runtime.spec.limits.blockWeights;
    const consumed = System.BlockWeight.get();
    let remaining = subWeight(limits.max_block, addWeight(addWeight(consumed.normal, consumed.operational), consumed.mandatory));
    if (remaining.ref_time === 0n || remaining.proof_size === 0n) return;
    const pallets = this.runtime.pallets;
    let used: Weight = ZERO_WEIGHT;
    for (let k = 0; k < pallets.length; k++) {
      const hook = pallets[(block + k) % pallets.length].pallet.hooks?.onIdle;
      if (!hook) continue;
      const spent = hook(block, remaining);
      used = addWeight(used, spent);
      remaining = subWeight(remaining, spent);
      if (!weightFits({ ref_time: 1n, proof_size: 1n }, remaining)) break;
    }
    registerMandatoryWeight(used);
  }
}

function registerMandatoryWeight(weight: Weight): void {
  System.BlockWeight.mutate((consumed) => ({ ...consumed, mandatory: addWeight(consumed.mandatory, weight) }));
}

/** System's note_applied_extrinsic: ExtrinsicSuccess / ExtrinsicFailed with the actual DispatchInfo. */
function noteApplied(info: DispatchInfo, actualWeight: Weight, paysFee: boolean, error: DispatchError | undefined): void {
  const dispatchInfo: DispatchInfo = { weight: actualWeight, class: info.class, pays_fee: { type: paysFee ? 'Yes' : 'No' } };
  System.SystemEvents.deposit(error === undefined
    ? { type: 'ExtrinsicSuccess', value: { dispatch_info: dispatchInfo } }
    : { type: 'ExtrinsicFailed', value: { dispatch_error: error, dispatch_info: dispatchInfo } });
  System.noteAppliedExtrinsic();
}
