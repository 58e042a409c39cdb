// The dev node driven by polkadot-api over the new JSON-RPC spec (chainHead_v1, transaction_v1):
// createClient + getWsProvider, the unsafe API, an sr25519 signer from @polkadot-labs/hdkd.
// polkadot-api, @polkadot-labs/hdkd and @polkadot-api/signer are not yet in package.json; until
// they are installed this suite is skipped and says so.
import { WebSocket } from 'ws';
import { startNode, type RunningNode } from './node.ts';

// Module names through a variable: the type checker must not require them while they are absent.
const load = (name: string) => import(name);
// The libraries are untyped here: they are loaded by name.
type Module = any;
let libs: { papi: Module; ws: Module; hdkd: Module; helpers: Module; signer: Module } | undefined;
try {
  libs = {
    papi: await load('polkadot-api'), ws: await load('polkadot-api/ws'), hdkd: await load('@polkadot-labs/hdkd'),
    helpers: await load('@polkadot-labs/hdkd-helpers'), signer: await load('@polkadot-api/signer'),
  };
} catch {
  console.log('polkadot-api, @polkadot-labs/hdkd or @polkadot-api/signer is not installed: the polkadot-api suite is skipped');
}

(libs ? describe : describe.skip)('the dev node through polkadot-api', () => {
  let running: RunningNode;
  let client: Module;

  beforeAll(async () => {
    running = await startNode({ port: 0, sealing: 'instant', unsafe: true });
    // Node 20 has no global WebSocket: the `ws` package's client stands in, as polkadot-api documents.
    client = libs!.papi.createClient(libs!.ws.getWsProvider(running.url, { websocketClass: WebSocket }));
  });

  afterAll(async () => {
    client?.destroy();
    await running?.close();
  });

  it('reads storage, submits a signed transaction and sees it finalized', async () => {
    const { hdkd, helpers, signer: signerLib, papi } = libs!;
    const derive = hdkd.sr25519CreateDerive(helpers.DEV_MINI_SECRET);
    const alice = derive('//Alice');
    const aliceAddress = helpers.ss58Address(alice.publicKey, 42);

    const api = client.getUnsafeApi();
    const account = await api.query.System.Account.getValue(aliceAddress, { at: 'best' });
    expect(account.data.free).toBe(10n ** 18n);
    expect(account.nonce).toBe(0);
    expect(await api.constants.System.BlockHashCount()).toBe(4096);

    const signer = signerLib.getPolkadotSigner(alice.publicKey, 'Sr25519', alice.sign);
    const result = await api.tx.System.remark_with_event({ remark: papi.Binary.fromHex('0x1234') }).signAndSubmit(signer);
    expect(result.ok).toBe(true);
    expect(result.events.map((e: Module) => `${e.type}.${e.value.type}`)).toEqual(expect.arrayContaining(['System.Remarked', 'System.ExtrinsicSuccess']));
    expect(result.block.hash).toBe(running.node.chain.hashAt(result.block.number));
    expect(running.node.finalized.number).toBeGreaterThanOrEqual(result.block.number);
    expect((await api.query.System.Account.getValue(aliceAddress, { at: 'best' })).nonce).toBe(1);
  });
});
