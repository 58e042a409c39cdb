// pallet_services' storage items, each constant named as its item, and their defaults.
import { BoundedVec } from '../../primitives/scale.ts';
import { AccountId32, BlockNumber, Permill, type AccountId } from '../../primitives/types.ts';
import { U64_MAX } from '../../frame/dispatch.ts';
import { palletStorage } from '../../frame/storage.ts';
import { BLOCKS_PER_DAY } from '../../frame/units.ts';
import {
  EcdsaPublic, MAX_PENDING_REQUESTS_PER_OPERATOR, MAX_SCHEDULED_PER_BLOCK, MAX_SERVICES_PER_OPERATOR, OperatorPreferences,
  PRICE_FIELDS, PendingPriceChange, PriceLimits as PriceLimitsType, RequestId, Service, ServiceId, ServiceRequest,
  type OperatorPreferences as OperatorPreferencesValue, type PriceLimits as PriceLimitsValue, type PriceTargets as PriceTargetsValue,
} from './types.ts';

const PALLET = 'Services';

/** Every storage item of the pallet, registered as it is declared below (metadata order). */
export const ServicesStorage = palletStorage(PALLET);

/** A day. */
export const DEFAULT_MIN_NOTICE_BLOCKS = BLOCKS_PER_DAY;
/** 50%, in parts per million. */
export const DEFAULT_MAX_PRICE_INCREASE = 500_000;
export const U32_MAX = 0xffff_ffff;
const allPrices = (value: bigint): PriceTargetsValue =>
  Object.fromEntries(PRICE_FIELDS.map((field) => [field, value])) as PriceTargetsValue;
export const DEFAULT_PRICE_LIMITS: PriceLimitsValue = { min: allPrices(0n), max: allPrices(U64_MAX) };

export const Operators = ServicesStorage.map('Operators', 'Blake2_128Concat', AccountId32, OperatorPreferences,
  { docs: ['Registered operators and their preferences (the price targets in force).'] });
export const OperatorKeys = ServicesStorage.map('OperatorKeys', 'Blake2_128Concat', EcdsaPublic, AccountId32,
  { docs: ['The operator each key belongs to: a key registers once.'] });
export const PendingPriceChanges = ServicesStorage.map('PendingPriceChanges', 'Blake2_128Concat', AccountId32, PendingPriceChange,
  { docs: ['An operator\'s price increase waiting for its notice period.'] });
export const PriceChangeAgenda = ServicesStorage.map('PriceChangeAgenda', 'Twox64Concat', BlockNumber,
  BoundedVec(AccountId32, MAX_SCHEDULED_PER_BLOCK), { default: [], docs: ['The operators whose pending change falls due at a block.'] });
export const AgendaIncompleteSince = ServicesStorage.value('AgendaIncompleteSince', BlockNumber,
  { docs: ['The earliest block whose agenda still holds due changes (applying is bounded per block and carries over).'] });
export const PriceLimits = ServicesStorage.value('PriceLimits', PriceLimitsType,
  { default: DEFAULT_PRICE_LIMITS, docs: ['The platform\'s bounds on every price target field.'] });
export const MinNoticeBlocks = ServicesStorage.value('MinNoticeBlocks', BlockNumber,
  { default: DEFAULT_MIN_NOTICE_BLOCKS, docs: ['Blocks between a price increase and the block it applies at.'] });
export const MaxPriceIncrease = ServicesStorage.value('MaxPriceIncrease', Permill,
  { default: DEFAULT_MAX_PRICE_INCREASE, docs: ['The most any price field may rise in one change, relative to its value in force.'] });
export const NextRequestId = ServicesStorage.value('NextRequestId', RequestId, { default: 0n });
export const ServiceRequests = ServicesStorage.map('ServiceRequests', 'Twox64Concat', RequestId, ServiceRequest,
  { docs: ['Service requests waiting for their operators\' approval.'] });
export const NextServiceId = ServicesStorage.value('NextServiceId', ServiceId, { default: 0n });
export const Services = ServicesStorage.map('Services', 'Twox64Concat', ServiceId, Service, { docs: ['Running services.'] });
export const OperatorServices = ServicesStorage.map('OperatorServices', 'Blake2_128Concat', AccountId32,
  BoundedVec(ServiceId, MAX_SERVICES_PER_OPERATOR), { default: [], docs: ['The running services of each operator.'] });
export const OperatorRequests = ServicesStorage.map('OperatorRequests', 'Blake2_128Concat', AccountId32,
  BoundedVec(RequestId, MAX_PENDING_REQUESTS_PER_OPERATOR), { default: [], docs: ['The pending requests naming each operator.'] });
export const SweepCursor = ServicesStorage.value('SweepCursor', ServiceId,
  { docs: ['The last service the on_idle sweep visited; the next sweep continues after it.'] });

/** Registers an operator and its key. */
export function insertOperator(who: AccountId, prefs: OperatorPreferencesValue): void {
  Operators.insert(who, prefs);
  OperatorKeys.insert(prefs.key, who);
}
