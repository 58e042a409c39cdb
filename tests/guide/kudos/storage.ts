// pallet_kudos' storage: one map, its constant named exactly as its storage item.
import { u32 } from '../../../primitives/scale.ts';
import { AccountId32 } from '../../../primitives/types.ts';
import { StorageMap } from '../../../frame/storage.ts';

export const Kudos = StorageMap('Kudos', 'Kudos', 'Blake2_128Concat', AccountId32, u32,
  { default: 0, docs: ['How many kudos each account has received.'] });
