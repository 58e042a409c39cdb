// The pallet's genesis config, read from a chain spec: the platform price band, the rental month,
// and nodes imported from a ThreeFold grid export (gridproxy's `/nodes` shape: total_resources in
// bytes, farmId, country, city, certificationType, status). A malformed record is refused naming
// it, e.g. `...sliceMarketplace.gridNodes[17] (nodeId 4711).total_resources.mru: expected an integer`.
import { stringToU8a } from '@polkadot/util';
import { PERMILL, type AccountId } from '../../primitives/types.ts';
import { U32_MAX, U64_MAX } from '../../frame/dispatch.ts';
import {
  SpecError, account, array, dictionary, integer, object, oneOf, optional, refine, requireArray, requireInteger, requireObject, smallInteger,
} from '../../frame/genesis-json.ts';
import { BLOCKS_PER_MONTH, slicesIn } from './billing.ts';
import {
  MAX_LOCATION_LEN, MAX_NODES_PER_FARMER, MAX_SLICES_PER_NODE, type Capacity, type Certification, type Location, type NodeStatus,
  type PriceBandBounds, type Sla,
} from './types.ts';

export interface GenesisNode {
  id: number;
  farmer: AccountId;
  capacity: Capacity;
  location: Location;
  certification: Certification;
  status: NodeStatus;
  sla: Sla;
  slicePricePerHour: bigint;
  /** Where the farmer's account is named in the spec, for a refusal at build time. */
  farmerField: string;
}

export interface MarketplaceGenesis {
  priceBand: PriceBandBounds;
  blocksPerMonth: number;
  nodes: GenesisNode[];
}

export const DEFAULT_PRICE_BAND: PriceBandBounds = { min: 1_000n, max: 10_000_000n };
/** What imported nodes promise when the spec does not say: certified hardware promises more. */
const DEFAULT_SLA: Record<'diy' | 'certified', Sla> = {
  diy: { min_uptime: 950_000, min_bandwidth_mbps: 100 },
  certified: { min_uptime: 990_000, min_bandwidth_mbps: 1_000 },
};

const GIB = 1n << 30n;

const PriceBandConfig = refine(object({ min: integer({ min: 1n, max: U64_MAX }), max: integer({ min: 1n, max: U64_MAX }) }),
  ({ min, max }, path): PriceBandBounds => {
    if (min > max) throw new SpecError(path, `min ${min} exceeds max ${max}`);
    return { min, max };
  });

const SlaConfig = refine(object({ minUptime: smallInteger({ max: PERMILL }), minBandwidthMbps: smallInteger() }),
  ({ minUptime, minBandwidthMbps }): Sla => ({ min_uptime: minUptime, min_bandwidth_mbps: minBandwidthMbps }));

/** Farm ids (JSON object keys) as decimal u32s, each mapped to its farmer's account. */
const FarmsConfig = refine(dictionary(smallInteger(), account), (farms) => new Map(farms.map(([id, who]) => [String(id), who])));

function locationText(value: unknown, path: string): Uint8Array {
  if (typeof value !== 'string') throw new SpecError(path, `expected a string, got ${JSON.stringify(value)}`);
  const bytes = stringToU8a(value);
  if (bytes.length > MAX_LOCATION_LEN) throw new SpecError(path, `${bytes.length} bytes exceed ${MAX_LOCATION_LEN}`);
  return bytes;
}

const CertificationConfig = oneOf<Certification>({ Diy: { type: 'Diy' }, Certified: { type: 'Certified' } });
const StatusConfig = oneOf<NodeStatus>({ up: { type: 'Up' }, down: { type: 'Down' }, standby: { type: 'Standby' } });

/** Bytes to whole GiB, rounded down (a slice needs whole GB). */
const gib = (bytes: bigint): number => Number(bytes / GIB);

/**
 * One gridproxy node record. The marketplace offers what is free: `total_resources` less
 * `used_resources` (absent: nothing used), as the slice plan computes slices from free capacity.
 * Fields this chain does not use (twinId, uptime, ...) are ignored: the export is gridproxy's, and
 * it grows fields over time. HDD (hru) is archive storage, not VM disk: a slice's 200 GB come from
 * SSD (sru).
 */
