// The signing side against polkadot.js: the v4 payload @polkadot/types builds (ExtrinsicPayload)
// is byte for byte ours, and what polkadot.js signs the runtime accepts — for sr25519, ed25519 and
// ecdsa, and for payloads over 256 bytes (signed as their blake2_256 hash).
import { Keyring } from '@polkadot/keyring';
import { TypeRegistry } from '@polkadot/types';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { mortalEra, type MultiSignature } from '../primitives/types.ts';
import { TestChain } from '../node/harness.ts';
import { accountOf, payloadParts, type SigningOptions } from '../node/signer.ts';
import { Balances } from '../pallets/balances/index.ts';
import { System, runtime } from '../runtime/runtime.ts';
import type { RuntimeCallValue } from '../frame/pallet.ts';

const registry = new TypeRegistry();
registry.setSignedExtensions(runtime.spec.extensions.map((e) => e.identifier));

describe('signing with @polkadot/types', () => {
  const chain = new TestChain();
  chain.runTo(3);
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
  const head = chain.head;

  function polkadotPayload(call: RuntimeCallValue, opts: SigningOptions) {
    return registry.createType('ExtrinsicPayload', {
      method: u8aToHex(runtime.RuntimeCall.enc(call)),
      era: opts.era?.type === 'Mortal' ? registry.createType('ExtrinsicEra', { current: head.number, period: opts.era.period }) : '0x00',
      nonce: opts.nonce,
      tip: opts.tip ?? 0n,
      specVersion: opts.specVersion,
      transactionVersion: opts.transactionVersion,
      genesisHash: opts.genesisHash,
      blockHash: opts.eraBlockHash ?? opts.genesisHash,
    }, { version: 4 });
  }

  const transfer = Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(alice) }, value: 123_456_789n });
  const bigRemark = System.tx.remark({ remark: new Uint8Array(300).fill(7) });

  it.each([
    ['a transfer, immortal', transfer, {}],
    ['a transfer, mortal with a tip', transfer, { era: mortalEra(64, 3), eraBlockHash: head.hash, tip: 1_000n }],
    ['a payload over 256 bytes', bigRemark, {}],
  ] as const)('builds the same payload as ExtrinsicPayload: %s', (_, call, extra) => {
    const opts: SigningOptions = { nonce: 7, genesisHash: chain.chain.genesisHash, specVersion: runtime.version.spec_version, transactionVersion: runtime.version.transaction_version, ...extra };
    const theirs = polkadotPayload(call, opts).toU8a({ method: true });
    const { payload } = payloadParts(runtime, call, opts);
    // Ours is what gets signed: blake2_256 of the payload when it is longer than 256 bytes.
    expect(theirs.length > 256 ? payload.length : u8aToHex(payload)).toEqual(theirs.length > 256 ? 32 : u8aToHex(theirs));
  });

  it.each(['sr25519', 'ed25519', 'ecdsa'] as const)('applies what polkadot.js signs with an %s key', (type) => {
    const local = new TestChain();
    const pair = new Keyring({ type }).addFromUri('//PolkadotJsSigner');
    local.apply(local.accounts.alice, Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(pair) }, value: 10n ** 13n }));
    for (const [nonce, call] of [transfer, bigRemark].entries()) {
      const opts: SigningOptions = { nonce, genesisHash: local.chain.genesisHash, specVersion: runtime.version.spec_version, transactionVersion: runtime.version.transaction_version };
      const payload = polkadotPayload(call, opts);
      const { signature } = payload.sign(pair);
      const multi = { type: type === 'sr25519' ? 'Sr25519' : type === 'ed25519' ? 'Ed25519' : 'Ecdsa', value: u8aToHex(hexToU8a(signature).subarray(1)) } as MultiSignature;
      const extrinsic = runtime.extrinsic.enc({
        call,
        signature: { address: { type: 'Id', value: accountOf(pair) }, signature: multi, extra: payloadParts(runtime, call, opts).extra },
      });
      local.submitExtrinsic(extrinsic);
      const [report] = local.newBlock().extrinsics;
      expect([report.refused, report.error, report.included]).toEqual([undefined, undefined, true]);
    }
  });
});
