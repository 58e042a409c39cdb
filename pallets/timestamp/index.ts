// pallet_timestamp: the block's time, set once per block by an inherent. Time inside the runtime
// comes only from here; the block author sets the parent's time plus the slot (6000 ms).
import { Compact, bool, u64 } from '../../primitives/scale.ts';
import { Moment } from '../../primitives/types.ts';
import { DispatchFailure, U64_MAX } from '../../frame/dispatch.ts';
import { call, constant, genesisConfig, pallet } from '../../frame/pallet.ts';
import type { PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import { palletStorage } from '../../frame/storage.ts';
import { integer, object, optional } from '../../frame/genesis-json.ts';
import { MILLISECS_PER_BLOCK } from '../../frame/units.ts';
import { TimestampWeights } from './weights.ts';

const PALLET = 'Timestamp';

/** Every storage item of the pallet, registered as it is declared below (metadata order). */
export const TimestampStorage = palletStorage(PALLET);
export const SLOT_DURATION_MS = MILLISECS_PER_BLOCK;
/** Substrate sets it to half the slot. */
export const MINIMUM_PERIOD_MS = SLOT_DURATION_MS / 2n;

export const Now = TimestampStorage.value('Now', Moment, { default: 0n, docs: ['The current time for the current block.'] });
export const DidUpdate = TimestampStorage.value('DidUpdate', bool, { default: false, docs: ['Whether the timestamp has been updated in this block.'] });

const mandatoryFailure = (message: string) => new DispatchFailure({ type: 'Other' }, message);

const timestamp = pallet({
  name: PALLET,
  storage: TimestampStorage,
  calls: {
    set: call({
      index: 0, origin: 'none', class: 'Mandatory', args: { now: Compact(u64) }, weight: TimestampWeights.set,
      docs: 'Set the current time. An inherent: the block author includes it once, first, in every block.',
      dispatch: ({ now }) => {
        if (DidUpdate.get()) throw mandatoryFailure('Timestamp must be updated only once in the block');
        const previous = Now.get();
        if (previous !== 0n && now < previous + MINIMUM_PERIOD_MS) {
          throw mandatoryFailure(`Timestamp must increment by at least ${MINIMUM_PERIOD_MS} ms between sequential blocks`);
        }
        Now.put(now);
        DidUpdate.put(true);
      },
    }),
  },
  constants: {
    MinimumPeriod: constant(u64, MINIMUM_PERIOD_MS, 'The minimum period between blocks (half the 6 s slot).'),
  },
  hooks: {
    onInitialize: () => TimestampWeights.onFinalize(),
    onFinalize: () => {
      // A block without its timestamp inherent is invalid: the executive refuses it.
      if (!DidUpdate.take()) throw new Error('Timestamp must be updated once in the block');
    },
  },
  /** `{ "now": <ms since the Unix epoch> }`: the genesis time; block n's time is genesis + n * 6000. 0 when absent. */
  genesis: genesisConfig(object({ now: optional(integer({ max: U64_MAX }), 0n) }), ({ now }) => Now.put(now)),
  benchmarks: async (self): Promise<PalletBenchmarks> => (await import('./benchmarks.ts')).timestampBenchmarks(self, { Now, DidUpdate }),
});

/** Timestamp takes nothing from the runtime. */
export type TimestampConfig = Record<string, never>;
export const createTimestamp = (_config: TimestampConfig) => timestamp;

/** The timestamp inherent of the block after one whose time is `parentNow`. */
export const nextTimestamp = (parentNow: bigint): bigint => parentNow + SLOT_DURATION_MS;
