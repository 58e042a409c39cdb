// ServicesApi, as a pallet's runtime-api crate declares it: quote, operator and service, reached
// through state_call("ServicesApi_<method>", SCALE(inputs)) and described in Metadata V15.
import { Option } from '../../primitives/scale.ts';
import { AccountId32 } from '../../primitives/types.ts';
import { method, runtimeApi, type RuntimeApi } from '../../frame/apis.ts';
import { OperatorInfo, Quote, Resources, ServiceId, ServiceStatus } from './types.ts';
import type { createServices } from './index.ts';

type ServicesQueries = ReturnType<typeof createServices>['api'];

export function servicesApi(services: () => { api: ServicesQueries }): RuntimeApi {
  return runtimeApi('ServicesApi', 1, {
    quote: method({
      inputs: { operator: AccountId32, resources: Resources }, output: Option(Quote),
      docs: ['What `resources` cost at `operator` (micro-USD per hour and per block), now and once its pending change applies.',
        'None when the account is not an operator or the price does not fit a u64.'],
      call: ({ operator, resources }) => services().api.quote(operator, resources),
    }),
    operator: method({
      inputs: { account: AccountId32 }, output: Option(OperatorInfo),
      docs: ['An operator\'s preferences, pending price change, running services and pending requests.'],
      call: ({ account }) => services().api.operator(account),
    }),
    service: method({
      inputs: { service_id: ServiceId }, output: Option(ServiceStatus),
      docs: ['A running service, and what settling it now would charge (planck, at the Oracle price) and whether it would end.'],
      call: ({ service_id }) => services().api.service(service_id),
    }),
  }, ['The runtime API of the Services pallet.']);
}
