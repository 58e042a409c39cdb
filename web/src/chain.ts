// The page's one link to the node: a polkadot-api client over the node's JSON-RPC WebSocket, the
// chain's token (symbol, decimals) and error documentation from its metadata, and the shapes of the
// runtime API answers and storage values the pages read.
import { createClient, type PolkadotClient, type PolkadotSigner, type TxEvent } from 'polkadot-api';
import { getWsProvider } from 'polkadot-api/ws';
import { decAnyMetadata, unifyMetadata } from '@polkadot-api/substrate-bindings';

export type UnsafeApi = ReturnType<PolkadotClient['getUnsafeApi']>;
export type Variant<T extends string = string> = { type: T; value?: undefined };
export type NodeStatus = Variant<'Up' | 'Down' | 'Standby'>;
export type Certification = Variant<'Diy' | 'Certified'>;
export type StorageClass = Variant<'Hdd' | 'Ssd' | 'Nvme'>;

export interface NodeLocation { country: Uint8Array; city: Uint8Array }
export interface Sla { min_uptime: number; min_bandwidth_mbps: number }

/** SliceMarketplaceApi::list_slices items. */
export interface SliceListing {
  node: number; farmer: string; location: NodeLocation; certification: Certification; status: NodeStatus; sla: Sla;
  total_slices: number; free_slices: number; available: number[];
  price_per_hour: bigint; price_per_month: bigint; price_per_hour_planck: bigint | undefined; price_locked: boolean;
}
export interface SlicePage { total: number; items: SliceListing[] }

export interface FarmerNodeSummary {
  node: number; status: NodeStatus; total_slices: number; rented_slices: number; free_slices: number;
  price_per_hour: bigint; price_locked: boolean; rate_per_hour: bigint; pending: bigint;
}
export interface FarmerDashboard {
  nodes: FarmerNodeSummary[]; total_slices: number; rented_slices: number; free_slices: number;
  earned: bigint; pending: bigint; rate_per_hour: bigint;
}
export interface RentalSummary {
  rental: bigint; node: number; slices: number[]; start: number; end: number; remaining_blocks: number;
  price_per_hour: bigint; cost: bigint; paid: bigint; accrued: bigint; refundable: bigint;
}
export interface UserDashboard { rentals: RentalSummary[]; spent: bigint; held: bigint }

export interface Capacity { cpu_cores: number; memory_gb: number; storage_gb: number }
/** SliceMarketplace.Nodes values (the fields the farmer view edits from). */
export interface StoredNode { id: number; capacity: Capacity; used: Capacity; location: NodeLocation; sla: Sla; certification: Certification }

export const PRICE_FIELDS = ['cpu', 'mem', 'storage_hdd', 'storage_ssd', 'storage_nvme'] as const;
export type PriceTargets = Record<(typeof PRICE_FIELDS)[number], bigint>;
export interface OperatorPreferences { key: string; approval: Variant<'None' | 'Required'>; price_targets: PriceTargets }
export interface PendingPriceChange { price_targets: PriceTargets; effective_at: number }
export interface Resources { vcpu: number; mem_mb: number; storage_gb: number; storage_class: StorageClass }
export interface Price { per_hour: bigint; per_block: bigint; per_block_remainder: bigint }
export interface Quote { now: Price; after_pending_change: [Price, number] | undefined }
export interface Service {
  owner: string; request_id: bigint; resources: Resources; prices: { operator: string; per_hour: bigint }[];
  started_at: number; ttl_blocks: number; charged_blocks: number; balance: bigint; unpaid: bigint[];
}

export interface Token { symbol: string; decimals: number }
export interface Block { hash: string; number: number }

export interface Connection {
  client: PolkadotClient;
  api: UnsafeApi;
  chainName: string;
  token: Token;
  ss58Format: number;
  /** The documentation of a pallet's error, from metadata. */
  errorDocs(pallet: string, error: string): string;
}

