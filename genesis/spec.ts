// Chain specs in Substrate's JSON shape: a genesis config per pallet under
// `genesis.runtimeGenesis.patch` (keys are the pallets' names in lowerCamelCase), or the raw
// genesis storage under `genesis.raw.top`. Every refusal names the field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexToU8a, isHex, u8aToHex } from '@polkadot/util';
import { Trie } from '../primitives/trie.ts';
import { H256, ZERO_HASH, type Header } from '../primitives/types.ts';
import { blockHash, extrinsicsRoot } from '../frame/block.ts';
import { buildGenesis, type Genesis } from '../frame/block-builder.ts';
import type { Executive } from '../frame/executive.ts';
import { SpecError, onlyKeys, requireObject, toInteger } from '../frame/genesis-json.ts';

export interface ChainSpec {
  name: string;
  id: string;
  chainType: 'Development' | 'Local' | 'Live' | { Custom: string };
  bootNodes: string[];
  telemetryEndpoints: unknown;
  protocolId: string | null;
  properties: { ss58Format: number; tokenDecimals: number; tokenSymbol: string } & Record<string, unknown>;
  codeSubstitutes: Record<string, unknown>;
  genesis: { runtimeGenesis: { patch: Record<string, unknown> } } | { raw: { top: Record<string, string>; childrenDefault: Record<string, unknown> } };
}

const DEV_SPEC = new URL('./dev.json', import.meta.url);

