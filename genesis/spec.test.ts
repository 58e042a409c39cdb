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
  it('refuses out-of-range properties, duplicate accounts, negative or fractional numbers and unknown keys, naming the field', () => {
    const refused = (json: unknown) => () => genesisOf(executive, parseChainSpec(json));
    const balances = (devPatch.balances as { balances: [string, unknown][] }).balances;
    const withBalances = (list: unknown[]) => withPatch({ ...devPatch, balances: { balances: list } });
    expect(refused({ ...dev, properties: { ...dev.properties, ss58Format: 16_384 } })).toThrow('properties.ss58Format: 16384 exceeds the maximum 16383');
    expect(refused({ ...dev, properties: { ...dev.properties, ss58Format: -1 } })).toThrow('properties.ss58Format: -1 is negative');
    expect(refused({ ...dev, properties: { ...dev.properties, tokenDecimals: 256 } })).toThrow('properties.tokenDecimals: 256 exceeds the maximum 255');
    expect(refused({ ...dev, properties: { ...dev.properties, tokenDecimals: 12.5 } })).toThrow('properties.tokenDecimals: 12.5 is not an integer');
    expect(refused({ ...dev, properties: { ...dev.properties, tokenSymbol: '' } })).toThrow('properties.tokenSymbol: expected a non-empty string');
    expect(refused(withBalances([...balances, [balances[0][0], '20000000000']])))
      .toThrow(`genesis.runtimeGenesis.patch.balances.balances[${balances.length}][0]: duplicate account`);
    expect(refused(withBalances([[balances[0][0], -5]]))).toThrow('genesis.runtimeGenesis.patch.balances.balances[0][1]: -5 is negative');
    expect(refused(withBalances([[balances[0][0], 1.5]]))).toThrow('genesis.runtimeGenesis.patch.balances.balances[0][1]: 1.5 is not an integer');
    expect(refused(withPatch({ ...devPatch, services: { ...(devPatch.services as object), minNoticeBlocks: -1 } })))
      .toThrow('genesis.runtimeGenesis.patch.services.minNoticeBlocks: -1 is negative');
    for (const section of ['system', 'balances', 'transactionPayment', 'sudo', 'oracle', 'services', 'sliceMarketplace']) {
      expect(refused(withPatch({ ...devPatch, [section]: { ...(devPatch[section] as object), misspelt: 1 } })))
        .toThrow(`genesis.runtimeGenesis.patch.${section}.misspelt: unknown field`);
    }
  });
});
