// archive_v1_* of the new JSON-RPC spec (paritytech/json-rpc-interface-spec): blocks, calls and
// storage at any block the node holds, by hash, with no following. archive_v1_storage is a
// subscription (its items arrive as archive_v1_storageEvent notifications, then storageDone).
import { u8aToHex } from '@polkadot/util';
import { Header } from '../../primitives/types.ts';
import { ApiCallError } from '../../frame/apis.ts';
import { UnknownBlock, type DevNode } from '../dev-node.ts';
import { storagePage, storageQueries } from './chain-head.ts';
import { bytesParam, hashParam } from './params.ts';
import { invalidParams, type RpcServer } from './server.ts';

export function registerArchive(server: RpcServer, node: DevNode): void {
  server.method('archive_v1_genesisHash', () => node.chain.genesisHash);
  server.method('archive_v1_finalizedHeight', () => node.finalized.number);
  server.method('archive_v1_hashByHeight', (params) => {
    const height = params[0];
    if (typeof height !== 'number' || !Number.isSafeInteger(height) || height < 0) throw invalidParams(`height: expected a non-negative integer, got ${JSON.stringify(height)}`);
    const hash = node.chain.hashAt(height);
    return hash === undefined ? [] : [hash];
  });
  server.method('archive_v1_header', (params) => {
    const header = node.header(hashParam(params, 0));
    return header ? u8aToHex(Header.enc(header)) : null;
  });
  server.method('archive_v1_body', (params) => {
    const block = node.block(hashParam(params, 0));
    return block ? block.extrinsics.map((xt) => u8aToHex(xt)) : null;
  });
  server.method('archive_v1_call', (params) => {
    const hash = hashParam(params, 0);
    const method = params[1];
    if (typeof method !== 'string') throw invalidParams(`function: expected a runtime API method name, got ${JSON.stringify(method)}`);
    const input = bytesParam(params, 2, 'callParameters');
    if (node.numberOf(hash) === undefined) return null;
    try {
      return { success: true, value: u8aToHex(node.call(method, input, hash)) };
    } catch (error) {
      if (error instanceof ApiCallError || error instanceof UnknownBlock) return { success: false, error: error.message };
      throw error;
    }
  });
  server.subscription({
    subscribe: 'archive_v1_storage', unsubscribe: 'archive_v1_stopStorage', notification: 'archive_v1_storageEvent',
    start: (params, sink) => {
      const hash = hashParam(params, 0);
      const queries = storageQueries(params[1]);
      if (params[2] !== undefined && params[2] !== null) throw invalidParams('childTrie: this chain has no child tries');
      let stopped = false;
      const cursor = { query: 0 };
      // A page per turn of the event loop, so that a large request does not hold up the others.
      const next = () => {
        if (stopped) return;
        try {
          for (const item of storagePage(node, hash, queries, cursor)) sink.send({ event: 'storage', ...item });
        } catch (error) {
          if (!(error instanceof UnknownBlock)) throw error;
          sink.send({ event: 'storageError', error: error.message });
          sink.close();
          return;
        }
        if (cursor.query < queries.length) {
          setImmediate(next);
          return;
        }
        sink.send({ event: 'storageDone' });
        sink.close();
      };
      setImmediate(next);
      return () => { stopped = true; };
    },
  });
}
