// The dev spec's sample grid: generated deterministically, loaded at genesis with its farms owned
// by dev accounts, and a farm whose account has no balance refused naming it.
import { SpecError } from '../frame/genesis-json.ts';
import { executive } from '../runtime/runtime.ts';
import { TestChain } from '../node/harness.ts';
import { accountOf } from '../node/signer.ts';
import { slicesIn } from '../pallets/slice-marketplace/billing.ts';
import { Farmers, Nodes, Slices } from '../pallets/slice-marketplace/storage.ts';
import { FARMER_NAMES, gridSample } from './grid-sample.ts';
import { genesisOf, loadChainSpec } from './spec.ts';

const dev = loadChainSpec('dev');
const patch = (dev.genesis as { runtimeGenesis: { patch: Record<string, Record<string, unknown>> } }).runtimeGenesis.patch;

describe('the sample grid of the dev spec', () => {
  it('is what genesis/grid-sample.ts generates', () => {
    const sample = gridSample();
    expect(patch.sliceMarketplace.farms).toEqual(sample.farms);
    expect(patch.sliceMarketplace.gridNodes).toEqual(sample.gridNodes);
    expect(sample.gridNodes).toHaveLength(300);
  });

  it('gives the dev chain a few hundred nodes cut into slices, farmed by Charlie, Dave, Eve and Ferdie', () => {
    const chain = new TestChain('dev');
    const nodes = chain.query(() => [...Nodes.entries()].map(([, node]) => node));
    expect(nodes).toHaveLength(300);
    const slices = nodes.reduce((n, node) => n + slicesIn(node.capacity), 0);
    expect(chain.query(() => [...Slices.entries()].length)).toBe(slices);
    const { alice, bob, charlie, dave, eve, ferdie } = chain.accounts;
    const farmers = chain.query(() => [charlie, dave, eve, ferdie].map((pair) => Farmers.get(accountOf(pair))?.nodes ?? 0));
    expect(farmers.reduce((a, b) => a + b, 0)).toBe(300);
    expect(farmers.every((count) => count > 0)).toBe(true);
    expect(chain.query(() => [alice, bob].map((pair) => Farmers.get(accountOf(pair))))).toEqual([undefined, undefined]);
    expect(FARMER_NAMES).toEqual(['Charlie', 'Dave', 'Eve', 'Ferdie']);
    expect(new Set(nodes.map((node) => node.status.type))).toEqual(new Set(['Up', 'Down', 'Standby']));
  });

  it('refuses a farm whose account does not exist at genesis, naming it', () => {
    const stranger = '5EYCAe5ijiYfyeZ2JJCGq56LmPyNRAKzpG4QkoQkkQNB5e6Z';
    const spec = { ...dev, genesis: { runtimeGenesis: { patch: { ...patch, sliceMarketplace: { ...patch.sliceMarketplace, farms: { ...(patch.sliceMarketplace.farms as object), 3: stranger } } } } } };
    expect(() => genesisOf(executive, spec)).toThrow(SpecError);
    expect(() => genesisOf(executive, spec)).toThrow(/^genesis\.runtimeGenesis\.patch\.sliceMarketplace\.farms\.3: account 0x[0-9a-f]{64} does not exist at genesis: give it a balance$/);
  });
});