/** The JSON-RPC endpoint: `?rpc=ws://…` or the node that served the page. */
export function endpoint(location: Pick<Location, 'search' | 'protocol' | 'host'> = window.location): string {
  const rpc = new URLSearchParams(location.search).get('rpc');
  if (rpc) return rpc;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

export async function connect(url: string): Promise<Connection> {
  const client = createClient(getWsProvider(url));
  const api = client.getUnsafeApi();
  const spec = await client.getChainSpecData();
  const best = await client.getBestBlocks();
  const metadata = unifyMetadata(decAnyMetadata(await client.getMetadata(best[0].hash)));
  const props = spec.properties as { tokenSymbol?: string | string[]; tokenDecimals?: number | number[]; ss58Format?: number };
  const first = <T,>(v: T | T[] | undefined): T | undefined => (Array.isArray(v) ? v[0] : v);
  const errorDocs = (pallet: string, error: string): string => {
    const errors = metadata.pallets.find((p) => p.name === pallet)?.errors;
    if (!errors) return '';
    const def = metadata.lookup[errors.type]?.def;
    if (def?.tag !== 'variant') return '';
    return def.value.find((v) => v.name === error)?.docs.join(' ') ?? '';
  };
  return {
    client, api, chainName: spec.name,
    token: { symbol: first(props.tokenSymbol) ?? 'UNIT', decimals: first(props.tokenDecimals) ?? 12 },
    ss58Format: props.ss58Format ?? 42,
    errorDocs,
  };
}

// ---- transactions ----------------------------------------------------------------------------------

/** What the page shows of a transaction: each step polkadot-api reports, and the outcome. */
export type TxProgress =
  | { step: 'signing' }
  | { step: 'ready' }
  | { step: 'inBlock' | 'finalized'; block: number; ok: boolean; error?: string; events: { type: string; value: { type: string; value: unknown } }[] }
  | { step: 'refused'; error: string };

/** A dispatch error as `Pallet.Error: docs` (module errors) or its variant name. */
export function describeDispatchError(error: { type: string; value: unknown }, docs: Connection['errorDocs']): string {
  if (error.type === 'Module') {
    const pallet = error.value as { type: string; value: { type: string } };
    const text = docs(pallet.type, pallet.value.type);
    return `${pallet.type}.${pallet.value.type}${text ? `: ${text}` : ''}`;
  }
  const inner = error.value as { type?: string } | undefined;
  return inner?.type ? `${error.type}.${inner.type}` : error.type;
}

interface Submittable {
  signSubmitAndWatch(signer: PolkadotSigner, options?: { at?: string }): { subscribe(o: { next(e: TxEvent): void; error(e: unknown): void }): { unsubscribe(): void } };
}

/**
 * Signs and submits `tx` against block `at` (the best block: its nonce counts transactions not yet
 * final), reporting each step; resolves with the final step (finalized or refused).
 */
export function submit(conn: Connection, tx: Submittable, signer: PolkadotSigner, at: string, report: (p: TxProgress) => void): Promise<TxProgress> {
  report({ step: 'signing' });
  return new Promise((resolve) => {
    const done = (p: TxProgress) => {
      report(p);
      resolve(p);
    };
    const sub = tx.signSubmitAndWatch(signer, { at }).subscribe({
      next(event) {
        if (event.type === 'broadcasted') report({ step: 'ready' });
        else if (event.type === 'txBestBlocksState' && event.found) report(outcome('inBlock', event));
        else if (event.type === 'finalized') {
          done(outcome('finalized', event));
          sub.unsubscribe();
        }
      },
      error(e) {
        done({ step: 'refused', error: e instanceof Error ? e.message : String(e) });
      },
    });
  });

  function outcome(step: 'inBlock' | 'finalized', e: { ok: boolean; block: { number: number }; events: unknown[]; dispatchError?: { type: string; value: unknown } }): TxProgress {
    return {
      step, block: e.block.number, ok: e.ok, events: e.events as never,
      error: e.dispatchError ? describeDispatchError(e.dispatchError, conn.errorDocs) : undefined,
    };
  }
}

/** The value of the first event `Pallet.Name` a transaction emitted. */
export function eventOf<T>(progress: TxProgress, pallet: string, name: string): T | undefined {
  if (progress.step !== 'inBlock' && progress.step !== 'finalized') return undefined;
  return progress.events.find((e) => e.type === pallet && e.value.type === name)?.value.value as T | undefined;
}
