// The signing side: builds v4 signed extrinsics with @polkadot/keyring pairs (sr25519, ed25519,
// ecdsa). Like polkadot.js, it knows what each signed extension carries explicitly (era, nonce,
// tip) and implicitly (spec and transaction versions, genesis hash, the era's birth block hash).
import type { KeyringPair } from '@polkadot/keyring/types';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { signingPayload } from '../primitives/extrinsic.ts';
import type { HexString } from '../primitives/scale.ts';
import type { AccountId, Era, Hash, MultiSignature } from '../primitives/types.ts';
import type { Runtime } from '../frame/construct.ts';
import type { RuntimeCallValue } from '../frame/pallet.ts';

export interface SigningOptions {
  nonce: number;
  /** Immortal by default. */
  era?: Era;
  /** Hash of the era's birth block; the genesis hash for an immortal era. */
  eraBlockHash?: Hash;
  tip?: bigint;
  genesisHash: Hash;
  specVersion: number;
  transactionVersion: number;
}

/** What the signed extensions carry explicitly in the extrinsic, by identifier. */
const explicit: Record<string, (o: SigningOptions) => unknown> = {
  CheckMortality: (o) => o.era ?? { type: 'Immortal' },
  CheckNonce: (o) => o.nonce,
  ChargeTransactionPayment: (o) => o.tip ?? 0n,
};

/** What they sign without sending. */
const implicit: Record<string, (o: SigningOptions) => unknown> = {
  CheckSpecVersion: (o) => o.specVersion,
  CheckTxVersion: (o) => o.transactionVersion,
  CheckGenesis: (o) => o.genesisHash,
  CheckMortality: (o) => o.eraBlockHash ?? o.genesisHash,
};

const signatureKind = { sr25519: 'Sr25519', ed25519: 'Ed25519', ecdsa: 'Ecdsa', ethereum: undefined } as const;

/** What signing needs of a key pair: a @polkadot/keyring pair, or a deterministic dev pair (node/keys.ts). */
export type SigningPair = Pick<KeyringPair, 'type' | 'address' | 'addressRaw' | 'sign'>;

/** The AccountId32 of a pair: its public key, or blake2_256 of the compressed key for ecdsa. */
export const accountOf = (pair: SigningPair): AccountId => u8aToHex(pair.addressRaw) as AccountId;

/** The explicit `extra` tuple and the signing payload of a transaction, as the runtime will rebuild them. */
export function payloadParts(runtime: Runtime, call: RuntimeCallValue, opts: SigningOptions): { extra: unknown[]; payload: Uint8Array } {
  const extensions = runtime.spec.extensions;
  const extra = extensions.map((e) => explicit[e.identifier]?.(opts) ?? {});
  const additional = u8aConcat(...extensions.map((e) => e.additionalType.enc(implicit[e.identifier]?.(opts))));
  const payload = signingPayload(runtime.RuntimeCall.enc(call), runtime.Extra.enc(extra), additional);
  return { extra, payload };
}

/** Signs `call` with `pair` and returns the encoded extrinsic (Compact length prefix included). */
export function signExtrinsic(runtime: Runtime, pair: SigningPair, call: RuntimeCallValue, opts: SigningOptions): Uint8Array {
  const kind = signatureKind[pair.type];
  if (!kind) throw new Error(`cannot sign with a ${pair.type} key: this chain takes sr25519, ed25519 and ecdsa`);
  const { extra, payload } = payloadParts(runtime, call, opts);
  const signature = { type: kind, value: u8aToHex(pair.sign(payload)) as HexString } as MultiSignature;
  return runtime.extrinsic.enc({ call, signature: { address: { type: 'Id', value: accountOf(pair) }, signature, extra } });
}

/** An unsigned extrinsic (inherents). */
export const bareExtrinsic = (runtime: Runtime, call: RuntimeCallValue): Uint8Array => runtime.extrinsic.enc({ call });
