// A synthetic ThreeFold grid export: a few hundred nodes in gridproxy's `/nodes` shape, with the
// hardware mixes, locations and statuses the real grid shows. The dev spec's `sliceMarketplace`
// section carries it (a test keeps the two identical); `npx tsx genesis/grid-sample.ts` prints it.
// Farms belong to the dev accounts Charlie, Dave, Eve and Ferdie, so the dev chain can act as any
// farmer; Alice and Bob stay plain users.
import { Keyring } from '@polkadot/keyring';
import { pathToFileURL } from 'node:url';

const GIB = 2 ** 30;

/** A hardware profile: cores, GiB of RAM, GiB of SSD, GiB of HDD, and how common it is. */
interface Profile { cru: number; mru: number; sru: number; hru: number; weight: number; certified: boolean }

const PROFILES: Profile[] = [
  { cru: 4, mru: 16, sru: 512, hru: 0, weight: 18, certified: false },
  { cru: 8, mru: 32, sru: 1_024, hru: 4_000, weight: 22, certified: false },
  { cru: 12, mru: 64, sru: 2_000, hru: 8_000, weight: 14, certified: false },
  { cru: 16, mru: 64, sru: 1_000, hru: 0, weight: 10, certified: false },
  { cru: 32, mru: 128, sru: 2_000, hru: 16_000, weight: 14, certified: true },
  { cru: 48, mru: 256, sru: 4_000, hru: 24_000, weight: 10, certified: true },
  { cru: 64, mru: 512, sru: 8_000, hru: 48_000, weight: 8, certified: true },
  { cru: 128, mru: 1_024, sru: 16_000, hru: 96_000, weight: 4, certified: true },
];

/** Where grid farms are, weighted roughly as the grid's node counts by country. */
const PLACES: [country: string, city: string, weight: number][] = [
  ['Belgium', 'Ghent', 16], ['Belgium', 'Lochristi', 8], ['Belgium', 'Brussels', 5],
  ['Netherlands', 'Amsterdam', 6], ['Germany', 'Frankfurt', 6], ['Germany', 'Berlin', 3],
  ['Austria', 'Vienna', 5], ['Switzerland', 'Zurich', 4], ['United States', 'Ashburn', 6],
  ['United States', 'New York', 3], ['Canada', 'Toronto', 3], ['Egypt', 'Cairo', 5],
  ['Tanzania', 'Zanzibar', 4], ['Brazil', 'São Paulo', 3], ['India', 'Mumbai', 4],
  ['Vietnam', 'Ho Chi Minh City', 3], ['Japan', 'Tokyo', 2], ['United Arab Emirates', 'Dubai', 3],
];

const STATUSES: [status: string, weight: number][] = [['up', 80], ['standby', 12], ['down', 8]];

/** mulberry32: a tiny seeded generator, so the sample is the same on every machine. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function weighted<T>(random: () => number, items: readonly T[], weightOf: (item: T) => number): T {
  const total = items.reduce((sum, item) => sum + weightOf(item), 0);
  let at = random() * total;
  for (const item of items) {
    at -= weightOf(item);
    if (at < 0) return item;
  }
  return items[items.length - 1];
}

export const FARMER_NAMES = ['Charlie', 'Dave', 'Eve', 'Ferdie'] as const;

export interface GridSample {
  farms: Record<string, string>;
  gridNodes: Record<string, unknown>[];
}

/** `farmCount` farms with `nodeCount` nodes between them; each farm sits in one place. */
export function gridSample(nodeCount = 300, farmCount = 36, seed = 2024): GridSample {
  const random = seeded(seed);
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const farmers = FARMER_NAMES.map((name) => keyring.addFromUri(`//${name}`).address);
  const farms: Record<string, string> = {};
  const farmPlaces: [string, string][] = [];
  for (let farm = 1; farm <= farmCount; farm++) {
    farms[String(farm)] = farmers[(farm - 1) % farmers.length];
    const [country, city] = weighted(random, PLACES, (p) => p[2]);
    farmPlaces.push([country, city]);
  }
  const gridNodes = Array.from({ length: nodeCount }, (_, i) => {
    const farmId = 1 + Math.floor(random() * farmCount);
    const [country, city] = farmPlaces[farmId - 1];
    const profile = weighted(random, PROFILES, (p) => p.weight);
    const nodeId = 1 + i;
    return {
      nodeId,
      farmId,
      twinId: 1000 + nodeId,
      country,
      city,
      uptime: Math.floor(random() * 90 * 86_400),
      total_resources: { cru: profile.cru, mru: profile.mru * GIB, sru: profile.sru * GIB, hru: profile.hru * GIB },
      status: weighted(random, STATUSES, (s) => s[1])[0],
      certificationType: profile.certified ? 'Certified' : 'Diy',
    };
  });
  return { farms, gridNodes };
}

/** The sample as the dev spec holds it: one node per line. */
export function formatSample(sample: GridSample, indent: string): string {
  const farms = Object.entries(sample.farms).map(([id, account]) => `${JSON.stringify(id)}: ${JSON.stringify(account)}`);
  return [
    `${indent}"farms": {`,
    farms.map((line) => `${indent}  ${line}`).join(',\n'),
    `${indent}},`,
    `${indent}"gridNodes": [`,
    sample.gridNodes.map((node) => `${indent}  ${JSON.stringify(node)}`).join(',\n'),
    `${indent}]`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { cryptoWaitReady } = await import('@polkadot/util-crypto');
  await cryptoWaitReady();
  console.log(formatSample(gridSample(), '          '));
}
