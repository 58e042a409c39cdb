// pallet_sudo: one key account may dispatch any call as Root (or as any signed account). A call
// made through sudo reports its own outcome in an event (Sudid, SudoAsDone); the sudo extrinsic
// itself succeeds, and the key pays no fee for it.
import { Option, Result, alias, lazy, unit, type Type } from '../../primitives/scale.ts';
import { AccountId32, DispatchError, MultiAddress, Weight } from '../../primitives/types.ts';
import type { DispatchOutcome } from '../../frame/construct.ts';
import {
  DispatchErrors, Root, addWeight, lookupAddress, signed, type DispatchInfo, type Origin, type PostDispatchInfo,
} from '../../frame/dispatch.ts';
import { account, object, optional } from '../../frame/genesis-json.ts';
import { call, errors, events, genesisConfig, pallet, type RuntimeCallValue } from '../../frame/pallet.ts';
import type { PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import { palletStorage } from '../../frame/storage.ts';
import { SudoWeights } from './weights.ts';

const PALLET = 'Sudo';

/** Every storage item of the pallet, registered as it is declared below (metadata order). */
export const SudoStorage = palletStorage(PALLET);

const AccountIdOf = alias(AccountId32, 'T::AccountId');
const AccountLookup = alias(MultiAddress, 'AccountIdLookupOf<T>');
const DispatchResult = alias(Result(unit, DispatchError), 'DispatchResult');

export const Key = SudoStorage.value('Key', AccountIdOf, { docs: ['The `AccountId` of the sudo key.'] });

export const SudoEvents = events(PALLET, {
  Sudid: [0, { sudo_result: DispatchResult }, 'A sudo call just took place.'],
  KeyChanged: [1, { old: Option(AccountIdOf), new: AccountIdOf }, 'The sudo key has been updated.'],
  KeyRemoved: [2, undefined, 'The key was permanently removed.'],
  SudoAsDone: [3, { sudo_result: DispatchResult }, 'A [sudo_as](Pallet::sudo_as) call just took place.'],
});

export const SudoErrors = errors(PALLET, {
  RequireSudo: [0, 'Sender must be the Sudo account.'],
});

export interface SudoConfig {
  /** The runtime's RuntimeCall (lazy: the runtime is built after its pallets). */
  runtimeCall: Type<RuntimeCallValue>;
  /** Dispatches a call as `origin` in its own storage layer, as Runtime.dispatch. */
  dispatch: (origin: Origin, call: RuntimeCallValue) => DispatchOutcome;
  dispatchInfo: (call: RuntimeCallValue) => DispatchInfo;
}

/** The key signed, or Root (a sudo nested in a sudo); anyone else is refused. */
function ensureSudo(origin: Origin): void {
  if (origin.type === 'Root') return;
  if (origin.type !== 'Signed') throw DispatchErrors.BadOrigin;
  if (Key.get() !== origin.value) throw SudoErrors.RequireSudo;
}

/** The inner call's outcome, as the event reports it. */
const outcome = ({ error }: DispatchOutcome) =>
  (error === undefined ? { success: true as const, value: undefined } : { success: false as const, value: error });

/** A successful sudo call is free for the key. */
const NO_FEE: PostDispatchInfo = { paysFee: false };

export function createSudo(config: SudoConfig) {
  const BoxedCall = lazy(() => config.runtimeCall, 'Box<<T as Config>::RuntimeCall>');
  const innerClass = ({ call: inner }: { call: RuntimeCallValue }) => config.dispatchInfo(inner).class.type;
  const sudoAsRoot = (origin: Origin, { call: inner }: { call: RuntimeCallValue }): PostDispatchInfo => {
    ensureSudo(origin);
    SudoEvents.deposit({ type: 'Sudid', value: { sudo_result: outcome(config.dispatch(Root, inner)) } });
    return NO_FEE;
  };

  return pallet({
    name: PALLET,
    docs: 'A single key account that may dispatch calls as Root.',
    storage: SudoStorage,
    calls: {
      sudo: call({
        index: 0, origin: 'any', args: { call: BoxedCall },
        weight: ({ call: inner }) => addWeight(SudoWeights.sudo(), config.dispatchInfo(inner).weight),
        class: innerClass,
        docs: 'Authenticates the sudo key and dispatches a function call with `Root` origin.',
        dispatch: sudoAsRoot,
      }),
      sudo_unchecked_weight: call({
        index: 1, origin: 'any', args: { call: BoxedCall, weight: Weight },
        weight: ({ weight }) => weight,
        class: innerClass,
        docs: ['Authenticates the sudo key and dispatches a function call with `Root` origin.',
          'This function does not check the weight of the call, and instead allows the Sudo user to specify the weight of the call.'],
        dispatch: sudoAsRoot,
      }),
      set_key: call({
        index: 2, origin: 'any', args: { new: AccountLookup }, weight: SudoWeights.setKey,
        docs: 'Authenticates the current sudo key and sets the given AccountId (`new`) as the new sudo key.',
        dispatch: (origin, { new: address }) => {
          ensureSudo(origin);
          const key = lookupAddress(address);
          SudoEvents.deposit({ type: 'KeyChanged', value: { old: Key.get(), new: key } });
          Key.put(key);
          return NO_FEE;
        },
      }),
      sudo_as: call({
        index: 3, origin: 'any', args: { who: AccountLookup, call: BoxedCall },
        weight: ({ call: inner }) => addWeight(SudoWeights.sudoAs(), config.dispatchInfo(inner).weight),
        class: innerClass,
        docs: 'Authenticates the sudo key and dispatches a function call with `Signed` origin from a given account.',
        dispatch: (origin, { who, call: inner }) => {
          ensureSudo(origin);
          const as = lookupAddress(who);
          SudoEvents.deposit({ type: 'SudoAsDone', value: { sudo_result: outcome(config.dispatch(signed(as), inner)) } });
          return NO_FEE;
        },
      }),
      remove_key: call({
        index: 4, origin: 'any', args: {}, weight: SudoWeights.removeKey,
        docs: 'Permanently removes the sudo key. **This cannot be un-done.**',
        dispatch: (origin) => {
          ensureSudo(origin);
          SudoEvents.deposit({ type: 'KeyRemoved' });
          Key.remove();
          return NO_FEE;
        },
      }),
    },
    events: SudoEvents,
    errors: SudoErrors,
    /** `{ "key": "<ss58>" }`; without a key (or with null) nobody is sudo. */
    genesis: genesisConfig(object({ key: optional(account) }), ({ key }) => {
      if (key !== undefined) Key.put(key);
    }),
    benchmarks: async (self): Promise<PalletBenchmarks> => (await import('./benchmarks.ts')).sudoBenchmarks(self),
  });
}