function parseGridNode(json: unknown, field: string, farms: ReadonlyMap<string, AccountId>, farmsPath: string,
  slicePrice: bigint, sla: Record<'diy' | 'certified', Sla>): GenesisNode {
  const record = requireObject(json, field);
  const id = Number(requireInteger(record, 'nodeId', field, { max: BigInt(U32_MAX) }));
  const path = `${field} (nodeId ${id})`;
  const farmId = requireInteger(record, 'farmId', path, { max: BigInt(U32_MAX) }).toString();
  const farmer = farms.get(farmId);
  if (farmer === undefined) throw new SpecError(`${path}.farmId`, `farm ${farmId} is not in ${farmsPath}`);
  const total = requireObject(record.total_resources, `${path}.total_resources`);
  const used = record.used_resources === undefined ? undefined : requireObject(record.used_resources, `${path}.used_resources`);
  /** Free units of `key`: total less used, refusing more used than there is. */
  const free = (key: 'cru' | 'mru' | 'sru' | 'hru', max: bigint): bigint => {
    const all = requireInteger(total, key, `${path}.total_resources`, { max });
    if (used === undefined) return all;
    const taken = requireInteger(used, key, `${path}.used_resources`, { max });
    if (taken > all) throw new SpecError(`${path}.used_resources.${key}`, `${taken} exceeds total_resources.${key} ${all}`);
    return all - taken;
  };
  const capacity: Capacity = {
    cpu_cores: Number(free('cru', BigInt(U32_MAX))),
    memory_gb: gib(free('mru', U64_MAX)),
    storage_gb: gib(free('sru', U64_MAX)),
  };
  free('hru', U64_MAX);
  if (slicesIn(capacity) > MAX_SLICES_PER_NODE) {
    throw new SpecError(`${path}.total_resources`, `holds ${slicesIn(capacity)} slices, more than a node may offer (${MAX_SLICES_PER_NODE})`);
  }
  const certification = CertificationConfig.read(record.certificationType, `${path}.certificationType`);
  return {
    id,
    farmer,
    capacity,
    location: { country: locationText(record.country, `${path}.country`), city: locationText(record.city, `${path}.city`) },
    certification,
    status: StatusConfig.read(record.status, `${path}.status`),
    sla: certification.type === 'Certified' ? sla.certified : sla.diy,
    slicePricePerHour: slicePrice,
    farmerField: `${farmsPath}.${farmId}`,
  };
}

/**
 * The records of a saved gridproxy `/nodes` answer that farm `farmId` belongs to, read as the
 * genesis import reads them (with the default SLAs), for `farmer`. Other farms' records are skipped,
 * once they show an integer farmId; a malformed record is refused naming it and its field.
 */
export function readFarmNodes(json: unknown, path: string, farmId: bigint, farmer: AccountId): GenesisNode[] {
  const farms = new Map([[farmId.toString(), farmer]]);
  return requireArray(json, path).flatMap((record, i) => {
    const field = `${path}[${i}]`;
    const farm = requireInteger(requireObject(record, field), 'farmId', field, { max: BigInt(U32_MAX) });
    return farm === farmId ? [parseGridNode(record, field, farms, '--farm', 0n, DEFAULT_SLA)] : [];
  });
}

/**
 * `{ priceBand?: { min, max }, blocksPerMonth?, slicePrice?, sla?: { diy, certified }, farms?: { <farmId>: <account> },
 * gridNodes?: [<gridproxy node>] }`. Imported nodes get `slicePrice` (default: the band's minimum)
 * and the SLA of their certification.
 */
export const MarketplaceGenesisConfig = refine(object({
  priceBand: optional(PriceBandConfig, DEFAULT_PRICE_BAND),
  blocksPerMonth: optional(smallInteger({ min: 1, max: Math.floor(U32_MAX / 36) }), BLOCKS_PER_MONTH),
  slicePrice: optional(integer({ max: U64_MAX })),
  sla: optional(object({ diy: optional(SlaConfig, DEFAULT_SLA.diy), certified: optional(SlaConfig, DEFAULT_SLA.certified) }), DEFAULT_SLA),
  farms: optional(FarmsConfig, new Map<string, AccountId>()),
  // read below, each with the farms, the price and the SLAs it refers to
  gridNodes: optional(array({ read: (json) => json }), []),
}), (config, path): MarketplaceGenesis => {
  const { priceBand, blocksPerMonth, sla, farms } = config;
  const slicePrice = config.slicePrice ?? priceBand.min;
  if (slicePrice < priceBand.min || slicePrice > priceBand.max) {
    throw new SpecError(`${path}.slicePrice`, `${slicePrice} is outside the price band ${priceBand.min}..${priceBand.max}`);
  }
  const seen = new Map<number, string>();
  const perFarmer = new Map<AccountId, number>();
  const nodes = config.gridNodes.map((record, i) => {
    const node = parseGridNode(record, `${path}.gridNodes[${i}]`, farms, `${path}.farms`, slicePrice, sla);
    const earlier = seen.get(node.id);
    if (earlier !== undefined) throw new SpecError(`${path}.gridNodes[${i}].nodeId`, `node ${node.id} is also ${earlier}`);
    seen.set(node.id, `${path}.gridNodes[${i}]`);
    const count = (perFarmer.get(node.farmer) ?? 0) + 1;
    if (count > MAX_NODES_PER_FARMER) {
      throw new SpecError(`${path}.gridNodes[${i}] (nodeId ${node.id}).farmId`, `its farmer ${node.farmer} would have more than ${MAX_NODES_PER_FARMER} nodes`);
    }
    perFarmer.set(node.farmer, count);
    return node;
  });
  return { priceBand, blocksPerMonth, nodes };
});
