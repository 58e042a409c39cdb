// pallet_slice_marketplace's types: nodes and their capacity, slices, rentals, and what the runtime
// API returns. Capacity is whole cores and GB; prices are micro-USD (u64); held money is planck (u128).
import {
  BoundedBytes, BoundedVec, Enum, Option, Struct, Vec, alias, bool, u32, u64, type Infer,
} from '../../primitives/scale.ts';
import { AccountId32, Balance, BlockNumber, Permill } from '../../primitives/types.ts';

const path = (name: string) => `pallet_slice_marketplace::types::${name}`;

// ---- bounds (constants in metadata) --------------------------------------------------------------

/** The most slices one node may offer: bounds a node's slice entries and every per-node sweep. */
export const MAX_SLICES_PER_NODE = 256;
/** The most slices one rental may take: bounds the work of renting, cancelling and expiring it. */
export const MAX_SLICES_PER_RENTAL = 64;
export const MAX_NODES_PER_FARMER = 128;
export const MAX_RENTALS_PER_RENTER = 128;
export const MAX_RENTAL_MONTHS = 36;
/** Bytes of a country or city name (UTF-8). */
export const MAX_LOCATION_LEN = 64;
/** Rentals expired by one block's on_initialize; the rest carry over to the next block. */
export const MAX_EXPIRIES_PER_BLOCK = 32;
/** Agenda blocks one on_initialize looks at, so that a backlog is caught up in bounded steps. */
export const MAX_AGENDA_BLOCKS_PER_BLOCK = 16;
export const MAX_PAGE_SIZE = 100;

// ---- units ---------------------------------------------------------------------------------------

export const NodeId = alias(u32, 'NodeId');
export type NodeId = number;
export const SliceId = alias(u32, 'SliceId');
export type SliceId = number;
export const RentalId = alias(u64, 'RentalId');
export type RentalId = bigint;
/** The slices of one rental. */
export const RentalSlices = BoundedVec(SliceId, MAX_SLICES_PER_RENTAL);
/** micro-USD (1e6 = $1). */
export const MicroUsd = alias(u64, 'MicroUsd');

export const Capacity = Struct(path('Capacity'), { cpu_cores: u32, memory_gb: u32, storage_gb: u32 });
export type Capacity = Infer<typeof Capacity>;

/** One slice: 1 vCPU, 4 GB RAM, 200 GB storage. */
export const SLICE: Capacity = { cpu_cores: 1, memory_gb: 4, storage_gb: 200 };

export const Location = Struct(path('Location'), {
  country: BoundedBytes(MAX_LOCATION_LEN),
  city: BoundedBytes(MAX_LOCATION_LEN),
});
export type Location = Infer<typeof Location>;

/** ThreeFold's certification types: farmer-built (Diy) or vendor-certified hardware. */
export const Certification = Enum(path('Certification'), { Diy: 0, Certified: 1 });
export type Certification = Infer<typeof Certification>;

/** Standby is a node powered down to save energy that wakes on demand: rentable, and rent accrues. Down is neither. */
export const NodeStatus = Enum(path('NodeStatus'), { Up: 0, Down: 1, Standby: 2 });
export type NodeStatus = Infer<typeof NodeStatus>;

export const Sla = Struct(path('Sla'), { min_uptime: Permill, min_bandwidth_mbps: u32 });
export type Sla = Infer<typeof Sla>;

export const Node = Struct(path('Node'), {
  id: NodeId,
  farmer: AccountId32,
  capacity: Capacity,
  /** What rented slices take: allocated slices times one slice. */
  used: Capacity,
  location: Location,
  certification: Certification,
  status: NodeStatus,
  sla: Sla,
  slice_price_per_hour: MicroUsd,
  price_locked: bool,
  /** Blocks the node spent Down before `down_since`: with it, rent accrual skips downtime exactly. */
  down_blocks: BlockNumber,
  down_since: Option(BlockNumber),
});
export type Node = Infer<typeof Node>;

/** Reserved: free, but held off the market while the node is Down. */
export const SliceStatus = Enum(path('SliceStatus'), { Available: 0, Reserved: 1, Allocated: [2, RentalId] });
export type SliceStatus = Infer<typeof SliceStatus>;

export const Rental = Struct(path('Rental'), {
  id: RentalId,
  node: NodeId,
  slices: RentalSlices,
  renter: AccountId32,
  /** The rental covers blocks start..end-1 and expires in block `end`. */
  start: BlockNumber,
  end: BlockNumber,
  /** Per slice, locked at rental. */
  price_per_hour: MicroUsd,
  /** The whole cost in planck, held from the renter at rental. */
  cost: Balance,
  paid_so_far: Balance,
  /** The node's downtime counter at `start`: downtime since then earns the farmer nothing. */
  down_blocks_at_start: BlockNumber,
});
export type Rental = Infer<typeof Rental>;

