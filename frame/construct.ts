// construct_runtime: orders the pallets, builds the outer RuntimeCall / RuntimeEvent / RuntimeError
// enums and the extrinsic format, and dispatches calls to their pallets in a storage layer.
import { extrinsicCodec, uncheckedExtrinsicType, type ExtrinsicCodec } from '../primitives/extrinsic.ts';
import { Enum, Struct, Tuple, Vec, declare, lazy, u8, type AnyType, type Type } from '../primitives/scale.ts';
import { Header, MultiAddress, MultiSignature, type DispatchError, type Hash, type ModuleError, type Weight } from '../primitives/types.ts';
import { EVENTS_KEY, depositEventRecord } from './system/index.ts';
import { OpaqueExtrinsic, type Block } from './block.ts';
import type { WeightLimits } from './system/extensions.ts';
import { EventRecord, type EventRecord as EventRecordValue, type RuntimeVersion } from './system/types.ts';
import { DispatchErrors, DispatchFailure, addWeight, type DispatchInfo, type Origin, type PostDispatchInfo } from './dispatch.ts';
import { apiVersions, type RuntimeApi, type RuntimeTypes } from './runtime-api.ts';
import type { AnyExtension } from './extensions.ts';
import { storage, type RuntimeContext } from './externalities.ts';
import { TransactionalLimitReached } from './overlay.ts';
import type { AnyPallet, CallDef, RuntimeCallValue } from './pallet.ts';

export interface RuntimeSpec {
  /** The runtime crate, for the outer enums' paths: `<name>::RuntimeCall`. */
  name: string;
  /** Pallets with their indices, in hook order. */
  pallets: readonly (readonly [index: number, pallet: AnyPallet])[];
  /** Signed extensions, in the order their data appears in an extrinsic. */
  extensions: readonly AnyExtension[];
  /** The version; its `apis` are derived from the runtime's APIs. */
  version: Omit<RuntimeVersion, 'apis'>;
  limits: WeightLimits;
  blockHashCount: number;
  /** Builds the unsigned inherent extrinsics' calls for a block (the timestamp). */
  inherents: (data: InherentData) => RuntimeCallValue[];
  /** The runtime's own APIs (the standard ones, frame/apis.ts), listed before the pallets' APIs. */
  apis?: (types: RuntimeTypes) => readonly RuntimeApi[];
  /**
   * The benchmarked cost of verifying a signature of each scheme, added to a signed extrinsic's
   * weight: the schemes differ by an order of magnitude, and each signer pays for its own.
   */
  signatureWeights?: Readonly<Record<MultiSignature['type'], Weight>>;
  /**
   * The benchmarked cost of each byte of an extrinsic, added to its weight: decoding it, hashing
   * its signed payload and the block's extrinsics root over it. A call's own benchmark cannot see
   * these (a remark of 3.5 MB does nothing as a call and costs a block tens of milliseconds).
   */
  extrinsicByteWeight?: Weight;
}

export interface InherentData {
  /** Milliseconds since the Unix epoch. */
  timestamp: bigint;
}

/** An event of the runtime: `{ type: <pallet>, value: { type: <event>, value: <fields> } }`. */
export interface RuntimeEventValue { type: string; value: { type: string; value?: unknown } }

export interface DispatchOutcome {
  /** Undefined when the call succeeded. */
  error?: DispatchError;
  post: PostDispatchInfo;
}

export interface PalletEntry { index: number; pallet: AnyPallet }

