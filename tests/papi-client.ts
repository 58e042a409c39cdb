// The polkadot-api client fixture: a dev node (instant sealing, unsafe RPC) started for the test
// file and a client on its WebSocket, both closed after the file's tests.
import { createClient, type PolkadotClient } from 'polkadot-api';
import { getWsProvider } from 'polkadot-api/ws';
import { WebSocket } from 'ws';
import { startNode, type RunningNode } from '../node/node.ts';

export interface PapiFixture {
  running: RunningNode;
  client: PolkadotClient;
}

/** Starts the node and client in beforeAll and stops them in afterAll; read the fields inside tests. */
export function papiClientFixture(): PapiFixture {
  const fixture = {} as PapiFixture;
  beforeAll(async () => {
    fixture.running = await startNode({ port: 0, sealing: 'instant', unsafe: true });
    // Node 20 has no global WebSocket: the `ws` package's client stands in, as polkadot-api documents.
    fixture.client = createClient(getWsProvider(fixture.running.url, { websocketClass: WebSocket as unknown as typeof globalThis.WebSocket }));
  });
  afterAll(async () => {
    fixture.client?.destroy();
    await fixture.running?.close();
  });
  return fixture;
}
