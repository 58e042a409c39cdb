// The Services workload for `simulate`: operators register, change prices (decreases at once,
// increases after the notice period, some refused by the cap or the limits) and approve or reject
// requests; customers request services, top them up and terminate them; a share of the calls
// fail on purpose, and a few are refused for a stale nonce. Each call's expected outcome is read
// from the head state. A block touches each signer, operator, request and service at most once,
// so that no call's outcome depends on another's in the same block.
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import type { HexString } from '../../primitives/scale.ts';
import type { AccountId } from '../../primitives/types.ts';
import { oraclePrice } from '../../pallets/oracle/index.ts';
import * as ServicesItems from '../../pallets/services/storage.ts';
import {
  allowedByLimits, chargeForBlocks, clampToLimits, planSettlement, quotedHourly, raisesAnyField, highestRise, risesTooMuch,
} from '../../pallets/services/pricing.ts';
import {
  MAX_PENDING_REQUESTS_PER_OPERATOR, MAX_SCHEDULED_PER_BLOCK, MAX_SERVICES_PER_OPERATOR, PRICE_FIELDS,
  type OperatorPreferences, type PriceTargets, type Resources, type Service, type ServiceRequest, type StorageClass,
} from '../../pallets/services/types.ts';
import { Account } from '../../frame/system/index.ts';
import { Services } from '../../runtime/runtime.ts';
import { accountOf, type SigningPair } from '../signer.ts';
import type { PlannedCall, Rng, Workload, WorkloadContext } from './types.ts';

const tx = Services.tx;
/** Deposits stay far below a dev account's funds: a request never fails for want of them. */
const MAX_DEPOSIT_SHARE = 100n;
/**
 * top_up is planned only for a service that could pay this many more blocks even if the token's
 * price fell PRICE_FALL times first (other workloads move the Oracle price in the same block).
 */
const TOP_UP_MARGIN = 10;
const PRICE_FALL = 10n;

/** The head state the planner reads, once per block. */
interface Head {
  /** The block the calls go into. */
  next: number;
  operators: Map<AccountId, OperatorPreferences>;
  pending: Map<AccountId, number>;
  requests: [bigint, ServiceRequest][];
  services: [bigint, Service][];
  limits: ReturnType<typeof ServicesItems.PriceLimits.get>;
  notice: number;
  maxIncrease: number;
  /** Changes already due at the block a change scheduled now would fall due at. */
  agendaAtNotice: number;
  load: (who: AccountId) => { services: number; requests: number };
  keyOwner: (key: HexString) => AccountId | undefined;
  account: (who: AccountId) => { free: bigint; nonce: number };
  toPlanck: (microUsd: bigint) => bigint;
  toPlanckCarrying: (microUsd: bigint, carried: bigint) => { planck: bigint; carried: bigint };
}

function readHead(ctx: WorkloadContext): Head {
  return ctx.chain.read((): Head => {
    const next = ctx.block;
    const notice = ServicesItems.MinNoticeBlocks.get();
    const loads = new Map<AccountId, { services: number; requests: number }>();
    for (const [[who], list] of ServicesItems.OperatorServices.entries()) loads.set(who, { services: list.length, requests: 0 });
    for (const [[who], list] of ServicesItems.OperatorRequests.entries()) loads.set(who, { services: loads.get(who)?.services ?? 0, requests: list.length });
    const keys = new Map([...ServicesItems.OperatorKeys.entries()].map(([[key], who]) => [key, who]));
    const accounts = new Map([...Account.entries()].map(([[who], info]) => [who, { free: info.data.free, nonce: info.nonce }]));
    return {
      next,
      operators: new Map([...ServicesItems.Operators.entries()].map(([[who], prefs]) => [who, prefs])),
      pending: new Map([...ServicesItems.PendingPriceChanges.entries()].map(([[who], change]) => [who, change.effective_at])),
      requests: [...ServicesItems.ServiceRequests.entries()].map(([[id], request]) => [id, request]),
      services: [...ServicesItems.Services.entries()].map(([[id], service]) => [id, service]),
      limits: ServicesItems.PriceLimits.get(),
      notice,
      maxIncrease: ServicesItems.MaxPriceIncrease.get(),
      agendaAtNotice: ServicesItems.PriceChangeAgenda.get(next + notice).length,
      load: (who) => loads.get(who) ?? { services: 0, requests: 0 },
      keyOwner: (key) => keys.get(key),
      account: (who) => accounts.get(who) ?? { free: 0n, nonce: 0 },
      toPlanck: (microUsd) => ctx.chain.read(() => oraclePrice.usdToPlanck(microUsd, 'down')),
      toPlanckCarrying: (microUsd, carried) => ctx.chain.read(() => oraclePrice.usdToPlanckCarrying(microUsd, carried)),
    };
  });
}

