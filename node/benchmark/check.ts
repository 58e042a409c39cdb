// `benchmark check`: blocks filled with one kind of transaction, built on the dev chain and taken
// back, each reported as its measured execution time over the weight the block declared
// (System.BlockWeight). A ratio above 1.0 means the weights under-charge; far below, over-charge.
import { blake2_256 } from '../../primitives/hashing.ts';
import type { AccountId } from '../../primitives/types.ts';
import { u8aToHex } from '@polkadot/util';
import type { ChainSpec } from '../../genesis/spec.ts';
import type { RuntimeCallValue } from '../../runtime/pallet.ts';
import { Now, nextTimestamp } from '../../pallets/timestamp/index.ts';
import { Balances, System } from '../../runtime/runtime.ts';
import { BlockWeight, accountNonce } from '../../pallets/system/index.ts';
import { BlockBuilder, revertChanges } from '../../runtime/block.ts';
import { Chain } from '../chain.ts';
import { signExtrinsic, type SigningPair } from '../signer.ts';
import { SCHEMES, schemePair, type Scheme } from './overhead.ts';

const TOKEN = 10n ** 12n;

const accountOf = (pair: SigningPair): AccountId =>
  u8aToHex(pair.type === 'ecdsa' ? blake2_256(pair.addressRaw) : pair.addressRaw) as AccountId;

function sign(chain: Chain, pair: SigningPair, call: RuntimeCallValue, nonce: number): Uint8Array {
  return signExtrinsic(chain.runtime, pair, call, {
    nonce, genesisHash: chain.genesisHash, specVersion: chain.runtime.version.spec_version, transactionVersion: chain.runtime.version.transaction_version,
  });
}

export interface CheckRow { name: string; extrinsics: number; included: number; ms: number; declaredMs: number; ratio: number }

/** Builds a block of `extrinsics` on the head, reads what it declared, and takes it back. */
export function measureBlock(chain: Chain, name: string, extrinsics: readonly Uint8Array[]): CheckRow {
  const start = process.hrtime.bigint();
  const builder = new BlockBuilder(chain.executive, chain.state, chain.head, { timestamp: nextTimestamp(chain.read(() => Now.get())) });
  let included = 0;
  for (const xt of extrinsics) if (builder.push(xt).success) included++;
  const built = builder.build();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const consumed = chain.read(blockWeightOf);
  revertChanges(chain.state, built.undo);
  const declaredMs = Number(consumed) / 1e9;
  return { name, extrinsics: extrinsics.length, included, ms, declaredMs, ratio: ms / declaredMs };
}

function blockWeightOf(): bigint {
  const { normal, operational, mandatory } = BlockWeight.get();
  return normal.ref_time + operational.ref_time + mandatory.ref_time;
}

/** Funds //Alice's ed25519 and ecdsa accounts from the sr25519 one, in a block of their own. */
function fundSchemes(chain: Chain): Record<Scheme, SigningPair> {
  const pairs = Object.fromEntries(SCHEMES.map((s) => [s, schemePair(s)])) as Record<Scheme, SigningPair>;
  const alice = pairs.Sr25519;
  const transfers = (['Ed25519', 'Ecdsa'] as const).map((s, i) =>
    sign(chain, alice, Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(pairs[s]) }, value: 1_000_000n * TOKEN }), i));
  chain.author(transfers);
  return pairs;
}

const nonceOf = (chain: Chain, pair: SigningPair) => chain.read(() => accountNonce(accountOf(pair)));

export function runCheck(spec: ChainSpec): string[] {
  const chain = new Chain(spec);
  const pairs = fundSchemes(chain);
  const remark = System.tx.remark({ remark: new Uint8Array(0) });
  const remarks = (pair: SigningPair, count: number) => {
    const first = nonceOf(chain, pair);
    return Array.from({ length: count }, (_, i) => sign(chain, pair, remark, first + i));
  };
  const rows: CheckRow[] = [];
  rows.push(measureBlock(chain, '450 remarks, 150 per scheme', SCHEMES.flatMap((s) => remarks(pairs[s], 150))));
  for (const s of SCHEMES) rows.push(measureBlock(chain, `450 remarks, ${s}`, remarks(pairs[s], 450)));
  const alice = pairs.Sr25519;
  const first = nonceOf(chain, alice);
  const dest = (i: number) => ({ type: 'Id' as const, value: u8aToHex(blake2_256(new TextEncoder().encode(`check ${i}`))) as AccountId });
  rows.push(measureBlock(chain, 'transfer_keep_alive to new accounts (normal class limit)',
    Array.from({ length: 3000 }, (_, i) => sign(chain, alice, Balances.tx.transfer_keep_alive({ dest: dest(i), value: TOKEN }), first + i))));
  return [
    'block                                                     included   exec ms   declared ms   ratio',
    ...rows.map((r) => `${r.name.padEnd(58)}${String(r.included).padStart(8)}${r.ms.toFixed(1).padStart(10)}${r.declaredMs.toFixed(1).padStart(14)}${r.ratio.toFixed(2).padStart(8)}`),
  ];
}
