// pallet_kudos, the example of docs/adding-a-pallet.md: an account gives another a kudo. One
// storage map, one call, one event, one error and one runtime API, declared in one place.
import { u32 } from '../../../primitives/scale.ts';
import { AccountId32 } from '../../../primitives/types.ts';
import { call, errors, events, pallet } from '../../../frame/pallet.ts';
import type { PalletBenchmarks } from '../../../frame/benchmarking/index.ts';
import { kudosApi } from './runtime-api.ts';
import { Kudos, KudosStorage } from './storage.ts';
import { KudosWeights } from './weights.ts';

const PALLET = 'Kudos';

export const KudosEvents = events(PALLET, {
  KudoGiven: [0, { from: AccountId32, to: AccountId32, total: u32 }, '`from` gave `to` a kudo; `to` now has `total`.'],
});

export const KudosErrors = errors(PALLET, {
  CannotKudoSelf: [0, 'An account cannot give itself a kudo.'],
});

/** Kudos takes nothing from the runtime (a pallet that moved funds would take a `Currency`). */
export type KudosConfig = Record<string, never>;

export function createKudos(_config: KudosConfig) {
  return pallet({
    name: PALLET,
    docs: 'Accounts give each other kudos.',
    storage: KudosStorage,
    calls: {
      give: call({
        index: 0, origin: 'signed', args: { to: AccountId32 }, weight: KudosWeights.give,
        docs: 'Give `to` a kudo.',
        dispatch: (from, { to }) => {
          if (from === to) throw KudosErrors.CannotKudoSelf;
          const total = Kudos.get(to) + 1;
          Kudos.insert(to, total);
          KudosEvents.deposit({ type: 'KudoGiven', value: { from, to, total } });
        },
      }),
    },
    events: KudosEvents,
    errors: KudosErrors,
    apis: () => [kudosApi()],
    benchmarks: async (self): Promise<PalletBenchmarks> => (await import('./benchmarks.ts')).kudosBenchmarks(self),
  });
}