const operatorKeys = new Map<AccountId, HexString>();
/** The operator key an account registers with: an ecdsa key derived from its address. */
function operatorKey(who: AccountId, address: string): HexString {
  let key = operatorKeys.get(who);
  if (!key) {
    key = u8aToHex(new Keyring({ type: 'ecdsa' }).addFromUri(`//${address}//services`).publicKey) as HexString;
    operatorKeys.set(who, key);
  }
  return key;
}

/** What one block's calls have already touched. */
interface Touched { signers: Set<AccountId>; operators: Set<AccountId>; requests: Set<bigint>; services: Set<bigint> }

type Action = (head: Head, rng: Rng, signer: SigningPair, touched: Touched) => PlannedCall | undefined;

const call = (signer: SigningPair, value: PlannedCall['call'], ok: boolean): PlannedCall => ({ signer, call: value, expect: ok ? 'ok' : 'fail' });
const between = (rng: Rng, min: bigint, max: bigint): bigint => (max <= min ? min : min + BigInt(rng.int(Number(max - min + 1n))));
/** Prices around the dev operators' (micro-USD per hour), within the limits. */
const randomTargets = (head: Head, rng: Rng): PriceTargets => clampToLimits({
  cpu: between(rng, 10_000n, 50_000n), mem: between(rng, 2n, 10n), storage_hdd: between(rng, 30n, 90n),
  storage_ssd: between(rng, 80n, 200n), storage_nvme: between(rng, 120n, 300n),
}, head.limits);

/** An operator whose state no call of this block has touched and no change will alter before its calls. */
const settledOperator = (head: Head, touched: Touched, who: AccountId): boolean =>
  head.operators.has(who) && !touched.operators.has(who) && (head.pending.get(who) ?? Infinity) > head.next;

const register: Action = (head, rng, signer, touched) => {
  const who = accountOf(signer);
  if (touched.operators.has(who)) return undefined;
  touched.operators.add(who);
  const valid = rng.next() >= 0.1;
  const key = valid ? operatorKey(who, signer.address) : (`0x${'00'.repeat(33)}` as HexString);
  const owner = head.keyOwner(key);
  const preferences = { key, approval: { type: rng.next() < 0.3 ? 'Required' as const : 'None' as const }, price_targets: randomTargets(head, rng) };
  return call(signer, tx.register({ preferences }), valid && !head.operators.has(who) && owner === undefined);
};

/** Price updates: a share cut a price, a share raise it within the cap, the rest go over the cap. */
const updatePrices = ({ decreaseShare, raiseShare }: Pick<ServicesProfile, 'decreaseShare' | 'raiseShare'>): Action => (head, rng, signer, touched) => {
  const who = accountOf(signer);
  const prefs = head.operators.get(who);
  if (!prefs) return touched.operators.has(who) ? undefined : call(signer, tx.update_price_targets({ price_targets: randomTargets(head, rng) }), false);
  if (!settledOperator(head, touched, who)) return undefined;
  touched.operators.add(who);
  const current = prefs.price_targets;
  const field = rng.pick(PRICE_FIELDS);
  const value = current[field];
  const cap = highestRise(value, head.limits.min[field], head.maxIncrease) - value;
  const mode = rng.next();
  const changed = mode < decreaseShare ? value - value / 4n - 1n // a decrease (below the minimum now and then)
    : mode < decreaseShare + raiseShare ? value + between(rng, 1n, cap > 0n ? cap : 1n) // a rise within the cap (above the maximum now and then)
      : value + cap + 1n; // just over the cap
  const price_targets = { ...current, [field]: changed < 0n ? 0n : changed };
  const scheduled = raisesAnyField(current, price_targets) && head.notice > 0;
  const ok = allowedByLimits(current, price_targets, head.limits) && !risesTooMuch(current, price_targets, head.limits, head.maxIncrease)
    && !(scheduled && head.agendaAtNotice >= MAX_SCHEDULED_PER_BLOCK);
  if (ok && scheduled) head.agendaAtNotice++;
  return call(signer, tx.update_price_targets({ price_targets }), ok);
};