export class Runtime implements RuntimeContext {
  readonly RuntimeCall: Type<RuntimeCallValue>;
  readonly RuntimeEvent: Type<RuntimeEventValue>;
  readonly RuntimeError: Type<{ type: string; value: { type: string } }>;
  /** System.Events' value: Vec<EventRecord<RuntimeEvent, Hash>>. */
  readonly EventRecords: Type<EventRecordValue<RuntimeEventValue>[]>;
  /** The extensions' explicit data, as a tuple in extension order. */
  readonly Extra: Type<unknown[]>;
  readonly extrinsic: ExtrinsicCodec<RuntimeCallValue, unknown[]>;
  /**
   * The runtime's `UncheckedExtrinsic<Address, Call, Signature, Extra>` as metadata and runtime APIs
   * name it; its value is the whole encoding (length prefix included), as an extrinsic travels.
   */
  readonly UncheckedExtrinsic: Type<Uint8Array>;
  /** `Block<Header, UncheckedExtrinsic>`, the type Core_execute_block takes. */
  readonly Block: Type<Block>;
  readonly pallets: readonly PalletEntry[];
  /** The runtime APIs state_call reaches (impl_runtime_apis): the runtime's own, then each pallet's in pallet order. */
  readonly apis: readonly RuntimeApi[];
  readonly version: RuntimeVersion;
  private readonly byName = new Map<string, PalletEntry>();
  private readonly byIndex = new Map<number, PalletEntry>();
  /** Each pallet's index encoded, as a RuntimeEvent starts with it. */
  private readonly eventPrefixes = new Map<string, Uint8Array>();

  constructor(readonly spec: RuntimeSpec) {
    this.pallets = spec.pallets.map(([index, pallet]) => ({ index, pallet }));
    for (const entry of this.pallets) {
      if (this.byName.has(entry.pallet.name) || this.byIndex.has(entry.index)) {
        throw new Error(`construct_runtime: pallet ${entry.pallet.name} at index ${entry.index} is declared twice`);
      }
      this.byName.set(entry.pallet.name, entry);
      this.byIndex.set(entry.index, entry);
      this.eventPrefixes.set(entry.pallet.name, u8.enc(entry.index));
    }
    const outer = (kind: string, pick: (p: AnyPallet) => AnyType | undefined) => Enum(`${spec.name}::${kind}`,
      Object.fromEntries(this.pallets.flatMap(({ index, pallet }) => {
        const type = pick(pallet);
        return type ? [[pallet.name, [index, type] as const]] : [];
      })));
    this.RuntimeCall = outer('RuntimeCall', (p) => p.callType) as unknown as Type<RuntimeCallValue>;
    this.RuntimeEvent = outer('RuntimeEvent', (p) => p.events?.type) as unknown as Runtime['RuntimeEvent'];
    this.RuntimeError = outer('RuntimeError', (p) => p.errors?.$type) as unknown as Runtime['RuntimeError'];
    this.EventRecords = Vec(EventRecord(this.RuntimeEvent)) as unknown as Runtime['EventRecords'];
    this.Extra = Tuple(...spec.extensions.map((e) => e.extra)) as unknown as Type<unknown[]>;
    this.extrinsic = extrinsicCodec(this.RuntimeCall, this.Extra);
    this.UncheckedExtrinsic = declare(OpaqueExtrinsic.codec,
      uncheckedExtrinsicType({ address: MultiAddress, call: this.RuntimeCall, signature: MultiSignature, extra: this.Extra }).info,
      { typeName: 'UncheckedExtrinsic' });
    this.Block = Struct('sp_runtime::generic::block::Block', { header: Header, extrinsics: Vec(this.UncheckedExtrinsic) },
      { params: [{ name: 'Header', type: Header }, { name: 'Extrinsic', type: this.UncheckedExtrinsic }] });
    const types: RuntimeTypes = { extrinsic: lazy(() => this.UncheckedExtrinsic, 'Extrinsic'), block: lazy(() => this.Block, 'Block') };
    this.apis = [...spec.apis?.(types) ?? [], ...this.pallets.flatMap(({ pallet }) => pallet.apis?.(types) ?? [])];
    this.version = { ...spec.version, apis: apiVersions(this.apis) };
  }

  pallet(name: string): PalletEntry {
    const entry = this.byName.get(name);
    if (!entry) throw new Error(`no pallet ${name} in this runtime`);
    return entry;
  }

  palletIndex = (name: string): number => this.pallet(name).index;

  depositEvent(pallet: string, encodedEvent: Uint8Array, topics: readonly Hash[]): void {
    const prefix = this.eventPrefixes.get(pallet);
    if (!prefix) throw new Error(`no pallet ${pallet} in this runtime`);
    depositEventRecord([prefix, encodedEvent], topics);
  }

