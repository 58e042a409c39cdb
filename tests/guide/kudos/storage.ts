// pallet_kudos' storage: one map, its constant named exactly as its storage item.
import { u32 } from '../../../primitives/scale.ts';
import { AccountId32 } from '../../../primitives/types.ts';
import { palletStorage } from '../../../frame/storage.ts';

/** Every storage item of the pallet, registered as it is declared. */
export const KudosStorage = palletStorage('Kudos');

export const Kudos = KudosStorage.map('Kudos', 'Blake2_128Concat', AccountId32, u32,
  { default: 0, docs: ['How many kudos each account has received.'] });