const updateApproval: Action = (head, rng, signer, touched) => {
  const who = accountOf(signer);
  if (touched.operators.has(who)) return undefined;
  touched.operators.add(who);
  return call(signer, tx.update_approval_preference({ approval: { type: rng.next() < 0.5 ? 'Required' : 'None' } }), head.operators.has(who));
};

const unregister: Action = (head, _rng, signer, touched) => {
  const who = accountOf(signer);
  if (!head.operators.has(who) || touched.operators.has(who)) return undefined;
  touched.operators.add(who);
  const load = head.load(who);
  return call(signer, tx.unregister({}), load.services === 0 && load.requests === 0);
};

const CLASSES: StorageClass['type'][] = ['Hdd', 'Ssd', 'Nvme'];

const request: Action = (head, rng, signer, touched) => {
  const free = [...head.operators.keys()].filter((who) => settledOperator(head, touched, who));
  if (free.length === 0) return undefined;
  const operators = [...new Set(Array.from({ length: 1 + rng.int(3) }, () => rng.pick(free)))];
  const stranger = rng.next() < 0.05 ? accountOf(signer) : undefined; // names itself, not an operator
  if (stranger && !head.operators.has(stranger) && !touched.operators.has(stranger)) operators.push(stranger);
  const resources: Resources = {
    vcpu: 1 + rng.int(8), mem_mb: 512 * (1 + rng.int(32)), storage_gb: 10 * (1 + rng.int(50)), storage_class: { type: rng.pick(CLASSES) },
  };
  const ttl_blocks = rng.next() < 0.05 ? 0 : 20 + rng.int(1000);
  const hourly = operators.map((who) => head.operators.get(who) && quotedHourly(head.operators.get(who)!.price_targets, head.limits, resources));
  const registered = hourly.every((price) => price !== undefined);
  // Between a fifth and one and a half times what the whole TTL costs: some run out, some expire.
  const cost = registered ? head.toPlanck(hourly.reduce((sum: bigint, h) => sum + chargeForBlocks(h!, ttl_blocks), 0n)) : 0n;
  const deposit = (cost * BigInt(20 + rng.int(130))) / 100n + 1n;
  if (deposit > head.account(accountOf(signer)).free / MAX_DEPOSIT_SHARE) return undefined;
  for (const who of operators) touched.operators.add(who);
  const startsAtOnce = operators.every((who) => head.operators.get(who)?.approval.type === 'None');
  const room = operators.every((who) => (startsAtOnce
    ? head.load(who).services < MAX_SERVICES_PER_OPERATOR
    : head.load(who).requests < MAX_PENDING_REQUESTS_PER_OPERATOR));
  return call(signer, tx.request({ operators, resources, ttl_blocks, deposit }), registered && ttl_blocks > 0 && room);
};

const untouchedRequests = (head: Head, touched: Touched) => head.requests.filter(([id, request]) =>
  !touched.requests.has(id) && request.operators.every(([who]) => settledOperator(head, touched, who)));
const claim = (touched: Touched, id: bigint, request: ServiceRequest) => {
  touched.requests.add(id);
  for (const [who] of request.operators) touched.operators.add(who);
};

const approve: Action = (head, rng, signer, touched) => {
  const who = accountOf(signer);
  const mine = untouchedRequests(head, touched).filter(([, r]) => r.operators.some(([op, state]) => op === who && state.type === 'Pending'));
  const candidates = mine.length > 0 ? mine : untouchedRequests(head, touched).filter(([, r]) => !r.operators.some(([op]) => op === who));
  if (candidates.length === 0) return undefined;
  const [id, r] = rng.pick(candidates);
  claim(touched, id, r);
  if (mine.length === 0) return call(signer, tx.approve({ request_id: id }), false); // not one of its operators
  const last = r.operators.every(([op, state]) => op === who || state.type === 'Approved');
  const starts = r.operators.every(([op]) => head.load(op).services < MAX_SERVICES_PER_OPERATOR);
  return call(signer, tx.approve({ request_id: id }), !last || starts);
};

const reject: Action = (head, rng, signer, touched) => {
  const who = accountOf(signer);
  const mine = untouchedRequests(head, touched).filter(([, r]) => r.operators.some(([op]) => op === who));
  if (mine.length === 0) return undefined;
  const [id, r] = rng.pick(mine);
  claim(touched, id, r);
  return call(signer, tx.reject({ request_id: id }), true);
};

