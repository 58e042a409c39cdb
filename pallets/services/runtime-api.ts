// ServicesApi, as a pallet's runtime-api crate declares it: quote, operator and service, reached
// through state_call("ServicesApi_<method>", SCALE(inputs)) and described in Metadata V15; and the
// two queries that only read storage (`service` needs the pallet's settlement, in index.ts).
import { Option } from '../../primitives/scale.ts';
import { AccountId32 } from '../../primitives/types.ts';
import { method, runtimeApi, type RuntimeApi } from '../../frame/runtime-api.ts';
import type { AccountId } from '../../primitives/types.ts';
import { priceOf, quotedHourly } from './pricing.ts';
import { OperatorRequests, OperatorServices, Operators, PendingPriceChanges, PriceLimits } from './storage.ts';
import {
  OperatorInfo, Quote, Resources, ServiceId, ServiceStatus, type OperatorInfo as OperatorInfoValue, type Quote as QuoteValue,
  type Resources as ResourcesValue, type ServiceStatus as ServiceStatusValue,
} from './types.ts';

/**
 * ServicesApi_quote: what `resources` cost at `operator`, in micro-USD, now (what a request made
 * now locks) and once its pending change applies, each with the prices moved into the platform
 * limits. None for an account that is not an operator or a price over u64.
 */
export function quote(operator: AccountId, resources: ResourcesValue): QuoteValue | undefined {
  const prefs = Operators.get(operator);
  const limits = PriceLimits.get();
  const perHour = prefs && quotedHourly(prefs.price_targets, limits, resources);
  if (perHour === undefined) return undefined;
  const pending = PendingPriceChanges.get(operator);
  const after = pending && quotedHourly(pending.price_targets, limits, resources);
  return {
    now: priceOf(perHour),
    after_pending_change: pending && after !== undefined ? [priceOf(after), pending.effective_at] : undefined,
  };
}

/** ServicesApi_operator: an operator's preferences, pending change, running services and pending requests. */
export function operator(account: AccountId): OperatorInfoValue | undefined {
  const preferences = Operators.get(account);
  if (!preferences) return undefined;
  return {
    preferences,
    pending_change: PendingPriceChanges.get(account),
    services: OperatorServices.get(account),
    pending_requests: OperatorRequests.get(account),
  };
}

/** What ServicesApi asks of the Services pallet. */
export interface ServicesQueries {
  quote(operator: AccountId, resources: ResourcesValue): QuoteValue | undefined;
  operator(account: AccountId): OperatorInfoValue | undefined;
  service(serviceId: bigint): ServiceStatusValue | undefined;
}

export function servicesApi(queries: ServicesQueries): RuntimeApi {
  return runtimeApi('ServicesApi', 1, {
    quote: method({
      inputs: { operator: AccountId32, resources: Resources }, output: Option(Quote),
      docs: ['What `resources` cost at `operator` (micro-USD per hour and per block), now and once its pending change applies.',
        'None when the account is not an operator or the price does not fit a u64.'],
      call: ({ operator, resources }) => queries.quote(operator, resources),
    }),
    operator: method({
      inputs: { account: AccountId32 }, output: Option(OperatorInfo),
      docs: ['An operator\'s preferences, pending price change, running services and pending requests.'],
      call: ({ account }) => queries.operator(account),
    }),
    service: method({
      inputs: { service_id: ServiceId }, output: Option(ServiceStatus),
      docs: ['A running service, and what settling it now would charge (planck, at the Oracle price) and whether it would end.'],
      call: ({ service_id }) => queries.service(service_id),
    }),
  }, ['The runtime API of the Services pallet.']);
}
