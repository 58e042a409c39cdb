// chopsticks' object form of storage values (dev_setStorage, its config files):
// `{ System: { Account: [[[address], { providers: 1, data: { free: 10n ** 18n } }]] }, Timestamp: { Now: 1 } }`,
// turned into raw key/value changes through the runtime's metadata, as chopsticks does: keys by
// the item's hashers, values by its type with missing fields at their defaults, a 0x-hex value
// taken as already encoded, null removing, and `$removePrefix: ['Item']` removing a whole map.
import { Metadata, StorageKey, TypeRegistry } from '@polkadot/types';
import { expandMetadata } from '@polkadot/types/metadata/decorate';
import type { DecoratedMeta } from '@polkadot/types/metadata/decorate/types';
import { hexToU8a, isHex, stringCamelCase } from '@polkadot/util';
import type { Runtime } from '../frame/construct.ts';
import { buildMetadata } from '../frame/metadata.ts';
import type { Change } from '../frame/overlay.ts';

/** What to write: changes, and the prefixes whose keys are all removed. */
export interface StorageEdit {
  changes: Change[];
  removedPrefixes: Uint8Array[];
}

const decorated = new WeakMap<Runtime, DecoratedMeta>();

function decoratedMetadata(runtime: Runtime): DecoratedMeta {
  let meta = decorated.get(runtime);
  if (!meta) {
    const registry = new TypeRegistry();
    const metadata = new Metadata(registry, buildMetadata(runtime, 14));
    registry.setMetadata(metadata);
    meta = expandMetadata(registry, metadata);
    decorated.set(runtime, meta);
  }
  return meta;
}

/** Encodes chopsticks' object form for `runtime`; a name it does not know, or a value that does not fit, is an Error saying which. */
export function encodeStorageValues(runtime: Runtime, values: Record<string, unknown>): StorageEdit {
  const meta = decoratedMetadata(runtime);
  const edit: StorageEdit = { changes: [], removedPrefixes: [] };
  for (const [palletName, items] of Object.entries(values)) {
    const pallet = meta.query[stringCamelCase(palletName)];
    if (!pallet) throw new Error(`Cannot find pallet ${palletName}`);
    if (typeof items !== 'object' || items === null) throw new Error(`${palletName}: expected { Item: value, ... }`);
    for (const [itemName, value] of Object.entries(items as Record<string, unknown>)) {
      const entryOf = (name: string) => {
        const entry = pallet[stringCamelCase(name)];
        if (!entry) throw new Error(`Cannot find storage ${name} in pallet ${palletName}`);
        return entry;
      };
      if (itemName === '$removePrefix') {
        if (!Array.isArray(value)) throw new Error(`${palletName}.$removePrefix: expected an array of storage item names`);
        for (const name of value as string[]) edit.removedPrefixes.push(entryOf(name).keyPrefix());
        continue;
      }
      const entry = entryOf(itemName);
      const encode = (key: StorageKey, v: unknown): Change => {
        if (v === null || v === undefined) return [key.toU8a(true), null];
        if (typeof v === 'string' && isHex(v)) return [key.toU8a(true), hexToU8a(v)];
        return [key.toU8a(true), meta.registry.createType(key.outputType, v).toU8a()];
      };
      const where = `${palletName}.${itemName}`;
      try {
        if (entry.meta.type.isPlain) {
          edit.changes.push(encode(new StorageKey(meta.registry, [entry]), value));
        } else {
          if (!Array.isArray(value)) throw new Error('expected [[[key, ...], value], ...] for a map');
          for (const pair of value as unknown[]) {
            if (!Array.isArray(pair) || pair.length !== 2) throw new Error('expected [[key, ...], value] entries');
            const keys = Array.isArray(pair[0]) ? pair[0] : [pair[0]];
            edit.changes.push(encode(new StorageKey(meta.registry, [entry, keys]), pair[1]));
          }
        }
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).message}`);
      }
    }
  }
  return edit;
}
