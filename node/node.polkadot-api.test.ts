// The dev node driven by polkadot-api over the new JSON-RPC spec (chainHead_v1, transaction_v1):
// createClient + getWsProvider, the unsafe API, an sr25519 signer from @polkadot-labs/hdkd.
import { Binary } from 'polkadot-api';
import { getPolkadotSigner } from '@polkadot-api/signer';
import { sr25519CreateDerive } from '@polkadot-labs/hdkd';
import { DEV_MINI_SECRET, ss58Address } from '@polkadot-labs/hdkd-helpers';
import { papiClientFixture } from '../tests/papi-client.ts';

describe('the dev node through polkadot-api', () => {
  const fixture = papiClientFixture();

  it('reads storage, submits a signed transaction and sees it finalized', async () => {
    const alice = sr25519CreateDerive(DEV_MINI_SECRET)('//Alice');
    const aliceAddress = ss58Address(alice.publicKey, 42);

    const api = fixture.client.getUnsafeApi();
    type AccountInfo = { nonce: number; data: { free: bigint } };
    const account = await api.query.System.Account.getValue(aliceAddress, { at: 'best' }) as AccountInfo;
    expect(account.data.free).toBe(10n ** 18n);
    expect(account.nonce).toBe(0);
    expect(await api.constants.System.BlockHashCount()).toBe(4096);

    const signer = getPolkadotSigner(alice.publicKey, 'Sr25519', alice.sign);
    const result = await api.tx.System.remark_with_event({ remark: Binary.fromHex('0x1234') }).signAndSubmit(signer);
    expect(result.ok).toBe(true);
    expect(result.events.map((e: { type: string; value: { type: string } }) => `${e.type}.${e.value.type}`)).toEqual(expect.arrayContaining(['System.Remarked', 'System.ExtrinsicSuccess']));
    expect(result.block.hash).toBe(fixture.running.node.chain.hashAt(result.block.number));
    expect(fixture.running.node.finalized.number).toBeGreaterThanOrEqual(result.block.number);
    expect((await api.query.System.Account.getValue(aliceAddress, { at: 'best' }) as AccountInfo).nonce).toBe(1);
  });
});
