// Workload profiles: the mix and intensity of `simulate`'s seeded workload (demand, farmers'
// pricing, operators' price strategies, node outages, churn). `balanced` is the workload simulate
// has always run, so `simulate --seed 7` writes the same blocks with or without it. A profile file
// is JSON: `{ "extends": "balanced", "marketplace": { ... }, "services": { ... } }`, every field
// optional, unknown fields refused by name.
import { readFileSync } from 'node:fs';
import { balancesWorkload } from './balances.ts';
import { SERVICE_ACTIONS, servicesWorkload, type ServicesProfile } from './services.ts';
import { SCENARIOS, sliceMarketplaceWorkload, type MarketplaceProfile } from './slice-marketplace.ts';
import type { Workload } from './types.ts';

export interface Profile {
  name: string;
  description: string;
  marketplace: MarketplaceProfile;
  services: ServicesProfile;
}

const balanced: Profile = {
  name: 'balanced',
  description: 'The default mix: renting dominates, farmers price anywhere in the band, operators cut and raise alike.',
  marketplace: {
    scenariosPerBlock: 6,
    mix: {
      rentSlice: 6, rentSlices: 4, conflictingRentals: 2, cancel: 3, rentTooMany: 1, rentFromDownNode: 1, cancelSomeoneElses: 1,
      setPrice: 2, togglePriceLock: 1, setStatus: 2, updateCapacity: 2, collectIncome: 2, removeBusyNode: 1, registerNode: 1,
    },
    maxSlicesPerRental: 4,
    farmerPricing: 'uniform',
    outageShare: null,
  },
  services: {
    maxCallsPerBlock: 3,
    actions: { register: 2, updatePrices: 5, updateApproval: 1, unregister: 1, request: 5, approve: 3, reject: 1, cancel: 1, topUp: 2, terminate: 1, stale: 0.3 },
    decreaseShare: 0.4,
    raiseShare: 0.4,
  },
};

/** A profile that changes some of `base`'s fields. */
const derive = (base: Profile, name: string, description: string, change: { marketplace?: Partial<MarketplaceProfile>; services?: Partial<ServicesProfile> }): Profile => ({
  name,
  description,
  marketplace: { ...base.marketplace, ...change.marketplace, mix: { ...base.marketplace.mix, ...change.marketplace?.mix } },
  services: { ...base.services, ...change.services, actions: { ...base.services.actions, ...change.services?.actions } },
});

export const PROFILES: Readonly<Record<string, Profile>> = Object.fromEntries([
  balanced,
  derive(balanced, 'scarce-capacity', 'Twice the demand, big group rentals, few cancellations and no new capacity: slices run out.', {
    marketplace: {
      scenariosPerBlock: 12, maxSlicesPerRental: 8,
      mix: { ...balanced.marketplace.mix, rentSlice: 8, rentSlices: 10, conflictingRentals: 3, cancel: 1, updateCapacity: 0, registerNode: 0, removeBusyNode: 0 },
    },
    services: { actions: { ...balanced.services.actions, request: 8, terminate: 0.5 } },
  }),
  derive(balanced, 'price-war', 'Farmers undercut the cheapest node and operators mostly cut their prices.', {
    marketplace: { farmerPricing: 'undercut', mix: { ...balanced.marketplace.mix, setPrice: 8, togglePriceLock: 0 } },
    services: { decreaseShare: 0.8, raiseShare: 0.15, actions: { ...balanced.services.actions, updatePrices: 10 } },
  }),
  derive(balanced, 'outages', 'Nodes go Down often (and come back), renters cancel and re-rent: churn.', {
    marketplace: { outageShare: 0.7, mix: { ...balanced.marketplace.mix, setStatus: 8, cancel: 5, rentFromDownNode: 2 } },
    services: { actions: { ...balanced.services.actions, terminate: 3, unregister: 2, register: 3 } },
  }),
].map((profile) => [profile.name, profile]));

export const DEFAULT_PROFILE = balanced;

/** The workloads `simulate` runs under `profile`. */
export const profileWorkloads = (profile: Profile = DEFAULT_PROFILE): Workload[] =>
  [balancesWorkload, servicesWorkload(profile.services), sliceMarketplaceWorkload(profile.marketplace)];

// ---- profile files ------------------------------------------------------------------------------

export class ProfileError extends Error {
  constructor(field: string, reason: string) {
    super(`profile ${field}: ${reason}`);
    this.name = 'ProfileError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function objectAt(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  if (!isObject(value)) throw new ProfileError(field, `expected an object, got ${JSON.stringify(value)}`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new ProfileError(`${field}.${key}`, `unknown field (expected one of ${allowed.join(', ')})`);
  }
  return value;
}

