// The Services pallet's types, with the SCALE layout of Tangle's services primitives where they
// exist there (PriceTargets, ApprovalPreference, OperatorPreferences), declared once for codec,
// TypeScript type and metadata.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hexToU8a } from '@polkadot/util';
import {
  BoundedVec, Enum, FixedBytes, Newtype, Option, Struct, Tuple, u32, u64, type HexString, type Infer,
} from '../../primitives/scale.ts';
import { AccountId32, Balance, BlockNumber } from '../../primitives/types.ts';

const path = (name: string) => `pallet_services::types::${name}`;

/** micro-USD per hour: cpu per vCPU, mem per MB, storage per GB of that class. */
export const PriceTargets = Struct(path('PriceTargets'), {
  cpu: u64, mem: u64, storage_hdd: u64, storage_ssd: u64, storage_nvme: u64,
}, {
  docs: ['Prices in micro-USD per hour (1e6 = $1): cpu per vCPU, mem per MB, storage per GB of each class.'],
});
export type PriceTargets = Infer<typeof PriceTargets>;
export const PRICE_FIELDS = ['cpu', 'mem', 'storage_hdd', 'storage_ssd', 'storage_nvme'] as const;

export const ApprovalPreference = Enum(path('ApprovalPreference'), { None: 0, Required: 1 }, {
  docs: ['Whether the operator must approve each service request naming it.'],
});
export type ApprovalPreference = Infer<typeof ApprovalPreference>;

/** sp_core's ecdsa::Public: a compressed secp256k1 point. */
export const EcdsaPublic = Newtype('sp_core::ecdsa::Public', FixedBytes(33));
export type EcdsaPublic = HexString;

export const OperatorPreferences = Struct(path('OperatorPreferences'), {
  key: EcdsaPublic,
  approval: ApprovalPreference,
  price_targets: PriceTargets,
});
export type OperatorPreferences = Infer<typeof OperatorPreferences>;

/** A compressed secp256k1 point: prefix 02 or 03 and an x on the curve (the all-zero key is not one). */
export function isValidOperatorKey(key: EcdsaPublic): boolean {
  try {
    secp256k1.Point.fromBytes(hexToU8a(key));
    return true;
  } catch {
    return false;
  }
}

/** A price increase waiting for its notice period. */
export const PendingPriceChange = Struct(path('PendingPriceChange'), {
  price_targets: PriceTargets,
  effective_at: BlockNumber,
});
export type PendingPriceChange = Infer<typeof PendingPriceChange>;

export const PriceLimits = Struct(path('PriceLimits'), { min: PriceTargets, max: PriceTargets });
export type PriceLimits = Infer<typeof PriceLimits>;

export const StorageClass = Enum(path('StorageClass'), { Hdd: 0, Ssd: 1, Nvme: 2 });
export type StorageClass = Infer<typeof StorageClass>;

export const Resources = Struct(path('Resources'), {
  vcpu: u32, mem_mb: u32, storage_gb: u32, storage_class: StorageClass,
}, { docs: ['What a service runs on, at each of its operators.'] });
export type Resources = Infer<typeof Resources>;

export const ApprovalState = Enum(path('ApprovalState'), { Pending: 0, Approved: 1 });
export type ApprovalState = Infer<typeof ApprovalState>;

export const RequestId = u64;
export const ServiceId = u64;

/** The most operators one service runs on. */
export const MAX_OPERATORS_PER_SERVICE = 8;
/** The most running services (and, separately, pending requests) one operator takes part in. */
export const MAX_SERVICES_PER_OPERATOR = 64;
export const MAX_PENDING_REQUESTS_PER_OPERATOR = 64;
/** The most price increases that fall due in one block. */
export const MAX_SCHEDULED_PER_BLOCK = 128;

export const ServiceOperators = BoundedVec(AccountId32, MAX_OPERATORS_PER_SERVICE);

/** An operator of a service and the hourly price locked for it when the service was requested. */
export const LockedPrice = Struct(path('LockedPrice'), { operator: AccountId32, per_hour: u64 });
export type LockedPrice = Infer<typeof LockedPrice>;

export const ServiceRequest = Struct(path('ServiceRequest'), {
  owner: AccountId32,
  operators: BoundedVec(Tuple(AccountId32, ApprovalState), MAX_OPERATORS_PER_SERVICE),
  /** Each operator's quote when the request was made: the service runs at these prices. */
  prices: BoundedVec(LockedPrice, MAX_OPERATORS_PER_SERVICE),
  resources: Resources,
  ttl_blocks: BlockNumber,
  deposit: Balance,
});
export type ServiceRequest = Infer<typeof ServiceRequest>;

export const Service = Struct(path('Service'), {
  owner: AccountId32,
  request_id: RequestId,
  resources: Resources,
  prices: BoundedVec(LockedPrice, MAX_OPERATORS_PER_SERVICE),
  started_at: BlockNumber,
  ttl_blocks: BlockNumber,
  /** Blocks after `started_at` already charged. */
  charged_blocks: BlockNumber,
  /** What is left of the deposit (held in the owner's reserve). */
  balance: Balance,
  /**
   * Per operator, in the order of `prices`: the value charged but not yet paid, less than one
   * planck's worth, in micro-USD / 10^12; carried to the next settlement.
   */
  unpaid: BoundedVec(u64, MAX_OPERATORS_PER_SERVICE),
}, { docs: ['A running service: charged for blocks started_at + 1 ..= started_at + ttl_blocks while its deposit lasts.'] });
export type Service = Infer<typeof Service>;

export const TerminationReason = Enum(path('TerminationReason'), { ByOwner: 0, OutOfFunds: 1, Expired: 2 });
export type TerminationReason = Infer<typeof TerminationReason>;

// ---- runtime API results ------------------------------------------------------------------------

const apiPath = (name: string) => `pallet_services::runtime_api::${name}`;

/** A price in micro-USD: per hour, and per block as hourly / 600 with `per_block_remainder` spread over the hour. */
export const Price = Struct(apiPath('Price'), { per_hour: u64, per_block: u64, per_block_remainder: u64 });
export type Price = Infer<typeof Price>;

export const Quote = Struct(apiPath('Quote'), {
  now: Price,
  /** The price once the operator's pending change applies, and the block it applies at. */
  after_pending_change: Option(Tuple(Price, BlockNumber)),
});
export type Quote = Infer<typeof Quote>;

export const OperatorInfo = Struct(apiPath('OperatorInfo'), {
  preferences: OperatorPreferences,
  pending_change: Option(PendingPriceChange),
  services: BoundedVec(ServiceId, MAX_SERVICES_PER_OPERATOR),
  pending_requests: BoundedVec(RequestId, MAX_PENDING_REQUESTS_PER_OPERATOR),
});
export type OperatorInfo = Infer<typeof OperatorInfo>;

/** A running service and what settling it now would do. */
export const ServiceStatus = Struct(apiPath('ServiceStatus'), {
  service: Service,
  /** The last block charged if it were settled now. */
  charged_through: BlockNumber,
  /** Planck owed to its operators now, not yet paid. */
  owed: Balance,
  /** Set when settling now would end it. */
  ends: Option(TerminationReason),
});
export type ServiceStatus = Infer<typeof ServiceStatus>;
