// Over 400 lines because it is one declaration: 13 calls with their bodies, the hooks, events,
// errors and the settlement closure they share (storage, genesis, API and pricing live beside it).
// pallet_services: operators register with a key, an approval preference and price targets;
// decreases apply at once, increases wait a notice period and are capped per change; customers
// request services whose price per operator is locked when they are requested, paid per block out
// of a held deposit.
// Charging is lazy: a service is settled when its owner acts on it and by a bounded on_idle
// sweep, never by work per service per block.
import { BoundedVec, FixedBytes, Tuple, u32, type HexString } from '../../primitives/scale.ts';
import { AccountId32, Balance, BlockNumber, PERMILL, Permill, type AccountId, type Weight as WeightValue } from '../../primitives/types.ts';
import * as System from '../../frame/system/index.ts';
import { DispatchErrors, DispatchFailure, ZERO_WEIGHT, subWeight, weightFits } from '../../frame/dispatch.ts';
import { storage } from '../../frame/externalities.ts';
import { call, constant, errors, genesisConfig, events, pallet } from '../../frame/pallet.ts';
import type { PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import type { Currency, PriceOracle, ReserveId } from '../../frame/traits.ts';
import { BLOCKS_PER_HOUR } from '../../frame/units.ts';
import { ServicesGenesisConfig, buildGenesis } from './genesis.ts';
import {
  allowedByLimits, limitsConsistent, loweredPart, planSettlement, quotedHourly, raisesAnyField, risesTooMuch, withinLimits,
  type SettlementPlan,
} from './pricing.ts';
import { operator, quote, servicesApi, type ServicesQueries } from './runtime-api.ts';
import {
  ServicesStorage,
  AgendaIncompleteSince, MaxPriceIncrease, MinNoticeBlocks, NextRequestId, NextServiceId, OperatorKeys, OperatorRequests,
  OperatorServices, Operators, PendingPriceChanges, PriceChangeAgenda, PriceLimits, ServiceRequests, Services, SweepCursor, U32_MAX,
  insertOperator,
} from './storage.ts';
import {
  ApprovalPreference, LockedPrice, MAX_OPERATORS_PER_SERVICE, MAX_PENDING_REQUESTS_PER_OPERATOR,
  MAX_SCHEDULED_PER_BLOCK, MAX_SERVICES_PER_OPERATOR, OperatorPreferences,
  PriceTargets, RequestId, Resources, ServiceId, ServiceOperators, TerminationReason,
  isValidOperatorKey, type OperatorPreferences as OperatorPreferencesValue,
  type PriceTargets as PriceTargetsValue, type Resources as ResourcesValue, type Service as ServiceValue,
  type ServiceRequest as ServiceRequestValue, type ServiceStatus, type TerminationReason as TerminationReasonValue,
} from './types.ts';
import { ServicesWeights } from './weights.ts';

const PALLET = 'Services';

/** The named reserve holding service deposits: "services". */
export const SERVICES_RESERVE: ReserveId = '0x7365727669636573';

// ---- events and errors ---------------------------------------------------------------------------

const Payments = BoundedVec(Tuple(AccountId32, Balance), MAX_OPERATORS_PER_SERVICE);

export const ServicesEvents = events(PALLET, {
  OperatorRegistered: [0, { operator: AccountId32, preferences: OperatorPreferences }, 'An operator registered.'],
  OperatorUnregistered: [1, { operator: AccountId32 }, 'An operator unregistered (dropping any pending price change).'],
  ApprovalPreferenceUpdated: [2, { operator: AccountId32, approval: ApprovalPreference }, 'An operator changed its approval preference.'],
  PriceTargetsUpdated: [3, { operator: AccountId32, price_targets: PriceTargets },
    'These price targets are in force now: a change\'s lowered fields at once, or a whole change that raises none.'],
  PriceChangeScheduled: [4, { operator: AccountId32, price_targets: PriceTargets, effective_at: BlockNumber },
    'A change that raises prices will be in force at `effective_at` (the fields it lowers already are).'],
  PendingPriceChangeReplaced: [5, { operator: AccountId32, price_targets: PriceTargets, effective_at: BlockNumber },
    'A later update replaced this pending change, which will not apply.'],
  PriceChangeApplied: [6, { operator: AccountId32, price_targets: PriceTargets }, 'A scheduled price change applied.'],
  PriceLimitsSet: [7, { min: PriceTargets, max: PriceTargets }, 'Root set the platform price limits.'],
  NoticePeriodSet: [8, { blocks: BlockNumber }, 'Root set the notice period of price increases.'],
  MaxIncreaseSet: [9, { max_increase: Permill }, 'Root set the cap on one price increase.'],
  ServiceRequested: [10, { request_id: RequestId, owner: AccountId32, operators: ServiceOperators, prices: BoundedVec(LockedPrice, MAX_OPERATORS_PER_SERVICE) },
    'A service was requested, at these hourly prices (micro-USD): each operator\'s quote now, locked until the service ends.'],
  ServiceRequestApproved: [11, { request_id: RequestId, operator: AccountId32 }, 'An operator approved a request.'],
  ServiceRequestRejected: [12, { request_id: RequestId, operator: AccountId32 }, 'An operator rejected a request: the deposit is returned.'],
  ServiceRequestCancelled: [13, { request_id: RequestId }, 'The owner withdrew a pending request: the deposit is returned.'],
  ServiceInitiated: [14, { service_id: ServiceId, request_id: RequestId, owner: AccountId32, prices: BoundedVec(LockedPrice, MAX_OPERATORS_PER_SERVICE) },
    'Every operator approved: the service runs at these hourly prices (micro-USD) until it ends.'],
  ServiceSettled: [15, { service_id: ServiceId, charged_through: BlockNumber, payments: Payments },
    'The service is charged for its blocks up to `charged_through`: what each operator received (planck, rounded down with the remainder carried to the next settlement; none listed when nothing was due).'],
  ServiceToppedUp: [16, { service_id: ServiceId, amount: Balance, balance: Balance }, 'The owner added to the deposit.'],
  ServiceTerminated: [17, { service_id: ServiceId, reason: TerminationReason, refund: Balance },
    'The service ended; what was left of its deposit went back to the owner.'],
});

export const ServicesErrors = errors(PALLET, {
  NotRegistered: [0, 'The caller is not a registered operator.'],
  AlreadyRegistered: [1, 'The caller is already a registered operator.'],
  InvalidKey: [2, 'The key is not a compressed secp256k1 public key.'],
  DuplicateKey: [3, 'Another operator registered this key.'],
  PriceOutOfBounds: [4, 'A price target is outside the platform limits (for a change: and farther from them than the value in force).'],
  PriceIncreaseTooLarge: [5, 'A price target rises above (1 + MaxPriceIncrease) x the larger of its value in force, its minimum and 1.'],
  AgendaFull: [6, 'Too many price changes already fall due in the block this one would.'],
  InvalidPriceLimits: [7, 'A minimum price is above its maximum.'],
  InvalidMaxIncrease: [8, 'The cap on one increase cannot exceed 100%.'],
  OperatorHasServices: [9, 'The operator still runs services.'],
  OperatorHasPendingRequests: [10, 'Requests naming the operator are pending: reject them first.'],
  NoOperators: [11, 'A request names no operator.'],
  DuplicateOperator: [12, 'A request names an operator twice.'],
  UnknownOperator: [13, 'A request names an account that is not a registered operator.'],
  ZeroTtl: [14, 'A service must run for at least one block.'],
  ZeroDeposit: [15, 'A deposit or top-up must be more than zero.'],
  PriceOverflow: [16, 'The hourly price of these resources does not fit a u64.'],
  TooManyRequests: [17, 'An operator already has the most pending requests it can have.'],
  TooManyServices: [18, 'An operator already runs the most services it can.'],
  RequestNotFound: [19, 'No pending request has this id.'],
  NotRequestOperator: [20, 'The caller is not an operator of this request.'],
  AlreadyApproved: [21, 'The caller already approved this request.'],
  NotOwner: [22, 'Only the owner may do this.'],
  ServiceNotFound: [23, 'No running service has this id.'],
  ServiceEnded: [24, 'The service ran out of deposit or time before this call.'],
});
const E = ServicesErrors;

// ---- operators and prices ------------------------------------------------------------------------

const currentBlock = (): number => System.Number.get();

function requireOperator(who: AccountId): OperatorPreferencesValue {
  const prefs = Operators.get(who);
  if (!prefs) throw E.NotRegistered;
  return prefs;
}

function checkPreferences(prefs: OperatorPreferencesValue): void {
  if (!isValidOperatorKey(prefs.key)) throw E.InvalidKey;
  if (OperatorKeys.contains(prefs.key)) throw E.DuplicateKey;
  if (!withinLimits(prefs.price_targets, PriceLimits.get())) throw E.PriceOutOfBounds;
}

/** Removes `who`'s pending change, from its agenda too; returns it. */
function takePendingChange(who: AccountId) {
  const pending = PendingPriceChanges.take(who);
  if (pending) {
    const rest = PriceChangeAgenda.get(pending.effective_at).filter((operator) => operator !== who);
    if (rest.length > 0) PriceChangeAgenda.insert(pending.effective_at, rest);
    else PriceChangeAgenda.remove(pending.effective_at);
  }
  return pending;
}

/**
 * A change applies its lowered fields at once and schedules the whole change for MinNoticeBlocks
 * later when it raises any field (by then its lowered fields are already in force, so only the
 * raised ones change). It replaces the operator's pending change, if any.
 */
function updatePriceTargets(who: AccountId, priceTargets: PriceTargetsValue): void {
  const prefs = requireOperator(who);
  const current = prefs.price_targets;
  const limits = PriceLimits.get();
  if (!allowedByLimits(current, priceTargets, limits)) throw E.PriceOutOfBounds;
  if (risesTooMuch(current, priceTargets, limits, MaxPriceIncrease.get())) throw E.PriceIncreaseTooLarge;
  const replaced = takePendingChange(who);
  if (replaced) ServicesEvents.deposit({ type: 'PendingPriceChangeReplaced', value: { operator: who, ...replaced } });
  const notice = MinNoticeBlocks.get();
  const scheduled = raisesAnyField(current, priceTargets) && notice > 0;
  const now = scheduled ? loweredPart(current, priceTargets) : priceTargets;
  if (!scheduled || raisesAnyField(now, current)) {
    Operators.insert(who, { ...prefs, price_targets: now });
    ServicesEvents.deposit({ type: 'PriceTargetsUpdated', value: { operator: who, price_targets: now } });
  }
  if (!scheduled) return;
  const effectiveAt = currentBlock() + notice;
  if (effectiveAt > U32_MAX) throw DispatchErrors.Overflow;
  const agenda = PriceChangeAgenda.get(effectiveAt);
  if (agenda.length >= MAX_SCHEDULED_PER_BLOCK) throw E.AgendaFull;
  PriceChangeAgenda.insert(effectiveAt, [...agenda, who]);
  PendingPriceChanges.insert(who, { price_targets: priceTargets, effective_at: effectiveAt });
  ServicesEvents.deposit({ type: 'PriceChangeScheduled', value: { operator: who, price_targets: priceTargets, effective_at: effectiveAt } });
}

function applyPendingChange(who: AccountId): void {
  const pending = PendingPriceChanges.take(who);
  const prefs = Operators.get(who);
  if (!pending || !prefs) return; // unregistering drops the change with its agenda entry: not reached
  Operators.insert(who, { ...prefs, price_targets: pending.price_targets });
  ServicesEvents.deposit({ type: 'PriceChangeApplied', value: { operator: who, price_targets: pending.price_targets } });
}

/**
 * Applies the changes due by block `now`, oldest block first, at most `maxChanges` of them and
 * visiting at most `maxChanges + 1` agendas (so a backlog of blocks shrinks by at least one a
 * block). What does not fit stays in its agenda and AgendaIncompleteSince points at it.
 */
function applyDueChanges(now: number, maxChanges: number): WeightValue {
  let block = AgendaIncompleteSince.take() ?? now;
  let applied = 0;
  let visits = 0;
  for (; block <= now && visits <= maxChanges; block++) {
    visits++;
    const due = PriceChangeAgenda.get(block);
    if (due.length === 0) continue;
    const room = maxChanges - applied;
    for (const who of due.slice(0, room)) applyPendingChange(who);
    applied += Math.min(room, due.length);
    if (due.length > room) {
      PriceChangeAgenda.insert(block, due.slice(room));
      break;
    }
    PriceChangeAgenda.remove(block);
  }
  if (block <= now) AgendaIncompleteSince.put(block);
  return ServicesWeights.onInitialize(visits, applied);
}

// ---- requests and services -----------------------------------------------------------------------

/** The operator's quote for `resources` now: its prices in force, moved into the platform limits. */
function quoteOrOverflow(prefs: OperatorPreferencesValue, resources: ResourcesValue): bigint {
  const perHour = quotedHourly(prefs.price_targets, PriceLimits.get(), resources);
  if (perHour === undefined) throw E.PriceOverflow;
  return perHour;
}

const without = <T>(list: readonly T[], item: T): T[] => list.filter((x) => x !== item);

/** Removes a request, and its id from each of its operators' lists. */
function forgetRequest(requestId: bigint, request: ServiceRequestValue): void {
  ServiceRequests.remove(requestId);
  for (const [operator] of request.operators) {
    const rest = without(OperatorRequests.get(operator), requestId);
    if (rest.length > 0) OperatorRequests.insert(operator, rest);
    else OperatorRequests.remove(operator);
  }
}

/** Removes a service, and its id from each of its operators' lists. */
function forgetService(serviceId: bigint, service: ServiceValue): void {
  Services.remove(serviceId);
  for (const { operator } of service.prices) {
    const rest = without(OperatorServices.get(operator), serviceId);
    if (rest.length > 0) OperatorServices.insert(operator, rest);
    else OperatorServices.remove(operator);
  }
}

function requireRegistered(operator: AccountId): OperatorPreferencesValue {
  const prefs = Operators.get(operator);
  if (!prefs) throw E.UnknownOperator;
  return prefs;
}

function ownedService(who: AccountId, serviceId: bigint): ServiceValue {
  const service = Services.get(serviceId);
  if (!service) throw E.ServiceNotFound;
  if (service.owner !== who) throw E.NotOwner;
  return service;
}

function pendingRequest(requestId: bigint): ServiceRequestValue {
  const request = ServiceRequests.get(requestId);
  if (!request) throw E.RequestNotFound;
  return request;
}

/** Starts the service of a fully approved request, at the prices quoted when it was requested. */
function initiate(requestId: bigint, request: ServiceRequestValue): void {
  const { prices } = request;
  const serviceId = NextServiceId.get();
  NextServiceId.put(serviceId + 1n);
  for (const { operator } of prices) {
    const running = OperatorServices.get(operator);
    if (running.length >= MAX_SERVICES_PER_OPERATOR) throw E.TooManyServices;
    OperatorServices.insert(operator, [...running, serviceId]);
  }
  Services.insert(serviceId, {
    owner: request.owner, request_id: requestId, resources: request.resources, prices,
    started_at: currentBlock(), ttl_blocks: request.ttl_blocks, charged_blocks: 0, balance: request.deposit, unpaid: prices.map(() => 0n),
  });
  ServicesEvents.deposit({ type: 'ServiceInitiated', value: { service_id: serviceId, request_id: requestId, owner: request.owner, prices } });
}

export interface ServicesConfig {
  /** Balances: holds deposits in the SERVICES_RESERVE named reserve and pays operators from it. */
  currency: Currency;
  /** Converts the locked micro-USD prices to planck when a service is charged. */
  oracle: PriceOracle;
  /** Due price changes applied per block at most; the rest carry to the next block. Default 32. */
  maxPriceChangesPerBlock?: number;
  /** Services the on_idle sweep visits per block at most. Default 16. */
  maxSweepPerBlock?: number;
  /** The sweep pays a running service once it owes this many blocks (and always when it ends). Default 600. */
  sweepSettlementPeriod?: number;
}

export function createServices(config: ServicesConfig) {
  const { currency, oracle } = config;
  const maxPriceChangesPerBlock = config.maxPriceChangesPerBlock ?? 32;
  const maxSweepPerBlock = config.maxSweepPerBlock ?? 16;
  const sweepSettlementPeriod = config.sweepSettlementPeriod ?? BLOCKS_PER_HOUR;
  const toPlanck = (microUsd: bigint, carried: bigint) => (microUsd === 0n ? { planck: 0n, carried } : oracle.usdToPlanckCarrying(microUsd, carried));

  const plan = (service: ServiceValue, now: number): SettlementPlan => planSettlement(service, now - service.started_at, toPlanck);

  /** Pays `owed` out of the owner's reserve; what Balances refuses to credit (a reaped operator account) stays there. */
  function pay(owner: AccountId, operator: AccountId, owed: bigint): bigint {
    try {
      return currency.repatriateReserved(SERVICES_RESERVE, owner, operator, owed);
    } catch (error) {
      if (error instanceof DispatchFailure) return 0n;
      throw error;
    }
  }

  /**
   * Carries out a settlement plan: pays the operators, and ends the service when the plan says so.
   * A payment an operator cannot receive stays in the deposit and goes back to the owner in the
   * refund: a reaped operator account must not keep its customers from ending their services.
   */
  function settle(serviceId: bigint, service: ServiceValue, settlement: SettlementPlan): ServiceValue | undefined {
    let balance = service.balance;
    const payments: [AccountId, bigint][] = [];
    service.prices.forEach(({ operator }, i) => {
      const paid = settlement.payments[i] === 0n ? 0n : pay(service.owner, operator, settlement.payments[i]);
      balance -= paid;
      if (paid > 0n) payments.push([operator, paid]);
    });
    const settled = { ...service, charged_blocks: settlement.chargedBlocks, balance, unpaid: settlement.unpaid };
    if (settlement.chargedBlocks > service.charged_blocks) {
      ServicesEvents.deposit({ type: 'ServiceSettled', value: {
        service_id: serviceId, charged_through: service.started_at + settlement.chargedBlocks, payments } });
    }
    if (settlement.end) {
      end(serviceId, settled, settlement.end);
      return undefined;
    }
    Services.insert(serviceId, settled);
    return settled;
  }

  function end(serviceId: bigint, service: ServiceValue, reason: TerminationReasonValue['type']): void {
    const refund = service.balance === 0n ? 0n : currency.unreserve(SERVICES_RESERVE, service.owner, service.balance);
    forgetService(serviceId, service);
    ServicesEvents.deposit({ type: 'ServiceTerminated', value: { service_id: serviceId, reason: { type: reason }, refund } });
  }

  function withdrawRequest(requestId: bigint, request: ServiceRequestValue): void {
    forgetRequest(requestId, request);
    currency.unreserve(SERVICES_RESERVE, request.owner, request.deposit);
  }

  /**
   * on_idle: visits up to `maxSweepPerBlock` services (as many as the weight left allows) after
   * the cursor, settling those that ended or owe `sweepSettlementPeriod` blocks or more. A
   * service whose settlement fails (no oracle price) is left for a later visit.
   */
  function sweep(now: number, remaining: WeightValue): WeightValue {
    const base = ServicesWeights.onIdle(0);
    const perService = subWeight(ServicesWeights.onIdle(1), base);
    if (!weightFits(base, remaining)) return ZERO_WEIGHT;
    const fitting = (left: bigint, per: bigint) => (per === 0n ? maxSweepPerBlock : Number(left / per));
    const budget = Math.min(maxSweepPerBlock,
      fitting(remaining.ref_time - base.ref_time, perService.ref_time),
      fitting(remaining.proof_size - base.proof_size, perService.proof_size));
    if (budget === 0) return ZERO_WEIGHT;
    const cursor = SweepCursor.get();
    const { entries } = Services.page(budget, { startAfter: cursor === undefined ? undefined : Services.key(cursor) });
    for (const [[serviceId], service] of entries) {
      try {
        storage().transactional(() => {
          const settlement = plan(service, now);
          if (settlement.end || settlement.chargedBlocks - service.charged_blocks >= sweepSettlementPeriod) settle(serviceId, service, settlement);
        });
      } catch (error) {
        if (!(error instanceof DispatchFailure)) throw error;
      }
    }
    if (entries.length === budget) SweepCursor.put(entries[entries.length - 1][0][0]);
    else SweepCursor.remove();
    return ServicesWeights.onIdle(entries.length);
  }

  /** The runtime API `service`: None when no running service has this id. Fails without an oracle price. */
  const api: ServicesQueries = { quote, operator, service: serviceStatus };

  function serviceStatus(serviceId: bigint): ServiceStatus | undefined {
    const service = Services.get(serviceId);
    if (!service) return undefined;
    const settlement = plan(service, currentBlock());
    return {
      service, charged_through: service.started_at + settlement.chargedBlocks, owed: settlement.total,
      ends: settlement.end && { type: settlement.end },
    };
  }

  const services = pallet({
    name: PALLET,
    docs: 'Operators, their price targets with delayed increases, and services at prices locked when they are requested.',
    storage: ServicesStorage,
    calls: {
      register: call({
        index: 0, origin: 'signed', args: { preferences: OperatorPreferences }, weight: ServicesWeights.register,
        docs: 'Register the caller as an operator with a unique ecdsa key, an approval preference and price targets within the limits.',
        dispatch: (who, { preferences }) => {
          if (Operators.contains(who)) throw E.AlreadyRegistered;
          checkPreferences(preferences);
          insertOperator(who, preferences);
          ServicesEvents.deposit({ type: 'OperatorRegistered', value: { operator: who, preferences } });
        },
      }),
      unregister: call({
        index: 1, origin: 'signed', args: {}, weight: ServicesWeights.unregister,
        docs: 'Stop being an operator. Refused while the caller runs services or requests name it.',
        dispatch: (who) => {
          const prefs = requireOperator(who);
          if (OperatorServices.get(who).length > 0) throw E.OperatorHasServices;
          if (OperatorRequests.get(who).length > 0) throw E.OperatorHasPendingRequests;
          takePendingChange(who);
          Operators.remove(who);
          OperatorKeys.remove(prefs.key);
          ServicesEvents.deposit({ type: 'OperatorUnregistered', value: { operator: who } });
        },
      }),
      update_approval_preference: call({
        index: 2, origin: 'signed', args: { approval: ApprovalPreference }, weight: ServicesWeights.updateApprovalPreference,
        docs: 'Require approval of new requests, or not. Requests already made keep the preference they were made under.',
        dispatch: (who, { approval }) => {
          Operators.insert(who, { ...requireOperator(who), approval });
          ServicesEvents.deposit({ type: 'ApprovalPreferenceUpdated', value: { operator: who, approval } });
        },
      }),
      update_price_targets: call({
        index: 3, origin: 'signed', args: { price_targets: PriceTargets }, weight: ServicesWeights.updatePriceTargets,
        docs: [
          'Change the caller\'s price targets, replacing any pending change. The fields it lowers apply at once; if it',
          'raises any field, the change applies in full MinNoticeBlocks later. A field may rise to at most (1 + MaxPriceIncrease)',
          'x the larger of its value in force, its platform minimum and 1 micro-USD (rounded up), so a field at 0 can rise and',
          'lowering first never allows a higher price. Each field must be within the limits or, if root narrowed them, no',
          'farther from them than its value in force. Running services and pending requests keep their prices.',
        ],
        dispatch: (who, { price_targets }) => updatePriceTargets(who, price_targets),
      }),
      set_price_limits: call({
        index: 4, origin: 'root', args: { min: PriceTargets, max: PriceTargets }, weight: ServicesWeights.setPriceLimits,
        docs: [
          'Set the bounds of every price target field. Prices in force or scheduled outside them stay, but new requests are',
          'quoted with each field moved into the limits, and an operator may move such a field only toward them.',
        ],
        dispatch: ({ min, max }) => {
          if (!limitsConsistent({ min, max })) throw E.InvalidPriceLimits;
          PriceLimits.put({ min, max });
          ServicesEvents.deposit({ type: 'PriceLimitsSet', value: { min, max } });
        },
      }),
      set_notice_period: call({
        index: 5, origin: 'root', args: { blocks: BlockNumber }, weight: ServicesWeights.setNoticePeriod,
        docs: 'Set the notice period of price increases (0: they apply at once). Changes already scheduled keep their block.',
        dispatch: ({ blocks }) => {
          MinNoticeBlocks.put(blocks);
          ServicesEvents.deposit({ type: 'NoticePeriodSet', value: { blocks } });
        },
      }),
      set_max_increase: call({
        index: 6, origin: 'root', args: { max_increase: Permill }, weight: ServicesWeights.setMaxIncrease,
        docs: 'Set the most a price field may rise in one change, at most 100%.',
        dispatch: ({ max_increase }) => {
          if (max_increase > PERMILL) throw E.InvalidMaxIncrease;
          MaxPriceIncrease.put(max_increase);
          ServicesEvents.deposit({ type: 'MaxIncreaseSet', value: { max_increase } });
        },
      }),
      request: call({
        index: 7, origin: 'signed',
        args: { operators: ServiceOperators, resources: Resources, ttl_blocks: BlockNumber, deposit: Balance },
        weight: ({ operators }) => ServicesWeights.request(operators.length),
        docs: [
          'Request a service on `operators` for `ttl_blocks` blocks, holding `deposit` to pay for it. Each operator\'s price',
          'is locked now at its quote (ServicesApi_quote: its prices in force, moved into the limits), however long the',
          'approvals take. Operators that require approval must approve; the others approve at once. When all have, the service starts.',
        ],
        dispatch: (who, { operators, resources, ttl_blocks, deposit }) => {
          if (operators.length === 0) throw E.NoOperators;
          if (new Set(operators).size !== operators.length) throw E.DuplicateOperator;
          if (ttl_blocks === 0) throw E.ZeroTtl;
          if (deposit === 0n) throw E.ZeroDeposit;
          const states = operators.map((operator) => {
            const prefs = requireRegistered(operator);
            return [operator, { type: prefs.approval.type === 'Required' ? 'Pending' : 'Approved' }] as [AccountId, { type: 'Pending' | 'Approved' }];
          });
          const prices = operators.map((operator) => ({ operator, per_hour: quoteOrOverflow(requireRegistered(operator), resources) }));
          const requestId = NextRequestId.get();
          NextRequestId.put(requestId + 1n);
          currency.reserve(SERVICES_RESERVE, who, deposit);
          const request: ServiceRequestValue = { owner: who, operators: states, prices, resources, ttl_blocks, deposit };
          ServicesEvents.deposit({ type: 'ServiceRequested', value: { request_id: requestId, owner: who, operators, prices } });
          if (states.every(([, state]) => state.type === 'Approved')) {
            initiate(requestId, request);
            return;
          }
          for (const operator of operators) {
            const pending = OperatorRequests.get(operator);
            if (pending.length >= MAX_PENDING_REQUESTS_PER_OPERATOR) throw E.TooManyRequests;
            OperatorRequests.insert(operator, [...pending, requestId]);
          }
          ServiceRequests.insert(requestId, request);
        },
      }),
      approve: call({
        index: 8, origin: 'signed', args: { request_id: RequestId }, weight: ServicesWeights.approve,
        docs: 'Approve a request naming the caller. The last approval starts the service at the prices locked by the request.',
        dispatch: (who, { request_id }) => {
          const request = pendingRequest(request_id);
          const at = request.operators.findIndex(([operator]) => operator === who);
          if (at < 0) throw E.NotRequestOperator;
          if (request.operators[at][1].type === 'Approved') throw E.AlreadyApproved;
          const approved = { ...request, operators: request.operators.map(([operator, state], i) =>
            [operator, i === at ? { type: 'Approved' } : state] as typeof request.operators[number]) };
          ServicesEvents.deposit({ type: 'ServiceRequestApproved', value: { request_id, operator: who } });
          if (approved.operators.every(([, state]) => state.type === 'Approved')) {
            forgetRequest(request_id, approved);
            initiate(request_id, approved);
          } else {
            ServiceRequests.insert(request_id, approved);
          }
        },
      }),
      reject: call({
        index: 9, origin: 'signed', args: { request_id: RequestId }, weight: ServicesWeights.reject,
        docs: 'Reject a request naming the caller (approved or not yet): it is dropped and its deposit returned.',
        dispatch: (who, { request_id }) => {
          const request = pendingRequest(request_id);
          if (!request.operators.some(([operator]) => operator === who)) throw E.NotRequestOperator;
          withdrawRequest(request_id, request);
          ServicesEvents.deposit({ type: 'ServiceRequestRejected', value: { request_id, operator: who } });
        },
      }),
      cancel_request: call({
        index: 10, origin: 'signed', args: { request_id: RequestId }, weight: ServicesWeights.cancelRequest,
        docs: 'Withdraw the caller\'s pending request and its deposit.',
        dispatch: (who, { request_id }) => {
          const request = pendingRequest(request_id);
          if (request.owner !== who) throw E.NotOwner;
          withdrawRequest(request_id, request);
          ServicesEvents.deposit({ type: 'ServiceRequestCancelled', value: { request_id } });
        },
      }),
      terminate: call({
        index: 11, origin: 'signed', args: { service_id: ServiceId }, weight: ServicesWeights.terminate,
        docs: 'End the caller\'s service: its operators are paid up to this block and the rest of the deposit returned.',
        dispatch: (who, { service_id }) => {
          const service = ownedService(who, service_id);
          const running = settle(service_id, service, plan(service, currentBlock()));
          if (running) end(service_id, running, 'ByOwner');
        },
      }),
      top_up: call({
        index: 12, origin: 'signed', args: { service_id: ServiceId, amount: Balance }, weight: ServicesWeights.topUp,
        docs: 'Add to the deposit of the caller\'s running service. Refused once its deposit or time has run out.',
        dispatch: (who, { service_id, amount }) => {
          if (amount === 0n) throw E.ZeroDeposit;
          const service = ownedService(who, service_id);
          const running = settle(service_id, service, plan(service, currentBlock()));
          if (!running) throw E.ServiceEnded;
          currency.reserve(SERVICES_RESERVE, who, amount);
          const balance = running.balance + amount;
          Services.insert(service_id, { ...running, balance });
          ServicesEvents.deposit({ type: 'ServiceToppedUp', value: { service_id, amount, balance } });
        },
      }),
    },
    events: ServicesEvents,
    errors: ServicesErrors,
    constants: {
      BlocksPerHour: constant(u32, BLOCKS_PER_HOUR, 'Blocks per hour: a price per block is the hourly price / this, remainder carried.'),
      MaxOperatorsPerService: constant(u32, MAX_OPERATORS_PER_SERVICE, 'The most operators a service runs on.'),
      MaxServicesPerOperator: constant(u32, MAX_SERVICES_PER_OPERATOR, 'The most running services an operator takes part in.'),
      MaxPendingRequestsPerOperator: constant(u32, MAX_PENDING_REQUESTS_PER_OPERATOR, 'The most pending requests naming one operator.'),
      MaxScheduledPerBlock: constant(u32, MAX_SCHEDULED_PER_BLOCK, 'The most price changes that fall due in one block.'),
      MaxPriceChangesPerBlock: constant(u32, maxPriceChangesPerBlock, 'The most due price changes applied in one block; the rest carry over.'),
      MaxSweepPerBlock: constant(u32, maxSweepPerBlock, 'The most services the on_idle sweep visits in one block.'),
      SweepSettlementPeriod: constant(BlockNumber, sweepSettlementPeriod, 'The sweep pays a service once it owes this many blocks.'),
      ReserveId: constant(FixedBytes(8), SERVICES_RESERVE as HexString, 'The named reserve holding service deposits.'),
    },
    hooks: {
      onInitialize: (block) => applyDueChanges(block, maxPriceChangesPerBlock),
      onIdle: sweep,
    },
    genesis: genesisConfig(ServicesGenesisConfig, buildGenesis),
    apis: () => [servicesApi(api)],
    benchmarks: async (self): Promise<PalletBenchmarks> => (await import('./benchmarks.ts')).servicesBenchmarks(self, config),
  });
  return Object.assign(services, { api });
}

