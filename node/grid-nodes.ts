// `slicechain grid-nodes`: the farmer's "add node" journey after genesis. It reads a saved gridproxy
// `/nodes` answer (the machine need not reach gridproxy), keeps the records of the signer's farm,
// and asks the node through @polkadot/api what the chain already has: a grid node not yet on chain
// is registered under its gridproxy nodeId (register_grid_node); one of the signer's whose free
// capacity changed gets update_capacity; the rest is left alone. --dry-run prints the plan only.
import { readFileSync } from 'node:fs';
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { ISubmittableResult } from '@polkadot/types/types';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import type { KeyringPair } from '@polkadot/keyring/types';
import { SpecError } from '../frame/genesis-json.ts';
import { readFarmNodes, type GenesisNode } from '../pallets/slice-marketplace/genesis.ts';
import type { Capacity } from '../pallets/slice-marketplace/types.ts';
import { accountOf } from './signer.ts';

export interface GridNodesOptions { farm: bigint; suri: string; url: string; dryRun: boolean }

export interface PlannedAction {
  node: number;
  action: 'register' | 'update_capacity' | 'unchanged' | 'another farmer\'s';
  capacity: Capacity;
  /** After submission: 'ok' (ExtrinsicSuccess), or why the block refused it. */
  outcome?: 'ok' | string;
}

/** What the plan needs of a stored node, as polkadot.js gives its primitive (field names camelCased). */
interface StoredNode { farmer: string; capacity: { cpuCores: number; memoryGb: number; storageGb: number } }

const sameCapacity = (stored: StoredNode['capacity'], wanted: Capacity) =>
  stored.cpuCores === wanted.cpu_cores && stored.memoryGb === wanted.memory_gb && stored.storageGb === wanted.storage_gb;

/** Connects once: a wrong --url is an error, not endless reconnecting. */
async function connect(url: string): Promise<ApiPromise> {
  const provider = new WsProvider(url, false);
  await provider.connect();
  const api = new ApiPromise({ provider, noInitWarn: true });
  try {
    return await api.isReadyOrError;
  } catch (error) {
    await disconnect(api);
    throw new Error(`cannot reach the node at ${url}: ${(error as Error).message ?? error}`, { cause: error });
  }
}

/** Closes and waits for the socket's close: the provider's request-timeout timer stops only then. */
async function disconnect(api: ApiPromise): Promise<void> {
  const closed = new Promise<void>((resolve) => { if (api.isConnected) api.once('disconnected', () => resolve()); else resolve(); });
  await api.disconnect();
  await closed;
}

/**
 * Signs, submits and resolves with the block's verdict on the extrinsic: 'ok' on ExtrinsicSuccess,
 * `failed: <pallet>.<error>` on ExtrinsicFailed. InBlock or Finalized, whichever polkadot.js reports
 * (it drops InBlock when Finalized comes before InBlock's events are fetched): both carry the events.
 */
function submit(api: ApiPromise, tx: SubmittableExtrinsic<'promise'>, signer: KeyringPair): Promise<string> {
  return new Promise((resolve, reject) => {
    let done = false;
    let unsubscribe: (() => void) | undefined;
    const settle = (finish: () => void) => { if (!done) { done = true; unsubscribe?.(); finish(); } };
    tx.signAndSend(signer, (result: ISubmittableResult) => {
      if (result.status.isInBlock || result.status.isFinalized) {
        const { ExtrinsicSuccess, ExtrinsicFailed } = api.events.system;
        if (!result.events.some(({ event }) => ExtrinsicSuccess.is(event) || ExtrinsicFailed.is(event))) {
          return settle(() => reject(new Error('the block holds no ExtrinsicSuccess or ExtrinsicFailed for the extrinsic')));
        }
        const error = result.dispatchError; // ExtrinsicFailed's error
        const why = !error ? undefined : error.isModule
          ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(error.asModule)) : error.toString();
        settle(() => resolve(why === undefined ? 'ok' : `failed: ${why}`));
      } else if (result.isError) {
        settle(() => reject(new Error(`the extrinsic was not included: ${result.status.type}`)));
      }
    }).then((stop) => { unsubscribe = stop; if (done) stop(); }, (error: Error) => settle(() => reject(error)));
  });
}

/** polkadot.js reads a Uint8Array given for Bytes as SCALE (length first): the plain bytes go as hex. */
const locationArg = ({ location }: GenesisNode) => ({ country: u8aToHex(location.country), city: u8aToHex(location.city) });

export async function syncGridNodes(file: string, opts: GridNodesOptions): Promise<PlannedAction[]> {
  const signer = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(opts.suri);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SpecError(file, `not a gridproxy /nodes answer: ${(error as Error).message}`);
  }
  const nodes: GenesisNode[] = readFarmNodes(json, file, opts.farm, accountOf(signer));
  // Nothing to ask the node; and polkadot.js logs an error when closed before its own start-up subscription is answered.
  if (nodes.length === 0) return [];
  const api = await connect(opts.url);
  try {
    const farmer = api.createType('AccountId32', signer.publicKey).toString();
    const onChain = await api.query.sliceMarketplace.nodes.multi(nodes.map(({ id }) => id));
    const plan = nodes.map((node, i): PlannedAction => {
      const stored = onChain[i].toPrimitive() as StoredNode | null;
      const action: PlannedAction['action'] = !stored ? 'register' : stored.farmer !== farmer ? 'another farmer\'s'
        : sameCapacity(stored.capacity, node.capacity) ? 'unchanged' : 'update_capacity';
      return { node: node.id, action, capacity: node.capacity };
    });
    if (opts.dryRun) return plan;
    const { registerGridNode, updateCapacity } = api.tx.sliceMarketplace;
    for (const [i, step] of plan.entries()) {
      const node = nodes[i];
      const tx = step.action === 'register' ? registerGridNode(node.id, node.capacity, locationArg(node), node.sla, node.certification.type)
        : step.action === 'update_capacity' ? updateCapacity(node.id, node.capacity) : undefined;
      if (tx) step.outcome = await submit(api, tx, signer);
    }
    return plan;
  } finally {
    await disconnect(api);
  }
}
