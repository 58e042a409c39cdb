// pallet_kudos' benchmark: `give`, to an account that already has kudos (the map entry is read and
// rewritten), with a verify step, as docs/adding-a-pallet.md shows.
import { ensure, type PalletBenchmarks } from '../../../frame/benchmarking/index.ts';
import { signed } from '../../../frame/dispatch.ts';
import type { createKudos } from './index.ts';
import { Kudos } from './storage.ts';

export function kudosBenchmarks(KudosPallet: ReturnType<typeof createKudos>): PalletBenchmarks {
  return {
    give: {
      setup: (_, ctx) => {
        const [from, to] = [ctx.account('giver', 0), ctx.account('receiver', 0)];
        Kudos.insert(to, 41);
        return {
          origin: signed(from), call: KudosPallet.tx.give({ to }),
          verify: () => ensure(Kudos.get(to) === 42, 'the kudo was not counted'),
        };
      },
    },
  };
}