const cancel: Action = (head, rng, signer, touched) => {
  const mine = untouchedRequests(head, touched).filter(([, r]) => r.owner === accountOf(signer));
  if (mine.length === 0) return undefined;
  const [id, r] = rng.pick(mine);
  claim(touched, id, r);
  return call(signer, tx.cancel_request({ request_id: id }), true);
};

const untouchedServices = (head: Head, touched: Touched) => head.services.filter(([id]) => !touched.services.has(id));

const topUp: Action = (head, rng, signer, touched) => {
  const who = accountOf(signer);
  const candidates = untouchedServices(head, touched);
  if (candidates.length === 0) return undefined;
  const [id, service] = rng.pick(candidates);
  touched.services.add(id);
  const amount = head.account(who).free / (MAX_DEPOSIT_SHARE * 10n);
  if (service.owner !== who) return call(signer, tx.top_up({ service_id: id, amount }), false);
  // Refused once the deposit or the TTL ran out; planned only well before either, or not at all.
  const later = planSettlement(service, head.next + TOP_UP_MARGIN - service.started_at, (microUsd, carried) => head.toPlanckCarrying(microUsd * PRICE_FALL, carried));
  return later.end ? undefined : call(signer, tx.top_up({ service_id: id, amount }), true);
};

const terminate: Action = (head, rng, signer, touched) => {
  const who = accountOf(signer);
  const mine = untouchedServices(head, touched).filter(([, service]) => service.owner === who);
  if (mine.length === 0) {
    const unknown = head.services.reduce((max, [id]) => (id >= max ? id + 1n : max), 0n) + BigInt(rng.int(1000));
    return call(signer, tx.terminate({ service_id: unknown }), false);
  }
  const [id] = rng.pick(mine);
  touched.services.add(id);
  return call(signer, tx.terminate({ service_id: id }), true);
};

/** A Services call signed with a nonce already used: the pool and the block refuse it. */
const stale: Action = (head, _rng, signer) => {
  const { nonce } = head.account(accountOf(signer));
  return nonce === 0 ? undefined : { signer, call: tx.unregister({}), expect: 'refused', nonce: nonce - 1 };
};

/** The kinds of call, in the order their weights are laid out (which the seeded choice depends on). */
export const SERVICE_ACTIONS = ['register', 'updatePrices', 'updateApproval', 'unregister', 'request', 'approve', 'reject', 'cancel', 'topUp', 'terminate', 'stale'] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

function actionPicker(profile: ServicesProfile): (rng: Rng) => Action {
  const actions: Record<ServiceAction, Action> = {
    register, updatePrices: updatePrices(profile), updateApproval, unregister, request, approve, reject, cancel, topUp, terminate, stale,
  };
  const weighted = SERVICE_ACTIONS.map((name) => [actions[name], profile.actions[name]] as const);
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  return (rng) => {
    let at = rng.next() * total;
    for (const [action, w] of weighted) {
      if (at < w) return action;
      at -= w;
    }
    return weighted[weighted.length - 1][0];
  };
}

/** Up to `maxCallsPerBlock` Services calls a block, each by a different signer. */
export function servicesWorkload(profile: ServicesProfile): Workload {
  const { maxCallsPerBlock } = profile;
  const pickAction = actionPicker(profile);
  return {
    name: 'services',
    plan: (ctx) => {
      const head = readHead(ctx);
      const touched: Touched = { signers: new Set(), operators: new Set(), requests: new Set(), services: new Set() };
      const planned: PlannedCall[] = [];
      const calls = ctx.rng.int(maxCallsPerBlock + 1);
      for (let attempt = 0; planned.length < calls && attempt < 4 * maxCallsPerBlock; attempt++) {
        const signer = ctx.rng.pick(ctx.accounts);
        if (touched.signers.has(accountOf(signer))) continue;
        const plan = pickAction(ctx.rng)(head, ctx.rng, signer, touched);
        if (!plan) continue;
        touched.signers.add(accountOf(signer));
        planned.push(plan);
      }
      return planned;
    },
  };
}

/** This workload's section of a simulate profile (profiles.ts). */
export interface ServicesProfile {
  /** The most Services calls in one block. */
  maxCallsPerBlock: number;
  /** How often each kind of call comes up (relative weights). */
  actions: Record<ServiceAction, number>;
  /** Share of price updates that cut a price; then `raiseShare` raise within the cap; the rest go over it. */
  decreaseShare: number;
  raiseShare: number;
}
