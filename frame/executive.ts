// frame_executive: initialize a block (System, then on_initialize in pallet order), apply
// extrinsics (signature, signed extensions, dispatch in a storage layer, events), finalize
// (on_idle with the weight left, on_finalize), and validate transactions for the pool.
import { u8aConcat } from '@polkadot/util';
import { verify } from '../primitives/crypto.ts';
import { signingPayload } from '../primitives/extrinsic.ts';
import type {
  AccountId, Digest, DispatchError, Hash, MultiSignature, TransactionValidity, TransactionValidityError, Weight,
} from '../primitives/types.ts';
import { accountExtrinsic, refundUnusedWeight } from './system/extensions.ts';
import * as System from './system/index.ts';
import type { Runtime } from './construct.ts';
import { NoneOrigin, ZERO_WEIGHT, addWeight, minWeight, signed, subWeight, weightFits, type DispatchInfo } from './dispatch.ts';
import { TransactionInvalid, combineValidity, invalid, type PostDispatchContext, type TransactionContext } from './extensions.ts';
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

// Twice the pool's ready and future limits: a transaction the pool verified is still known when a block includes it.
const VERIFIED_CACHE_SIZE = 1 << 14;
// Buffer.compare, not @polkadot/util's u8aEq: that builds two DataViews per call, and moves a small array out of V8's heap.
const sameCheck = (a: SignedPayload, b: SignedPayload) => a.signer === b.signer && a.signature.type === b.signature.type
  && a.signature.value === b.signature.value && Buffer.compare(a.payload, b.payload) === 0;

export class Executive {
  /**
   * Signatures known to verify, as exact (signature, payload, signer) triples, by signature: the
   * pool validates a transaction and the block that includes it checks it again with the same
   * payload, and block import verifies a block's signatures ahead on every core. A signature found
   * here counts only for the same payload and signer (`sameCheck`): looking it up hashes nothing.
   * Nothing that failed is kept.
   */
  private readonly verified = new Map<string, SignedPayload>();
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
  /** The last additional signed data encoded, with the values it encodes (`additionalSigned`). */
  private lastAdditional: { values: unknown[]; bytes: Uint8Array } | undefined;

  constructor(readonly runtime: Runtime, private readonly verifySignature: SignatureCheck = (s, p, w) => verify(s, p, w)) {}

  /** Records signatures verified elsewhere (the SignaturePool's workers). */
  noteVerified(checks: readonly SignedPayload[]): void {
    for (const check of checks) this.remember(check);
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
    const payload = signingPayload(xt.callBytes, xt.extraBytes as Uint8Array, this.additionalSigned(extra));
    return { call: xt.call, info, len: bytes.length, signer: { signature, payload, signer: address.value, extra } };
  }

  /**
   * The extensions' additional signed data for `extra`, encoded. It is the same for every
   * transaction of a block but a mortal one born elsewhere, so the last encoding is reused while
   * the values are the same.
   */
  private additionalSigned(extra: readonly unknown[]): Uint8Array {
    const values = this.runtime.spec.extensions.map((e, i) => e.additional(extra[i]));
    const last = this.lastAdditional;
    if (last && values.every((value, i) => value === last.values[i])) return last.bytes;
    const bytes = u8aConcat(...this.runtime.spec.extensions.map((e, i) => e.additionalType.enc(values[i])));
    this.lastAdditional = { values, bytes };
    return bytes;
  }

  /** `Checkable::check`: decoded, and the signature verified (or known to verify). */
  private check(bytes: Uint8Array): Prepared {
    const prepared = this.prepare(bytes);
    const { signer } = prepared;
    const ahead = this.verifyingAhead.get(bytes);
    if (signer && ahead && sameCheck(ahead, signer)) {
      if (!ahead.verdict()) throw invalid('BadProof');
    } else if (signer) {
      const known = this.verified.get(signer.signature.value);
      if (!known || !sameCheck(known, signer)) {
        if (!this.verifySignature(signer.signature, signer.payload, signer.signer)) throw invalid('BadProof');
        this.remember(signer);
      }
    }
    return prepared;
  }

  private remember({ signature, payload, signer }: SignedPayload): void {
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    this.verified.set(signature.value, { signature, payload, signer });
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
    // A literal, not { ...ctx, actualWeight, ... }: V8 (Node 20) gives an object spread and then
    // extended a new hidden class each time, about 1 us a property (12% of applying a transfer).
    const post: PostDispatchContext = { who: signer.signer, call, info, len, actualWeight, paysFee, result: outcome.error };
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
