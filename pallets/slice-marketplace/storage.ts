// pallet_slice_marketplace's storage, with the bounded per-node reads the calls, the hook and the
// runtime API share.
import { unit } from '../../primitives/scale.ts';
import { AccountId32, BlockNumber } from '../../primitives/types.ts';
import { palletStorage } from '../../frame/storage.ts';
import { BLOCKS_PER_MONTH } from './billing.ts';
import { DEFAULT_PRICE_BAND } from './genesis.ts';
import {
  FarmerInfo, Node, NodeId, PriceBandBounds, Rental, RentalId, RenterInfo, SliceId, SliceStatus,
  type Rental as RentalValue, type SliceStatus as SliceStatusValue,
} from './types.ts';

const PALLET = 'SliceMarketplace';

/** Every storage item of the pallet, registered as it is declared below (metadata order). */
export const SliceMarketplaceStorage = palletStorage(PALLET);

export const PriceBand = SliceMarketplaceStorage.value('PriceBand', PriceBandBounds,
  { default: DEFAULT_PRICE_BAND, docs: ['The platform band a node\'s slice price per hour (micro-USD) must lie in.'] });
export const BlocksPerMonth = SliceMarketplaceStorage.value('BlocksPerMonth', BlockNumber,
  { default: BLOCKS_PER_MONTH, docs: ['Blocks in a rental month: 30 days of 6 s blocks; set at genesis (a test chain may shorten it).'] });
export const NextNodeId = SliceMarketplaceStorage.value('NextNodeId', NodeId, { default: 0, docs: ['The id the next registered node gets.'] });
export const Nodes = SliceMarketplaceStorage.map('Nodes', 'Twox64Concat', NodeId, Node, { docs: ['Registered nodes.'] });
export const Slices = SliceMarketplaceStorage.doubleMap('Slices', 'Twox64Concat', NodeId, 'Twox64Concat', SliceId, SliceStatus,
  { docs: ['Every slice of every node, with its status.'] });
export const Farmers = SliceMarketplaceStorage.map('Farmers', 'Blake2_128Concat', AccountId32, FarmerInfo,
  { docs: ['Farmers: how many nodes they have and what they have been paid.'] });
export const FarmerNodes = SliceMarketplaceStorage.doubleMap('FarmerNodes', 'Blake2_128Concat', AccountId32, 'Twox64Concat', NodeId, unit,
  { docs: ['The nodes of each farmer.'] });
export const NextRentalId = SliceMarketplaceStorage.value('NextRentalId', RentalId, { default: 0n, docs: ['The id the next rental gets.'] });
export const Rentals = SliceMarketplaceStorage.map('Rentals', 'Twox64Concat', RentalId, Rental, { docs: ['Live rentals.'] });
export const NodeRentals = SliceMarketplaceStorage.doubleMap('NodeRentals', 'Twox64Concat', NodeId, 'Twox64Concat', RentalId, unit,
  { docs: ['The live rentals on each node (at most one per slice).'] });
export const Renters = SliceMarketplaceStorage.map('Renters', 'Blake2_128Concat', AccountId32, RenterInfo,
  { default: { rentals: 0, spent: 0n }, docs: ['Renters: how many live rentals they have and what they have paid farmers.'] });
export const RenterRentals = SliceMarketplaceStorage.doubleMap('RenterRentals', 'Blake2_128Concat', AccountId32, 'Twox64Concat', RentalId, unit,
  { docs: ['The live rentals of each renter.'] });
export const Agenda = SliceMarketplaceStorage.doubleMap('Agenda', 'Twox64Concat', BlockNumber, 'Twox64Concat', RentalId, unit,
  { docs: ['Rentals by the block they end at, for expiry.'] });
export const AgendaCursor = SliceMarketplaceStorage.value('AgendaCursor', BlockNumber,
  { default: 0, docs: ['The first agenda block not yet fully expired: expiries beyond a block\'s bound carry over from here.'] });

/** A node's slices in id order (at most MaxSlicesPerNode). */
export function nodeSlices(node: number): [number, SliceStatusValue][] {
  return [...Slices.entries({ prefix: [node] })].map(([[, id], status]): [number, SliceStatusValue] => [id, status]).sort((a, b) => a[0] - b[0]);
}

/** A node's live rentals in id order (at most one per slice). */
export function nodeRentals(node: number): RentalValue[] {
  return [...NodeRentals.entries({ prefix: [node] })].map(([[, id]]) => Rentals.get(id) as RentalValue)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

