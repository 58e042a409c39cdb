// `benchmark check`: blocks filled with one kind of transaction, built on the dev chain and taken
// back, each reported as its measured execution time over the weight the block declared
// (System.BlockWeight). A ratio above 1.0 means the weights under-charge; far below, over-charge.
import { blake2_256 } from '../../primitives/hashing.ts';
import type { AccountId } from '../../primitives/types.ts';
import { u8aToHex } from '@polkadot/util';
import type { ChainSpec } from '../../genesis/spec.ts';
import type { RuntimeCallValue } from '../../frame/pallet.ts';
import { Balances, Sudo } from '../../runtime/runtime.ts';
import * as System from '../../frame/system/index.ts';
import { BenchmarkContext, BenchmarkError, type Benchmark, type BenchmarkedPallet, type Components, type Measured } from '../../frame/benchmarking/index.ts';
import { Overlay } from '../../frame/overlay.ts';
import { Key } from '../../pallets/sudo/index.ts';
import { deterministicPair } from '../keys.ts';
import { sr25519Sign } from '@polkadot/util-crypto';
import type { Keypair } from '@polkadot/util-crypto/types';
import { Chain } from '../chain.ts';
import { signExtrinsic, type SigningPair } from '../signer.ts';
import { SCHEMES, remarks, schemePair, type Scheme } from './overhead.ts';
import { commitSetup, measureBlock, takeBack, type CheckRow } from './block-time.ts';
import { TOKEN } from '../../frame/units.ts';


/** The account of a pair: its public key, or for ecdsa the keyring's blake2 hash of it. */
const accountOf = (pair: SigningPair): AccountId => u8aToHex(pair.addressRaw) as AccountId;

function sign(chain: Chain, pair: SigningPair, call: RuntimeCallValue, nonce: number): Uint8Array {
  return signExtrinsic(chain.runtime, pair, call, {
    nonce, genesisHash: chain.genesisHash, specVersion: chain.runtime.version.spec_version, transactionVersion: chain.runtime.version.transaction_version,
  });
}

/** Funds //Alice's ed25519 and ecdsa accounts from the sr25519 one, in a block of their own. */
function fundSchemes(chain: Chain): Record<Scheme, SigningPair> {
  const pairs = Object.fromEntries(SCHEMES.map((s) => [s, schemePair(s)])) as Record<Scheme, SigningPair>;
  const alice = pairs.Sr25519;
  const nonce = nonceOf(chain, alice);
  const transfers = (['Ed25519', 'Ecdsa'] as const).map((s, i) =>
    sign(chain, alice, Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(pairs[s]) }, value: 1_000n * TOKEN }), nonce + i));
  chain.author(transfers);
  return pairs;
}

const nonceOf = (chain: Chain, pair: SigningPair) => chain.read(() => System.accountNonce(accountOf(pair)));

export interface CheckOptions {
  /** The call rows to run, as `benchmark pallet` selects benchmarks; the remark and transfer rows run with the whole check only. */
  selection: readonly { entry: BenchmarkedPallet; names: readonly string[] }[];
  whole: boolean;
  /** The most worst cases of one call put in a block: enough to fill it, few enough to set up quickly. */
  maxPerBlock: number;
  /** Times the whole list of blocks is measured, one round after another; each row reports its median round. */
  rounds: number;
}

const pairOf = (keypair: Keypair): SigningPair => ({
  type: 'sr25519', address: u8aToHex(keypair.publicKey), addressRaw: keypair.publicKey, sign: (message) => sr25519Sign(message as Uint8Array, keypair),
});

/** How many signed extrinsics carrying `call` fit the normal class, by weight and by length. */
function fittingCount(chain: Chain, call: RuntimeCallValue): number {
  const { runtime } = chain;
  const { blockWeights, blockLength } = runtime.spec.limits;
  const normal = blockWeights.per_class.normal;
  const anySignature = { type: 'Sr25519' as const, value: `0x${'00'.repeat(64)}` as const };
  // 200 bytes cover a signed extrinsic's address, signature, extensions and length prefix.
  const length = runtime.RuntimeCall.enc(call).length + 200;
  const weight = runtime.extrinsicDispatchInfo(call, anySignature, length).weight.ref_time + normal.base_extrinsic.ref_time;
  return Math.min(Number((normal.max_total?.ref_time ?? 0n) / weight), Math.floor(blockLength.max.normal / length));
}

