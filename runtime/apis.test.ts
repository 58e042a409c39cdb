// Runtime APIs through callRuntimeApi, as state_call reaches them: encoded inputs in, encoded output
// out, at one block's state, which no call changes.
import { Keyring } from '@polkadot/keyring';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { Option, Vec, u32, u64 } from '../primitives/scale.ts';
import { AccountId32, H256, Header, Nonce, TransactionSource, TransactionValidity } from '../primitives/types.ts';
import { accountOf, signExtrinsic } from '../node/signer.ts';
import { RuntimeVersion } from '../frame/system/types.ts';
import { Now, Timestamp, nextTimestamp } from '../pallets/timestamp/index.ts';
import { ApiCallError, ApplyExtrinsicResult, ExtrinsicInclusionMode, InherentData, OpaqueMetadata, TIMESTAMP_INHERENT, callRuntimeApi, type ApiContext } from '../frame/apis.ts';
import { loadChainSpec, genesisOf } from '../genesis/spec.ts';
import { BlockBuilder, commitChanges, revertChanges } from '../frame/block.ts';
import { buildMetadata } from '../frame/metadata.ts';
import { Overlay } from '../frame/overlay.ts';
import { RUNTIME_APIS, System, VERSION, executive, runtime } from './runtime.ts';

const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
/** The dev spec's genesis time, where Alice is funded. */
const GENESIS_TIME = 1_767_225_600_000n;

function chainWithBlock() {
  const genesis = genesisOf(executive, loadChainSpec('dev'));
  const builder = new BlockBuilder(executive, genesis.state, { hash: genesis.hash, number: 0 }, { timestamp: nextTimestamp(GENESIS_TIME) });
  const built = builder.build();
  const ctx: ApiContext = { executive, state: genesis.state, at: { hash: built.hash, number: 1 }, apis: RUNTIME_APIS };
  const sign = (nonce: number) => signExtrinsic(runtime, alice, System.tx.remark_with_event({ remark: new Uint8Array([1]) }), {
    nonce, genesisHash: genesis.hash, specVersion: VERSION.spec_version, transactionVersion: VERSION.transaction_version,
  });
  return { genesis, built, ctx, sign, root: () => u8aToHex(genesis.state.root()) };
}

describe('runtime APIs', () => {
  it('Core_version and the Metadata API answer what the runtime declares', () => {
    const { ctx } = chainWithBlock();
    expect(RuntimeVersion.dec(callRuntimeApi(ctx, 'Core_version', new Uint8Array()))).toEqual(VERSION);
    expect(Vec(u32).dec(callRuntimeApi(ctx, 'Metadata_metadata_versions', new Uint8Array()))).toEqual([14, 15]);
    expect(OpaqueMetadata.dec(callRuntimeApi(ctx, 'Metadata_metadata', new Uint8Array()))).toEqual(buildMetadata(runtime, RUNTIME_APIS, 14));
    expect(Option(OpaqueMetadata).dec(callRuntimeApi(ctx, 'Metadata_metadata_at_version', u32.enc(15)))).toEqual(buildMetadata(runtime, RUNTIME_APIS, 15));
    expect(Option(OpaqueMetadata).dec(callRuntimeApi(ctx, 'Metadata_metadata_at_version', u32.enc(16)))).toBeUndefined();
  });

  it('validates, applies and nonces at the block\'s state and keeps none of the writes', () => {
    const { ctx, sign, root } = chainWithBlock();
    const before = root();
    const who = AccountId32.enc(accountOf(alice));
    const validity = TransactionValidity.dec(callRuntimeApi(ctx, 'TaggedTransactionQueue_validate_transaction',
      u8aConcat(TransactionSource.enc({ type: 'External' }), sign(0), H256.enc(ctx.at.hash))));
    expect(validity.success).toBe(true);
    const init = callRuntimeApi(ctx, 'Core_initialize_block', Header.enc({
      parent_hash: ctx.at.hash, number: 2, state_root: ctx.at.hash, extrinsics_root: ctx.at.hash, digest: { logs: [] },
    }));
    expect(ExtrinsicInclusionMode.dec(init)).toEqual({ type: 'AllExtrinsics' });
    expect(ApplyExtrinsicResult.dec(callRuntimeApi(ctx, 'BlockBuilder_apply_extrinsic', sign(0))))
      .toEqual({ success: true, value: { success: true, value: undefined } });
    expect(ApplyExtrinsicResult.dec(callRuntimeApi(ctx, 'BlockBuilder_apply_extrinsic', sign(5))))
      .toEqual({ success: false, value: { type: 'Invalid', value: { type: 'Future' } } });
    expect(Nonce.dec(callRuntimeApi(ctx, 'AccountNonceApi_account_nonce', who))).toBe(0);
    expect(root()).toBe(before);
  });

  it('re-executes a block without changing the state; a runtime panic is refused', () => {
    const { ctx, built, genesis, root } = chainWithBlock();
    const after = root();
    // Core_execute_block at genesis: the state must be the parent's, so step back to it.
    const parentCtx = { ...ctx, at: { hash: genesis.hash, number: 0 } };
    revertChanges(genesis.state, built.undo);
    const parentRoot = root();
    expect(callRuntimeApi(parentCtx, 'Core_execute_block', runtime.Block.enc(built.block))).toEqual(new Uint8Array());
    expect(root()).toBe(parentRoot);
    commitChanges(genesis.state, built.changes);
    expect(root()).toBe(after);
    // A finalized block's state has no block in progress: finalizing it again traps, as in Substrate.
    expect(() => callRuntimeApi(ctx, 'BlockBuilder_finalize_block', new Uint8Array()))
      .toThrow(new ApiCallError('Runtime panicked: Timestamp must be updated once in the block'));
    expect(root()).toBe(after);
  });

  it('makes the timestamp inherent from inherent data', () => {
    const { ctx } = chainWithBlock();
    const data = InherentData.enc({ data: [[TIMESTAMP_INHERENT, u64.enc(1_767_225_612_000n)]] });
    const [inherent] = Vec(runtime.UncheckedExtrinsic).dec(callRuntimeApi(ctx, 'BlockBuilder_inherent_extrinsics', data));
    expect(runtime.extrinsic.dec(inherent).call).toEqual(Timestamp.tx.set({ now: 1_767_225_612_000n }));
    expect(executive.run(new Overlay(ctx.state), () => Now.get())).toBe(nextTimestamp(GENESIS_TIME));
  });

  it('refuses an unknown method and input that does not decode, naming them', () => {
    const { ctx } = chainWithBlock();
    expect(() => callRuntimeApi(ctx, 'Core_versions', new Uint8Array())).toThrow(new ApiCallError('Exported method Core_versions is not found'));
    expect(() => callRuntimeApi(ctx, 'AccountNonceApi_account_nonce', new Uint8Array([1, 2])))
      .toThrow(/^Could not decode the input of AccountNonceApi_account_nonce: /);
    expect(() => callRuntimeApi(ctx, 'Core_version', new Uint8Array([0]))).toThrow(/trailing byte/);
  });
});
