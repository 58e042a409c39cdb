// Substrate's UncheckedExtrinsic, version 4: Compact(len) ++ version byte (0x84 signed, 0x04 bare)
// ++ [address ++ signature ++ extra] ++ call. The signing payload is call ++ extra ++ additional
// signed data, blake2_256-hashed when longer than 256 bytes.
import { compactNumber } from '@polkadot-api/substrate-bindings';
import { u8aConcat } from '@polkadot/util';
import { blake2_256 } from './hashing.ts';
import { Bytes, Newtype, ScaleError, decodePrefixes, type AnyType, type Type } from './scale.ts';
import { MultiAddress, MultiSignature } from './types.ts';

export const EXTRINSIC_FORMAT_VERSION = 4;
const SIGNED_BIT = 0x80;

export interface ExtrinsicSignature<Extra> {
  address: MultiAddress;
  signature: MultiSignature;
  extra: Extra;
}

export interface Extrinsic<Call, Extra> {
  signature?: ExtrinsicSignature<Extra>;
  call: Call;
}

/** The payload a signer signs: call ++ extra ++ additional, hashed with blake2_256 when over 256 bytes. */
export function signingPayload(call: Uint8Array, extra: Uint8Array, additional: Uint8Array): Uint8Array {
  const payload = u8aConcat(call, extra, additional);
  return payload.length > 256 ? blake2_256(payload) : payload;
}

export interface ExtrinsicCodec<Call, Extra> {
  /** Encodes with the Compact length prefix, as an extrinsic travels in a block and over RPC. */
  enc(extrinsic: Extrinsic<Call, Extra>): Uint8Array;
  /** Decodes one length-prefixed extrinsic; refuses other versions, trailing bytes and bad parts, naming them. */
  dec(bytes: Uint8Array): Extrinsic<Call, Extra> & { callBytes: Uint8Array; extraBytes?: Uint8Array };
}

export function extrinsicCodec<Call, Extra>(callType: Type<Call>, extraType: Type<Extra>): ExtrinsicCodec<Call, Extra> {
  const fail = (reason: string): never => { throw new ScaleError('UncheckedExtrinsic', reason); };
  return {
    enc({ signature, call }) {
      const parts = signature
        ? [new Uint8Array([EXTRINSIC_FORMAT_VERSION | SIGNED_BIT]), MultiAddress.enc(signature.address),
          MultiSignature.enc(signature.signature), extraType.enc(signature.extra), callType.enc(call)]
        : [new Uint8Array([EXTRINSIC_FORMAT_VERSION]), callType.enc(call)];
      return Bytes.enc(u8aConcat(...parts));
    },
    dec(bytes) {
      const body = Bytes.dec(bytes);
      if (body.length === 0) fail('empty extrinsic');
      const version = body[0];
      if ((version & 0x7f) !== EXTRINSIC_FORMAT_VERSION) fail(`unsupported extrinsic version ${version & 0x7f}`);
      if (!(version & SIGNED_BIT)) {
        const callBytes = body.subarray(1);
        return { call: callType.dec(callBytes), callBytes };
      }
      // Signed: address, signature and extra are self-delimiting; read each, then the call is the rest.
      const { values: [address, signature, extra], ends: [, extraStart, callStart] } = decodePrefixes([MultiAddress, MultiSignature, extraType], body.subarray(1));
      const extraBytes = body.subarray(1 + extraStart, 1 + callStart);
      const callBytes = body.subarray(1 + callStart);
      return { signature: { address: address as MultiAddress, signature: signature as MultiSignature, extra: extra as Extra }, call: callType.dec(callBytes), callBytes, extraBytes };
    },
  };
}

/** `OpaqueExtrinsic` / the extrinsic type's metadata shape: scale-info describes it as an opaque Vec<u8>. */
export function uncheckedExtrinsicType(params: { address: AnyType; call: AnyType; signature: AnyType; extra: AnyType }): Type<Uint8Array> {
  return Newtype('sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic', Bytes, {
    params: [
      { name: 'Address', type: params.address },
      { name: 'Call', type: params.call },
      { name: 'Signature', type: params.signature },
      { name: 'Extra', type: params.extra },
    ],
  });
}

/** The length in bytes of an encoded extrinsic's Compact prefix plus body, from its bytes. */
export function extrinsicLength(bytes: Uint8Array): number {
  const len = compactNumber.dec(bytes);
  return compactNumber.enc(len).length + len;
}