  /** System.Events of the block in the current storage, decoded with this runtime's events. */
  events(): EventRecordValue<RuntimeEventValue>[] {
    const raw = storage().get(EVENTS_KEY);
    return raw ? this.EventRecords.dec(raw) : [];
  }

  /** The declaration of a call: its pallet's CallDef. */
  callDef(call: RuntimeCallValue): CallDef {
    const def = this.pallet(call.type).pallet.calls?.[call.value.type];
    if (!def) throw new Error(`no call ${call.type}.${call.value.type}`);
    return def;
  }

  dispatchInfo(call: RuntimeCallValue): DispatchInfo {
    const def = this.callDef(call);
    const args = call.value.value;
    return {
      weight: def.weight(args),
      class: { type: typeof def.class === 'function' ? def.class(args) : def.class ?? 'Normal' },
      pays_fee: { type: def.pays === false ? 'No' : 'Yes' },
    };
  }

  /**
   * An extrinsic's dispatch info: its call's, plus the check of its signature when it has one,
   * plus its `length` in bytes at the extrinsic byte weight.
   */
  extrinsicDispatchInfo(call: RuntimeCallValue, signature: MultiSignature | undefined, length: number): DispatchInfo {
    const info = this.dispatchInfo(call);
    const check = signature && this.spec.signatureWeights?.[signature.type];
    const perByte = this.spec.extrinsicByteWeight;
    let weight = check ? addWeight(info.weight, check) : info.weight;
    if (perByte) weight = addWeight(weight, { ref_time: perByte.ref_time * BigInt(length), proof_size: perByte.proof_size * BigInt(length) });
    return { ...info, weight };
  }

  /** Dispatches `call` as `origin` in its own storage layer: a failure rolls back all the call wrote. */
  dispatch(origin: Origin, call: RuntimeCallValue): DispatchOutcome {
    const def = this.callDef(call);
    try {
      const post = storage().transactional(() => invoke(def, origin, call.value.value));
      return { post: post ?? {} };
    } catch (error) {
      if (error instanceof DispatchFailure) return { error: error.dispatchError(this.palletIndex), post: {} };
      if (error instanceof TransactionalLimitReached) return { error: DispatchErrors.TransactionalLimitReached.dispatchError(this.palletIndex), post: {} };
      throw error;
    }
  }

  /** The pallet, name and docs of a DispatchError::Module, as registry.findMetaError gives them. */
  moduleError(error: ModuleError): { pallet: string; name: string; docs: readonly string[] } | undefined {
    const entry = this.byIndex.get(error.index);
    const index = parseInt(error.error.slice(2, 4), 16);
    const found = entry?.pallet.errors?.$all.find((e) => e.index === index);
    return entry && found ? { pallet: entry.pallet.name, name: found.errorName, docs: found.docs } : undefined;
  }

  /** A readable name for a dispatch error: `Services.NotRegistered`, `BadOrigin`, `Token.FundsUnavailable`. */
  describeError(error: DispatchError): string {
    if (error.type === 'Module') {
      const found = this.moduleError(error.value);
      return found ? `${found.pallet}.${found.name}` : `Module(${error.value.index}, ${error.value.error})`;
    }
    const inner = (error as { value?: { type: string } }).value;
    return inner ? `${error.type}.${inner.type}` : error.type;
  }
}

function invoke(def: CallDef, origin: Origin, args: Record<string, unknown>): void | PostDispatchInfo {
  const body = def.dispatch as (...params: unknown[]) => void | PostDispatchInfo;
  switch (def.origin) {
    case 'any': return body(origin, args);
    case 'signed':
      if (origin.type !== 'Signed') throw DispatchErrors.BadOrigin;
      return body(origin.value, args);
    case 'root':
      if (origin.type !== 'Root') throw DispatchErrors.BadOrigin;
      return body(args);
    case 'none':
      if (origin.type !== 'None') throw DispatchErrors.BadOrigin;
      return body(args);
  }
}

export const constructRuntime = (spec: RuntimeSpec): Runtime => new Runtime(spec);
