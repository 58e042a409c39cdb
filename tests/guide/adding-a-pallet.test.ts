// docs/adding-a-pallet.md, done: the Kudos pallet (tests/guide/kudos, the guide's pallets/kudos)
// in a test runtime (tests/guide/runtime.ts, where it takes one line of the pallet list), used as
// the guide says — a call, its event, its error, its storage through the public key, its runtime
// API through state_call and in metadata, its benchmark found through the runtime's list.
import { Keyring } from '@polkadot/keyring';
import { u32 } from '../../primitives/scale.ts';
import { AccountId32 } from '../../primitives/types.ts';
import { parseChainSpec } from '../../genesis/spec.ts';
import { callRuntimeApi } from '../../frame/apis.ts';
import { apiId } from '../../frame/runtime-api.ts';
import { buildMetadata } from '../../frame/metadata.ts';
import { decAnyMetadata } from '@polkadot-api/substrate-bindings';
import { BenchmarkRunner } from '../../node/benchmark/runner.ts';
import { TestChain } from '../../node/harness.ts';
import { accountOf } from '../../node/signer.ts';
import { Kudos as KudosMap } from './kudos/storage.ts';
import { benchmarkedPallets } from '../../frame/benchmarking/index.ts';
import { Kudos, executive, runtime } from './runtime.ts';

const spec = (addresses: string[]) => parseChainSpec({
  name: 'Guide', id: 'guide', chainType: 'Development',
  genesis: { runtimeGenesis: { patch: { balances: { balances: addresses.map((a) => [a, '1000000000000000']) } } } },
});

const keyring = new Keyring({ type: 'sr25519' });

describe('adding a pallet (docs/adding-a-pallet.md)', () => {
  const setup = () => {
    const chain = new TestChain(spec(['//Alice', '//Bob'].map((uri) => keyring.addFromUri(uri).address)), executive);
    const { alice, bob } = chain.accounts;
    return { chain, alice, bob };
  };

  it('gives a kudo: storage, event, and the runtime API through state_call', () => {
    const { chain, alice, bob } = setup();
    const applied = chain.apply(alice, Kudos.tx.give({ to: accountOf(bob) }));
    expect(applied.result).toEqual({ success: true, value: { success: true, value: undefined } });
    expect(applied.events).toContainEqual({ type: 'Kudos', value: { type: 'KudoGiven', value: { from: accountOf(alice), to: accountOf(bob), total: 1 } } });
    expect(chain.query(() => KudosMap.get(accountOf(bob)))).toBe(1);
    // state_call's own path: SCALE input in, SCALE output out.
    const answer = callRuntimeApi({ executive, state: chain.chain.state, at: chain.chain.head }, 'KudosApi_kudos_of', AccountId32.enc(accountOf(bob)));
    expect(u32.dec(answer)).toBe(1);
  });

  it('refuses a kudo to oneself with the pallet\'s error, and stores nothing', () => {
    const { chain, alice } = setup();
    chain.submit(alice, Kudos.tx.give({ to: accountOf(alice) }));
    const [report] = chain.newBlock().extrinsics;
    expect(report.included).toBe(true);
    expect(report.error).toBe('Kudos.CannotKudoSelf');
    expect(chain.query(() => KudosMap.get(accountOf(alice)))).toBe(0);
  });

  it('benchmarks `give` in quick mode, found through the runtime\'s list: it sets up, runs, verifies, and reads and writes the Kudos map', async () => {
    const { chain } = setup();
    const root = chain.chain.state.root();
    const kudos = (await benchmarkedPallets(runtime)).find(({ pallet }) => pallet.name === 'Kudos')!;
    expect([kudos.dir, kudos.weightsName]).toEqual(['pallets/kudos', 'KudosWeights']);
    const result = new BenchmarkRunner(chain.chain).run(kudos, 'give', { steps: 2, repeat: 1 });
    expect(result.samples.length).toBeGreaterThan(0);
    expect(result.storage).toEqual({ 'Kudos::Kudos': { reads: 1, writes: 1 } });
    // The set-up and the run are taken back.
    expect(chain.chain.state.root()).toEqual(root);
  });

  it('lists KudosApi in RuntimeVersion.apis and in Metadata V15, and the pallet in the metadata', () => {
    expect(runtime.version.apis).toContainEqual([apiId('KudosApi'), 1]);
    const v15 = decAnyMetadata(buildMetadata(runtime, 15)).metadata.value as { apis: { name: string }[]; pallets: { name: string; index: number }[] };
    expect(v15.apis.map((api) => api.name)).toContain('KudosApi');
    expect(v15.pallets).toContainEqual(expect.objectContaining({ name: 'Kudos', index: 20 }));
  });
});