/**
 * The components a block of the call is filled at, and how many calls at them fit the normal class
 * by weight and by length: the high ends, or, when one call at them alone exceeds the class (a
 * remark of the longest length is the class's whole length before its signature), scaled down
 * until one fits. Probed in a layer thrown away; undefined for calls no signed extrinsic carries.
 */
function fittingWorstCase(chain: Chain, layer: Overlay, bench: Benchmark): { components: Components; count: number } | undefined {
  const { runtime } = chain;
  let components = Object.fromEntries(Object.entries(bench.components ?? {}).map(([c, [, high]]) => [c, high]));
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = chain.executive.run(new Overlay(layer), () => bench.setup(components, new BenchmarkContext(runtime, 'check 0')));
    if (!('call' in first) || first.origin.type === 'None') return undefined;
    const count = fittingCount(chain, first.call);
    if (count >= 1) return { components, count };
    if (Object.keys(components).length === 0) return { components, count: 1 };
    components = Object.fromEntries(Object.entries(components).map(([c, v]) => [c, Math.floor(v * 0.9)]));
  }
  return undefined;
}

/**
 * A block of one call at its worst case (components at their high ends), as many as fit the
 * normal class (or as many as the chain's own bounds let be set up): each set up independently
 * (its own accounts), signed by its origin; Root calls
 * go through Sudo.sudo from the sudo key. Set-ups that share chain-wide state (the sudo key) can
 * leave later instances failing: only the instances that succeed when dispatched in order go in.
 * Undefined for calls no signed extrinsic can carry.
 */
async function checkCall(chain: Chain, entry: BenchmarkedPallet, name: string, maxPerBlock: number): Promise<CheckRow | undefined> {
  const bench = entry.benchmarks[name];
  const runtime = chain.runtime;
  const layer = new Overlay(chain.state);
  chain.executive.initializeBlock(layer, chain.head.number + 1, chain.head.hash, { logs: [] });
  const fit = fittingWorstCase(chain, layer, bench);
  if (!fit) return undefined;
  const { components, count } = fit;
  const calls = chain.executive.run(layer, () => {
    const all: Measured[] = [];
    // A chain-wide bound (a full agenda) can refuse more set-ups: the block holds what the chain allows.
    for (let k = 0; k < Math.min(maxPerBlock, count); k++) {
      try {
        all.push(layer.transactional(() => bench.setup(components, new BenchmarkContext(runtime, `check ${k}`))));
      } catch (error) {
        if (error instanceof BenchmarkError && k > 0) break;
        throw error;
      }
    }
    return all.flatMap((m) => ('call' in m ? [m] : []));
  });
  const succeeding = chain.executive.run(new Overlay(layer), () => calls.filter(({ origin, call }) => !runtime.dispatch(origin, call).error));
  if (succeeding.length === 0) return undefined;
  const sudoKey = chain.executive.run(layer, () => Key.get());
  const alice = deterministicPair('//Alice');
  const signers = succeeding.map(({ origin }) => (origin.type === 'Signed' ? BenchmarkContext.keypairOf(origin.value) : undefined));
  // Signers pay fees: top each up, as a faucet would, without touching what the set-up holds.
  chain.executive.run(layer, () => {
    for (const keypair of signers) {
      if (!keypair) continue;
      const who = u8aToHex(keypair.publicKey) as AccountId;
      runtime.dispatch({ type: 'Root' }, Balances.tx.force_set_balance({ who: { type: 'Id', value: who }, new_free: System.Account.get(who).data.free + 1_000n * TOKEN }));
    }
  });
  // Set-ups make time pass by moving System.Number (rentals earning, services due): the block is
  // measured at the number they reached, as `benchmark pallet` dispatches at it. Built at the
  // head's own number, every collect_income of the block found nothing due and wrote nothing.
  const reached = chain.executive.run(layer, () => System.Number.get());
  const undo = commitSetup(chain, layer);
  try {
    const nonces = new Map<string, number>();
    const extrinsics = succeeding.flatMap(({ origin, call }, k) => {
      const keypair = signers[k];
      const [pair, wrapped] = origin.type === 'Root' && sudoKey === accountOf(alice) ? [alice, Sudo.tx.sudo({ call })]
        : keypair ? [pairOf(keypair), call] : [undefined, call];
      if (!pair) return [];
      const who = accountOf(pair);
      const nonce = nonces.get(who) ?? nonceOf(chain, pair);
      nonces.set(who, nonce + 1);
      return [sign(chain, pair, wrapped, nonce)];
    });
    const scaled = Object.entries(components).filter(([c, v]) => v !== bench.components?.[c][1]).map(([c, v]) => `${c}=${v}`);
    const label = `${entry.pallet.name}.${name}${scaled.length ? `(${scaled.join(', ')})` : ''} x ${extrinsics.length}`;
    return await measureBlock(chain, label, extrinsics, { hash: chain.head.hash, number: reached - 1 });
  } finally {
    takeBack(chain, undo);
  }
}