export const PriceBandBounds = Struct(path('PriceBand'), { min: MicroUsd, max: MicroUsd });
export type PriceBandBounds = Infer<typeof PriceBandBounds>;

export const FarmerInfo = Struct(path('FarmerInfo'), { nodes: u32, earned: Balance });
export type FarmerInfo = Infer<typeof FarmerInfo>;

export const RenterInfo = Struct(path('RenterInfo'), { rentals: u32, spent: Balance });
export type RenterInfo = Infer<typeof RenterInfo>;

// ---- runtime API ---------------------------------------------------------------------------------

export const SortBy = Enum(path('SortBy'), {
  PriceAscending: 0,
  PriceDescending: 1,
  /** Highest SLA uptime first. */
  Uptime: 2,
  /** By country, then city. */
  Location: 3,
});
export type SortBy = Infer<typeof SortBy>;

export const SliceFilter = Struct(path('SliceFilter'), {
  country: Option(BoundedBytes(MAX_LOCATION_LEN)),
  city: Option(BoundedBytes(MAX_LOCATION_LEN)),
  min_free_slices: Option(u32),
  max_price_per_hour: Option(MicroUsd),
  min_uptime: Option(Permill),
  min_bandwidth_mbps: Option(u32),
  certification: Option(Certification),
  status: Option(NodeStatus),
});
export type SliceFilter = Infer<typeof SliceFilter>;

export const PageRequest = Struct(path('PageRequest'), { index: u32, size: u32, sort: SortBy });
export type PageRequest = Infer<typeof PageRequest>;

export const SliceListing = Struct(path('SliceListing'), {
  node: NodeId,
  farmer: AccountId32,
  location: Location,
  certification: Certification,
  status: NodeStatus,
  sla: Sla,
  total_slices: u32,
  free_slices: u32,
  /** The slices a renter can name in `rent_slice` now. */
  available: Vec(SliceId),
  price_per_hour: MicroUsd,
  /** 720 hours of the hourly price, saturating at u64::MAX (as every derived micro-USD figure here). */
  price_per_month: MicroUsd,
  /** The hourly price in planck at the oracle's price (rounded up, as a rental rounds); None without a price. */
  price_per_hour_planck: Option(Balance),
  price_locked: bool,
});
export type SliceListing = Infer<typeof SliceListing>;

export const SlicePage = Struct(path('SlicePage'), { total: u32, items: Vec(SliceListing) });
export type SlicePage = Infer<typeof SlicePage>;

export const FarmerNodeSummary = Struct(path('FarmerNodeSummary'), {
  node: NodeId,
  status: NodeStatus,
  total_slices: u32,
  rented_slices: u32,
  free_slices: u32,
  price_per_hour: MicroUsd,
  price_locked: bool,
  /** micro-USD per hour the node earns now (nothing while Down). */
  rate_per_hour: MicroUsd,
  pending: Balance,
});
export type FarmerNodeSummary = Infer<typeof FarmerNodeSummary>;

export const FarmerDashboard = Struct(path('FarmerDashboard'), {
  nodes: Vec(FarmerNodeSummary),
  total_slices: u32,
  rented_slices: u32,
  free_slices: u32,
  /** Paid to the farmer so far. */
  earned: Balance,
  /** Accrued on live rentals, still held from the renters until settled. */
  pending: Balance,
  rate_per_hour: MicroUsd,
});
export type FarmerDashboard = Infer<typeof FarmerDashboard>;

export const RentalSummary = Struct(path('RentalSummary'), {
  rental: RentalId,
  node: NodeId,
  slices: Vec(SliceId),
  start: BlockNumber,
  end: BlockNumber,
  remaining_blocks: BlockNumber,
  price_per_hour: MicroUsd,
  cost: Balance,
  paid: Balance,
  /** Earned by the farmer, not yet settled. */
  accrued: Balance,
  /** What cancelling now would return. */
  refundable: Balance,
});
export type RentalSummary = Infer<typeof RentalSummary>;

export const UserDashboard = Struct(path('UserDashboard'), {
  rentals: Vec(RentalSummary),
  /** Consumed so far: paid to farmers, plus accrued on live rentals. */
  spent: Balance,
  /** Held for live rentals now (accrued included, until settled). */
  held: Balance,
});
export type UserDashboard = Infer<typeof UserDashboard>;
