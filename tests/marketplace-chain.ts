// What the marketplace's tests share: the dev chain with the marketplace section of its spec
// replaced (a small world, a short month), readings of what a user sees, and the check that a
// failed call changed nothing but its signer's fee and nonce.
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { twox128 } from '../primitives/hashing.ts';
import type { AccountId } from '../primitives/types.ts';
import { loadChainSpec, type ChainSpec } from '../genesis/spec.ts';
import { TestChain, type ExtrinsicReport, type RuntimeEvent } from '../node/harness.ts';
import { accountOf, type SigningPair } from '../node/signer.ts';
import type { Change } from '../frame/overlay.ts';
import type { RuntimeCallValue } from '../frame/pallet.ts';
import { TotalIssuance } from '../pallets/balances/index.ts';
import { Account } from '../frame/system/index.ts';
import { AgendaCursor } from '../pallets/slice-marketplace/storage.ts';
import { feePaid } from './support.ts';

export const GIB = 2 ** 30;
export const TOKEN = 10n ** 12n;

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

/** A chain whose blocks are watched: the storage changes of the last block are kept. */
export class MarketChain extends TestChain {
  lastChanges: Change[] = [];

  constructor(spec: ChainSpec | string = 'dev') {
    super(spec);
    this.chain.listeners.push((built) => { this.lastChanges = built.changes; });
  }

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

const hex = (bytes: Uint8Array): string => u8aToHex(bytes);
const prefixOf = (pallet: string): string => hex(twox128(stringToU8a(pallet)));
/** Keys every block writes whatever its extrinsics do: System's bookkeeping, the time, the expiry cursor. */
const BLOCK_BOOKKEEPING = [prefixOf('System'), prefixOf('Timestamp'), hex(AgendaCursor.key), hex(stringToU8a(':extrinsic_index'))];
const ACCOUNTS = hex(Account.prefix);

/**
 * Checks that the last block, holding only `report`'s failed extrinsic, changed nothing but the
 * block's own bookkeeping, the signer's account (nonce + 1, free - fee, reserved as it was) and
 * the total issuance (the fee is burned).
 */
export function expectOnlyFeeAndNonce(chain: MarketChain, signer: SigningPair, report: ExtrinsicReport, before: AccountSnapshot): void {
  expect(report.included).toBe(true);
  const fee = feePaid(report.events);
  const signerKey = hex(Account.key(accountOf(signer)));
  const issuanceKey = hex(TotalIssuance.key);
  const stray = chain.lastChanges.map(([key]) => hex(key)).filter((key) => key !== signerKey && key !== issuanceKey
    && (key.startsWith(ACCOUNTS) || !BLOCK_BOOKKEEPING.some((prefix) => key.startsWith(prefix))));
  expect(stray).toEqual([]);
  expect(chain.snapshot(signer)).toEqual({ nonce: before.nonce + 1, free: before.free - fee, reserved: before.reserved, issuance: before.issuance - fee });
}