/** The check's blocks, each written to a scratch database as the node writes a block, then dropped. */
export async function runCheck(spec: ChainSpec, opts: CheckOptions, onRow?: (row: CheckRow | undefined) => void): Promise<string[]> {
  const chain = new Chain(spec);
  const rounds: CheckRow[][] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const rows: CheckRow[] = opts.whole ? await signedBlockRows(chain) : [];
    for (const { entry, names } of opts.selection) {
      for (const name of names) {
        const row = await checkCall(chain, entry, name, opts.maxPerBlock);
        if (row) rows.push(row);
        onRow?.(row);
      }
    }
    rounds.push(rows);
  }
  const ratio = (r: CheckRow) => (r.included === 0 ? '  does not fit a block' : r.ratio.toFixed(2));
  const each = (ratios: number[]) => (ratios.length > 1 ? `   ${ratios.map((r) => r.toFixed(2)).join(' ')}` : '');
  // Each row as measured in its median round, with its ratio in every round, in order.
  const rows = rounds[0].map((_, i) => {
    const measured = rounds.map((round) => round[i]);
    return { row: [...measured].sort((a, b) => a.ratio - b.ratio)[measured.length >> 1], ratios: measured.map((r) => r.ratio) };
  });
  return [
    `block                                                     included  failed   written   exec ms   (wall ms)   declared ms   ratio   probe ms${opts.rounds > 1 ? `   in rounds 1-${opts.rounds}` : ''}`,
    ...rows.map(({ row: r, ratios }) => `${r.name.padEnd(58)}${String(r.included).padStart(8)}${String(r.failed).padStart(8)}${String(r.written).padStart(10)}${r.ms.toFixed(1).padStart(10)}${`(${r.wallMs.toFixed(1)})`.padStart(12)}${r.declaredMs.toFixed(1).padStart(14)}${ratio(r).padStart(8)}${r.probeMs.toFixed(1).padStart(11)}${each(ratios)}`),
  ];
}

/** Blocks of no-op remarks from each signature scheme (and all three mixed), and a block of transfers filled to the normal class's limit. */
async function signedBlockRows(chain: Chain): Promise<CheckRow[]> {
  const pairs = fundSchemes(chain);
  const remarksOf = (pair: SigningPair, count: number) => remarks(chain, pair, count, nonceOf(chain, pair));
  const rows: CheckRow[] = [];
  rows.push(await measureBlock(chain, '450 remarks, 150 per scheme', SCHEMES.flatMap((s) => remarksOf(pairs[s], 150))));
  for (const s of SCHEMES) rows.push(await measureBlock(chain, `450 remarks, ${s}`, remarksOf(pairs[s], 450)));
  const alice = pairs.Sr25519;
  const first = nonceOf(chain, alice);
  const dest = (i: number) => ({ type: 'Id' as const, value: u8aToHex(blake2_256(new TextEncoder().encode(`check ${i}`))) as AccountId });
  const transfer = (i: number) => Balances.tx.transfer_keep_alive({ dest: dest(i), value: TOKEN });
  // A few more than fit, so that the block is full: what it has no room for is left out.
  const offered = Math.ceil(fittingCount(chain, transfer(0)) * 1.05);
  rows.push(await measureBlock(chain, 'transfer_keep_alive to new accounts (normal class limit)',
    Array.from({ length: offered }, (_, i) => sign(chain, alice, transfer(i), first + i))));
  return rows;
}
