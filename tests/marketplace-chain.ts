// What the marketplace's tests share: the dev chain with the marketplace section of its spec
// replaced (a small world, a short month) and readings of what a user sees.
import { stringToU8a } from '@polkadot/util';
import type { AccountId } from '../primitives/types.ts';
import { loadChainSpec, type ChainSpec } from '../genesis/spec.ts';
import { TestChain, type ExtrinsicReport, type RuntimeEvent } from '../node/harness.ts';
import { accountOf, type SigningPair } from '../node/signer.ts';
import type { RuntimeCallValue } from '../frame/pallet.ts';
import { TotalIssuance } from '../pallets/balances/index.ts';
import { Account } from '../frame/system/index.ts';

export const GIB = 2 ** 30;

const dev = loadChainSpec('dev');
const devPatch = (dev.genesis as { runtimeGenesis: { patch: Record<string, unknown> } }).runtimeGenesis.patch;
export const devMarketplace = devPatch.sliceMarketplace as Record<string, unknown>;
/** The token's price in the dev spec's oracle section, micro-USD per token. */
export const TOKEN_PRICE = BigInt((devPatch.oracle as { price: number }).price);

/** The dev spec with its `sliceMarketplace` section replaced and other sections patched. */
export function devSpecWith(marketplace: Record<string, unknown>, patch: Record<string, unknown> = {}): ChainSpec {
  return { ...dev, genesis: { runtimeGenesis: { patch: { ...devPatch, sliceMarketplace: marketplace, ...patch } } } };
}

/** A gridproxy node record of `cru` cores, `mru` GiB of RAM and `sru` GiB of SSD. */
export const gridNode = (nodeId: number, farmId: number, [cru, mru, sru]: [number, number, number], extra: Record<string, unknown> = {}) => ({
  nodeId, farmId, country: 'Belgium', city: 'Ghent', total_resources: { cru, mru: mru * GIB, sru: sru * GIB, hru: 0 },
  status: 'up', certificationType: 'Diy', ...extra,
});

export interface AccountSnapshot { nonce: number; free: bigint; reserved: bigint; issuance: bigint }

/** The harness with what the marketplace's tests read. */
export class MarketChain extends TestChain {
  /** Submits one call alone in a new block; returns its report. */
  one(signer: SigningPair, call: RuntimeCallValue): ExtrinsicReport {
    this.submit(signer, call);
    return this.newBlock().extrinsics[0];
  }

  free(who: SigningPair | AccountId): bigint {
    return this.query(() => Account.get(id(who)).data.free);
  }

  /** What is reserved from `who`: the marketplace is the only pallet that reserves. */
  held(who: SigningPair | AccountId): bigint {
    return this.query(() => Account.get(id(who)).data.reserved);
  }

  issuance(): bigint {
    return this.query(() => TotalIssuance.get());
  }

  snapshot(who: SigningPair): AccountSnapshot {
    const info = this.query(() => Account.get(accountOf(who)));
    return { nonce: info.nonce, free: info.data.free, reserved: info.data.reserved, issuance: this.issuance() };
  }
}

export const id = (who: SigningPair | AccountId): AccountId => (typeof who === 'string' ? who : accountOf(who));
export const text = (value: string): Uint8Array => stringToU8a(value);

/** The marketplace events among `events`, as `{ type, value }`. */
export const marketEvents = (events: readonly RuntimeEvent[]) =>
  events.filter((e) => e.type === 'SliceMarketplace').map((e) => e.value);
