// `slicechain grid-nodes`: the farmer's "add node" journey after genesis. It reads a saved gridproxy
// `/nodes` answer (the machine need not reach gridproxy), keeps the records of the signer's farm,
// and asks the node over JSON-RPC what the chain already has: a grid node not yet on chain is
// registered under its gridproxy nodeId (register_grid_node); one of the signer's whose free
// capacity changed gets update_capacity; the rest is left alone. --dry-run prints the plan only.
import { readFileSync } from 'node:fs';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex, hexToU8a } from '@polkadot/util';
import { WebSocket } from 'ws';
import type { Hash } from '../primitives/types.ts';
import { SpecError } from '../frame/genesis-json.ts';
import { SliceMarketplace, runtime } from '../runtime/runtime.ts';
import { readFarmNodes, type GenesisNode } from '../pallets/slice-marketplace/genesis.ts';
import { Nodes } from '../pallets/slice-marketplace/storage.ts';
import { Node, type Capacity } from '../pallets/slice-marketplace/types.ts';
import { accountOf, signExtrinsic } from './signer.ts';

export interface GridNodesOptions { farm: bigint; suri: string; url: string; dryRun: boolean }

export interface PlannedAction {
  node: number;
  action: 'register' | 'update_capacity' | 'unchanged' | 'another farmer\'s';
  capacity: Capacity;
  /** After submission: whether the block took it. */
  outcome?: 'ok' | string;
}

/** A JSON-RPC client over one WebSocket: calls, and the updates of one watched extrinsic. */
async function rpc(url: string) {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  let id = 0;
  const waiting = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();
  // A subscription's updates, kept from the first (an instant-sealing node may include the extrinsic before its id is back).
  const updates = new Map<string, unknown[]>();
  const listeners = new Map<string, () => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString('utf8'));
    const subscription = message.params?.subscription;
    if (subscription === undefined) return waiting.get(message.id)?.(message);
    updates.set(subscription, [...(updates.get(subscription) ?? []), message.params.result]);
    listeners.get(subscription)?.();
  });
  const call = <T>(method: string, params: unknown[] = []) => new Promise<T>((resolve, reject) => {
    const at = ++id;
    waiting.set(at, (message) => (message.error ? reject(new Error(`${method}: ${message.error.message}`)) : resolve(message.result as T)));
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: at, method, params }));
  });
  /** Submits and resolves with the block that includes the extrinsic. */
  const submit = async (extrinsic: Uint8Array): Promise<Hash> => {
    const subscription = await call<string>('author_submitAndWatchExtrinsic', [u8aToHex(extrinsic)]);
    // Substrate's statuses: "ready", "future", {broadcast}, then {inBlock} (or {finalized}), or an end without inclusion.
    const pending = (result: unknown) => result === 'ready' || result === 'future' || (typeof result === 'object' && result !== null && 'broadcast' in result);
    const final = await new Promise<unknown>((resolve) => {
      const check = () => { const decided = (updates.get(subscription) ?? []).find((result) => !pending(result)); if (decided !== undefined) resolve(decided); };
      listeners.set(subscription, check);
      check();
    });
    listeners.delete(subscription);
    await call('author_unwatchExtrinsic', [subscription]).catch(() => undefined); // already ended once included
    const block = typeof final === 'object' && final !== null ? (final as { inBlock?: Hash; finalized?: Hash }) : {};
    if (block.inBlock ?? block.finalized) return (block.inBlock ?? block.finalized) as Hash;
    throw new Error(`the extrinsic was not included: ${JSON.stringify(final)}`);
  };
  return { call, submit, close: () => socket.close() };
}

const sameCapacity = (a: Capacity, b: Capacity) => a.cpu_cores === b.cpu_cores && a.memory_gb === b.memory_gb && a.storage_gb === b.storage_gb;

export async function syncGridNodes(file: string, opts: GridNodesOptions): Promise<PlannedAction[]> {
  const signer = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(opts.suri);
  const farmer = accountOf(signer);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SpecError(file, `not a gridproxy /nodes answer: ${(error as Error).message}`);
  }
  const nodes: GenesisNode[] = readFarmNodes(json, file, opts.farm, farmer);
  const client = await rpc(opts.url);
  const onChain = async (id: number) => {
    const raw = await client.call<string | null>('state_getStorage', [u8aToHex(Nodes.key(id))]);
    return raw === null ? undefined : Node.dec(hexToU8a(raw));
  };
  try {
    const plan: PlannedAction[] = [];
    for (const node of nodes) {
      const stored = await onChain(node.id);
      const action: PlannedAction['action'] = !stored ? 'register' : stored.farmer !== farmer ? 'another farmer\'s'
        : sameCapacity(stored.capacity, node.capacity) ? 'unchanged' : 'update_capacity';
      plan.push({ node: node.id, action, capacity: node.capacity });
    }
    if (opts.dryRun) return plan;
    const genesisHash = await client.call<Hash>('chain_getBlockHash', [0]);
    const version = await client.call<{ specVersion: number; transactionVersion: number }>('state_getRuntimeVersion');
    let nonce = await client.call<number>('system_accountNextIndex', [signer.address]);
    for (const [i, step] of plan.entries()) {
      const node = nodes[i];
      const call = step.action === 'register'
        ? SliceMarketplace.tx.register_grid_node({ node: node.id, capacity: node.capacity, location: node.location, sla: node.sla, certification: node.certification })
        : step.action === 'update_capacity' ? SliceMarketplace.tx.update_capacity({ node: node.id, capacity: node.capacity }) : undefined;
      if (!call) continue;
      const extrinsic = signExtrinsic(runtime, signer, call, {
        nonce: nonce++, genesisHash, specVersion: version.specVersion, transactionVersion: version.transactionVersion,
      });
      await client.submit(extrinsic);
      const stored = await onChain(node.id);
      step.outcome = stored && stored.farmer === farmer && sameCapacity(stored.capacity, node.capacity) ? 'ok' : 'failed: the chain does not show the node as submitted';
    }
    return plan;
  } finally {
    client.close();
  }
}
