import { calculate_state_root } from '@acala-network/chopsticks-executor';
import { u8aToHex } from '@polkadot/util';
import { executive } from '../runtime/runtime.ts';
import { genesisKey, genesisOf, loadChainSpec, parseChainSpec, toRawSpec, type ChainSpec } from './spec.ts';

const dev = loadChainSpec('dev');
const withPatch = (patch: Record<string, unknown>): unknown => ({ ...dev, genesis: { runtimeGenesis: { patch } } });
const devPatch = (dev.genesis as { runtimeGenesis: { patch: Record<string, unknown> } }).runtimeGenesis.patch;

describe('chain specs', () => {
  it('the embedded dev spec has Substrate\'s shape and properties', () => {
    expect(dev).toMatchObject({ name: 'Development', id: 'dev', chainType: 'Development', properties: { ss58Format: 42, tokenDecimals: 12 } });
  });

  it('the genesis header carries the state root sp-trie computes over the raw spec', async () => {
    const genesis = genesisOf(executive, dev);
    const raw = toRawSpec(dev, genesis.state) as ChainSpec & { genesis: { raw: { top: Record<string, string> } } };
    const entries = Object.entries(raw.genesis.raw.top);
    expect(entries.length).toBeGreaterThan(3);
    expect(Object.keys(raw.genesis.raw.top)).toEqual([...Object.keys(raw.genesis.raw.top)].sort());
    expect(genesis.header.state_root).toBe(await calculate_state_root(entries, 1));
    expect(genesis.header.number).toBe(0);
  });

  it('a raw spec gives the same genesis as the spec it was made from', () => {
    const genesis = genesisOf(executive, dev);
    const raw = parseChainSpec(JSON.parse(JSON.stringify(toRawSpec(dev, genesis.state))));
    const fromRaw = genesisOf(executive, raw);
    expect(fromRaw.hash).toBe(genesis.hash);
    expect(u8aToHex(fromRaw.state.root())).toBe(genesis.header.state_root);
  });

  it('names the pallet sections as construct_runtime names in lowerCamelCase', () => {
    expect(genesisKey('SliceMarketplace')).toBe('sliceMarketplace');
    expect(genesisKey('System')).toBe('system');
  });

  it('refuses a bad spec, naming the field', () => {
    const refused = (json: unknown) => () => genesisOf(executive, parseChainSpec(json));
    expect(refused(withPatch({ ...devPatch, treasury: {} })))
      .toThrow(/^genesis\.runtimeGenesis\.patch\.treasury: no pallet named "treasury" in this runtime/);
    expect(refused(withPatch({ ...devPatch, timestamp: { now: -5 } }))).toThrow('genesis.runtimeGenesis.patch.timestamp.now: -5 is negative');
    expect(refused(withPatch({ ...devPatch, timestamp: { now: 1.5 } }))).toThrow('genesis.runtimeGenesis.patch.timestamp.now: 1.5 is not an integer');
    expect(refused(withPatch({ ...devPatch, timestamp: { later: 1 } }))).toThrow('genesis.runtimeGenesis.patch.timestamp.later: unknown field');
    expect(refused({ ...dev, name: '' })).toThrow('name: expected a non-empty string');
    expect(refused({ ...dev, chainType: 'Mainnet' })).toThrow(/^chainType: expected one of Development, Local, Live/);
    expect(refused({ ...dev, genesis: { raw: { top: { '0x01': 'zz' } } } })).toThrow('genesis.raw.top["0x01"]: the value "zz" is not 0x-hex');
    expect(refused({ ...dev, genesis: {} })).toThrow('genesis: expected "runtimeGenesis" or "raw"');
    expect(() => loadChainSpec('/nonexistent/spec.json')).toThrow(/^--chain: cannot read \/nonexistent\/spec\.json/);
  });
});
