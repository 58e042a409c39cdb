// KudosApi: what a front end asks of the pallet, through state_call("KudosApi_kudos_of", SCALE(account)).
import { u32 } from '../../../primitives/scale.ts';
import { AccountId32 } from '../../../primitives/types.ts';
import { method, runtimeApi, type RuntimeApi } from '../../../frame/runtime-api.ts';
import { Kudos } from './storage.ts';

export const kudosApi = (): RuntimeApi => runtimeApi('KudosApi', 1, {
  kudos_of: method({
    inputs: { account: AccountId32 }, output: u32, docs: ['How many kudos `account` has received.'],
    call: ({ account }) => Kudos.get(account),
  }),
}, ['The runtime API of the Kudos pallet.']);
