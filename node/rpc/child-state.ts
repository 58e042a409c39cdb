// childstate_* and state_getChildReadProof, as a Substrate node serves them for a runtime that
// makes no child tries.
import { u8aToHex } from '@polkadot/util';
import type { Trie } from '../../primitives/trie.ts';
import type { Head } from '../chain.ts';
import type { DevNode } from '../dev-node.ts';
import { guarded } from './methods.ts';
import { bytesParam, keysParam, optionalHash } from './params.ts';
import { RpcError, invalidParams, type RpcServer } from './server.ts';

const CHILD_STORAGE_PREFIX = ':child_storage:default:';

/**
 * childstate_* and state_getChildReadProof: this runtime makes no child tries, so every child trie
 * is empty (a key under the child prefix in the top trie would be one: it is refused, not ignored),
 * and the read proof proves that the top trie holds no root for it.
 */
export function registerChildState(server: RpcServer, node: DevNode): void {
  const prefix = new TextEncoder().encode(CHILD_STORAGE_PREFIX);
  /** Runs `answer` at the block after checking the child storage key names an absent child trie. */
  const child = <T>(params: unknown[], at: number, answer: (state: Trie, head: Head, childKey: Uint8Array) => T): T => {
    const childKey = bytesParam(params, 0, 'childStorageKey');
    if (childKey.length <= prefix.length || prefix.some((b, i) => childKey[i] !== b)) {
      throw invalidParams(`childStorageKey: expected a key starting with ${JSON.stringify(CHILD_STORAGE_PREFIX)} (${u8aToHex(prefix)})`);
    }
    return guarded(() => node.at(optionalHash(params, at), (state, head) => {
      if (state.get(childKey) !== undefined) throw new RpcError(4003, 'Client error: child tries are not supported by this node');
      return answer(state, head, childKey);
    }));
  };
  server.method('childstate_getKeys', (params) => child(params, 2, () => []));
  server.method('childstate_getKeysPaged', (params) => child(params, 4, () => []), { aliases: ['childstate_getKeysPagedAt'] });
  server.method('childstate_getStorage', (params) => child(params, 2, () => null));
  server.method('childstate_getStorageHash', (params) => child(params, 2, () => null));
  server.method('childstate_getStorageSize', (params) => child(params, 2, () => null));
  server.method('childstate_getStorageEntries', (params) => {
    const keys = keysParam(params, 1);
    return child(params, 2, () => keys.map(() => null));
  });
  server.method('state_getChildReadProof', (params) => {
    keysParam(params, 1);
    return child(params, 2, (state, head, childKey) => ({ at: head.hash, proof: state.proof([childKey]).map((n) => u8aToHex(n)) }));
  });
}
