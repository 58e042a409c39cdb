// The workloads `simulate` runs by default, one per part of the runtime.
import { balancesWorkload } from './balances.ts';
import { servicesWorkload } from './services.ts';
import { sliceMarketplaceWorkload } from './slice-marketplace.ts';
import type { Workload } from './types.ts';

export const defaultWorkloads = (): Workload[] => [balancesWorkload, servicesWorkload(), sliceMarketplaceWorkload];
