// The block format: header ++ Vec<extrinsic>, each extrinsic carried whole (length prefix included).
import { u8aToHex } from '@polkadot/util';
import { Timestamp } from '../pallets/timestamp/index.ts';
import { Block } from '../frame/block.ts';
import { runtime } from './runtime.ts';

describe('the block format', () => {
  it('decodes what it encodes, extrinsics and all', () => {
    const extrinsics = [runtime.extrinsic.enc({ call: Timestamp.tx.set({ now: 5n }) }), runtime.extrinsic.enc({ call: Timestamp.tx.set({ now: 1n << 40n }) })];
    const block: Block = {
      header: { parent_hash: `0x${'11'.repeat(32)}`, number: 7, state_root: `0x${'22'.repeat(32)}`, extrinsics_root: `0x${'33'.repeat(32)}`, digest: { logs: [] } },
      extrinsics,
    };
    const decoded = Block.dec(Block.enc(block));
    expect(decoded.header).toEqual(block.header);
    expect(decoded.extrinsics.map((xt) => u8aToHex(xt))).toEqual(extrinsics.map((xt) => u8aToHex(xt)));
    expect(u8aToHex(runtime.Block.enc(decoded))).toBe(u8aToHex(Block.enc(block)));
  });
});