/** `--chain dev` (the embedded default) or the path of a chain spec file. */
export function loadChainSpec(chain: string): ChainSpec {
  const path = chain === 'dev' ? DEV_SPEC : chain;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SpecError('--chain', `cannot read ${String(path)}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SpecError(String(path), `not JSON: ${(error as Error).message}`);
  }
  return parseChainSpec(json);
}

const CHAIN_TYPES = ['Development', 'Local', 'Live'];

/**
 * A chain id names the node's directory `<base-path>/chains/<id>`: like the ids of Substrate's
 * chains (dev, local_testnet, asset-hub-polkadot), ASCII letters, digits, `_` and `-`, so it can
 * never lead out of the base path.
 */
const CHAIN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `<base-path>/chains/<id>`, refusing an id that would lead anywhere else. */
export function chainDirectory(basePath: string, id: string): string {
  if (!CHAIN_ID.test(id)) throw new SpecError('id', `${JSON.stringify(id)} is not a chain id (1-64 ASCII letters, digits, _ or -)`);
  return join(basePath, 'chains', id);
}

/** Checks a spec's shape (not yet its genesis config against the runtime: see `genesisOf`). */
export function parseChainSpec(json: unknown): ChainSpec {
  const spec = requireObject(json, 'spec');
  onlyKeys(spec, ['name', 'id', 'chainType', 'bootNodes', 'telemetryEndpoints', 'protocolId', 'properties', 'forkId', 'codeSubstitutes', 'genesis'], 'spec');
  for (const field of ['name', 'id']) {
    if (typeof spec[field] !== 'string' || spec[field] === '') throw new SpecError(field, `expected a non-empty string, got ${JSON.stringify(spec[field])}`);
  }
  chainDirectory('.', spec.id as string);
  const chainType = spec.chainType ?? 'Live';
  if (!(typeof chainType === 'string' && CHAIN_TYPES.includes(chainType)) && !(typeof chainType === 'object' && chainType && 'Custom' in chainType)) {
    throw new SpecError('chainType', `expected one of ${CHAIN_TYPES.join(', ')} or { "Custom": ... }, got ${JSON.stringify(chainType)}`);
  }
  const properties = requireObject(spec.properties ?? {}, 'properties');
  const defaults = { ss58Format: 42, tokenDecimals: 12, tokenSymbol: 'UNIT' };
  // An SS58 prefix is 14 bits; token decimals are a u8 in Substrate's chain properties.
  for (const [key, max] of [['ss58Format', 16_383n], ['tokenDecimals', 255n]] as const) {
    if (properties[key] !== undefined) {
      if (typeof properties[key] !== 'number') throw new SpecError(`properties.${key}`, 'expected a number');
      toInteger(properties[key], `properties.${key}`, { max });
    }
  }
  if (properties.tokenSymbol !== undefined && (typeof properties.tokenSymbol !== 'string' || properties.tokenSymbol === '')) {
    throw new SpecError('properties.tokenSymbol', 'expected a non-empty string');
  }
  const genesis = requireObject(spec.genesis, 'genesis');
  if ('runtimeGenesis' in genesis) {
    onlyKeys(genesis, ['runtimeGenesis'], 'genesis');
    const runtimeGenesis = requireObject(genesis.runtimeGenesis, 'genesis.runtimeGenesis');
    onlyKeys(runtimeGenesis, ['patch', 'config', 'code'], 'genesis.runtimeGenesis');
    const patch = requireObject(runtimeGenesis.patch ?? runtimeGenesis.config, 'genesis.runtimeGenesis.patch');
    return { ...(spec as unknown as ChainSpec), chainType: chainType as ChainSpec['chainType'], properties: { ...defaults, ...properties }, genesis: { runtimeGenesis: { patch } } };
  }
  if ('raw' in genesis) {
    onlyKeys(genesis, ['raw'], 'genesis');
    const raw = requireObject(genesis.raw, 'genesis.raw');
    const top = requireObject(raw.top, 'genesis.raw.top');
    for (const [key, value] of Object.entries(top)) {
      if (!isHex(key)) throw new SpecError(`genesis.raw.top[${JSON.stringify(key)}]`, 'the key is not 0x-hex');
      if (typeof value !== 'string' || !isHex(value)) throw new SpecError(`genesis.raw.top[${JSON.stringify(key)}]`, `the value ${JSON.stringify(value)} is not 0x-hex`);
    }
    return { ...(spec as unknown as ChainSpec), chainType: chainType as ChainSpec['chainType'], properties: { ...defaults, ...properties },
      genesis: { raw: { top: top as Record<string, string>, childrenDefault: requireObject(raw.childrenDefault ?? {}, 'genesis.raw.childrenDefault') } } };
  }
  throw new SpecError('genesis', 'expected "runtimeGenesis" or "raw"');
}

/** A pallet's section name in a spec's genesis config: construct_runtime's name in lowerCamelCase. */
export const genesisKey = (pallet: string): string => pallet[0].toLowerCase() + pallet.slice(1);

/** Builds the genesis state and header a spec describes. */
export function genesisOf(executive: Executive, spec: ChainSpec): Genesis {
  if ('raw' in spec.genesis) {
    const state = new Trie();
    for (const [key, value] of Object.entries(spec.genesis.raw.top)) state.set(hexToU8a(key), hexToU8a(value));
    const header: Header = { parent_hash: ZERO_HASH, number: 0, state_root: H256.dec(state.root()), extrinsics_root: extrinsicsRoot([]), digest: { logs: [] } };
    return { state, header, hash: blockHash(header) };
  }
  const patch = spec.genesis.runtimeGenesis.patch;
  const base = 'genesis.runtimeGenesis.patch';
  const pallets = executive.runtime.pallets.map(({ pallet }) => pallet);
  for (const key of Object.keys(patch)) {
    if (!pallets.some((p) => genesisKey(p.name) === key)) {
      throw new SpecError(`${base}.${key}`, `no pallet named "${key}" in this runtime (pallets: ${pallets.map((p) => genesisKey(p.name)).join(', ')})`);
    }
  }
  // Every section is read before anything is built, so a bad spec is refused whole.
  const configs = pallets.flatMap((p) => {
    const key = genesisKey(p.name);
    if (!p.genesis) {
      if (patch[key] !== undefined && Object.keys(requireObject(patch[key], `${base}.${key}`)).length > 0) {
        throw new SpecError(`${base}.${key}`, `pallet ${p.name} has no genesis config`);
      }
      return [];
    }
    return [{ pallet: p, config: p.genesis.config.read(patch[key] ?? {}, `${base}.${key}`) }];
  });
  return buildGenesis(executive, () => {
    for (const { pallet, config } of configs) pallet.genesis!.build(config);
  });
}

/** The spec with its genesis as raw storage (`build-spec --raw`, `export-state`): every key, sorted. */
export function toRawSpec(spec: ChainSpec, state: Trie): ChainSpec {
  const top: Record<string, string> = {};
  for (const [key, value] of state.entries()) top[u8aToHex(key)] = u8aToHex(value);
  return { ...spec, genesis: { raw: { top, childrenDefault: {} } } };
}