function numberAt(value: unknown, field: string, { integer = false, max = Infinity } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max || (integer && !Number.isInteger(value))) {
    throw new ProfileError(field, `expected a ${integer ? 'whole ' : ''}number from 0${max < Infinity ? ` to ${max}` : ''}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function weights<K extends string>(value: unknown, field: string, names: readonly K[], base: Record<K, number>, integer: boolean): Record<K, number> {
  const given = objectAt(value ?? {}, field, names);
  const out = { ...base };
  for (const [key, weight] of Object.entries(given)) out[key as K] = numberAt(weight, `${field}.${key}`, { integer });
  if (Object.values<number>(out).every((w) => w === 0)) throw new ProfileError(field, 'at least one weight must be above 0');
  return out;
}

/** A profile from its JSON (as a profile file holds it), over the profile it extends. */
export function parseProfile(json: unknown, name: string): Profile {
  const root = objectAt(json, '(root)', ['extends', 'description', 'marketplace', 'services']);
  const baseName = root.extends ?? 'balanced';
  if (typeof baseName !== 'string' || !PROFILES[baseName]) throw new ProfileError('extends', `expected one of ${Object.keys(PROFILES).join(', ')}, got ${JSON.stringify(baseName)}`);
  const base = PROFILES[baseName];
  const m = objectAt(root.marketplace ?? {}, 'marketplace', ['scenariosPerBlock', 'mix', 'maxSlicesPerRental', 'farmerPricing', 'outageShare']);
  const s = objectAt(root.services ?? {}, 'services', ['maxCallsPerBlock', 'actions', 'decreaseShare', 'raiseShare']);
  const pricing = m.farmerPricing ?? base.marketplace.farmerPricing;
  if (pricing !== 'uniform' && pricing !== 'undercut') throw new ProfileError('marketplace.farmerPricing', `expected "uniform" or "undercut", got ${JSON.stringify(pricing)}`);
  const services: ServicesProfile = {
    maxCallsPerBlock: s.maxCallsPerBlock !== undefined ? numberAt(s.maxCallsPerBlock, 'services.maxCallsPerBlock', { integer: true, max: 6 }) : base.services.maxCallsPerBlock,
    actions: weights(s.actions, 'services.actions', SERVICE_ACTIONS, base.services.actions, false),
    decreaseShare: s.decreaseShare !== undefined ? numberAt(s.decreaseShare, 'services.decreaseShare', { max: 1 }) : base.services.decreaseShare,
    raiseShare: s.raiseShare !== undefined ? numberAt(s.raiseShare, 'services.raiseShare', { max: 1 }) : base.services.raiseShare,
  };
  if (services.decreaseShare + services.raiseShare > 1) throw new ProfileError('services', 'decreaseShare + raiseShare must not exceed 1');
  return {
    name,
    description: typeof root.description === 'string' ? root.description : `${name} (extends ${baseName})`,
    marketplace: {
      scenariosPerBlock: m.scenariosPerBlock !== undefined ? numberAt(m.scenariosPerBlock, 'marketplace.scenariosPerBlock', { integer: true, max: 100 }) : base.marketplace.scenariosPerBlock,
      mix: weights(m.mix, 'marketplace.mix', SCENARIOS, base.marketplace.mix, true),
      maxSlicesPerRental: m.maxSlicesPerRental !== undefined ? Math.max(1, numberAt(m.maxSlicesPerRental, 'marketplace.maxSlicesPerRental', { integer: true, max: 64 })) : base.marketplace.maxSlicesPerRental,
      farmerPricing: pricing,
      outageShare: m.outageShare === undefined ? base.marketplace.outageShare : m.outageShare === null ? null : numberAt(m.outageShare, 'marketplace.outageShare', { max: 1 }),
    },
    services,
  };
}

/** `--profile`: a named profile, or the path of a profile file. */
export function loadProfile(nameOrFile: string): Profile {
  if (PROFILES[nameOrFile]) return PROFILES[nameOrFile];
  let text: string;
  try {
    text = readFileSync(nameOrFile, 'utf8');
  } catch (error) {
    throw new ProfileError('--profile', `"${nameOrFile}" is neither a profile (${Object.keys(PROFILES).join(', ')}) nor a readable file: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ProfileError(nameOrFile, `not JSON: ${(error as Error).message}`);
  }
  return parseProfile(json, nameOrFile);
}
