// The Services pallet as a polkadot-api user meets it on the dev node: its storage, its calls
// signed and submitted, and ServicesApi through state_call, all typed from the node's metadata.
import { getPolkadotSigner } from '@polkadot-api/signer';
import { sr25519CreateDerive } from '@polkadot-labs/hdkd';
import { DEV_MINI_SECRET, ss58Address } from '@polkadot-labs/hdkd-helpers';
import { papiClientFixture } from '../tests/papi-client.ts';

describe('Services through polkadot-api on the dev node', () => {
  const fixture = papiClientFixture();

  it('reads operators, requests a service and asks ServicesApi about it', async () => {
    const derive = sr25519CreateDerive(DEV_MINI_SECRET);
    const eve = derive('//Eve');
    const bob = ss58Address(derive('//Bob').publicKey, 42);
    const api = fixture.client.getUnsafeApi();
    const resources = { vcpu: 2, mem_mb: 4096, storage_gb: 100, storage_class: { type: 'Ssd', value: undefined } };

    const prefs = await api.query.Services.Operators.getValue(bob, { at: 'best' }) as { price_targets: unknown };
    expect(prefs.price_targets).toEqual({ cpu: 30_000n, mem: 5n, storage_hdd: 60n, storage_ssd: 140n, storage_nvme: 200n });
    expect(await api.constants.Services.MaxOperatorsPerService()).toBe(8);
    expect(await api.apis.ServicesApi.quote(bob, resources, { at: 'best' }))
      .toEqual({ now: { per_hour: 94_480n, per_block: 157n, per_block_remainder: 280n }, after_pending_change: undefined });

    const signer = getPolkadotSigner(eve.publicKey, 'Sr25519', eve.sign);
    const result = await api.tx.Services.request({ operators: [bob], resources, ttl_blocks: 100, deposit: 10n ** 12n }).signAndSubmit(signer);
    expect(result.ok).toBe(true);
    expect(result.events.filter((e: { type: string }) => e.type === 'Services').map((e: { value: { type: string } }) => e.value.type))
      .toEqual(['ServiceRequested', 'ServiceInitiated']);
    const info = await api.apis.ServicesApi.operator(bob, { at: result.block.hash }) as { services: bigint[] };
    expect(info.services).toEqual([0n]);
    const status = await api.apis.ServicesApi.service(0n, { at: result.block.hash });
    expect(status).toMatchObject({ charged_through: result.block.number, owed: 0n, ends: undefined });
  });
});
