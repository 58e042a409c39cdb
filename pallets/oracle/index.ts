// The token's USD price, set by Root, and the conversion of USD amounts to planck that pallets
// pricing in USD use (the PriceOracle of frame/traits.ts).
import { u64 } from '../../primitives/scale.ts';
import { DispatchErrors, U128_MAX, U64_MAX } from '../../frame/dispatch.ts';
import { integer, object, optional } from '../../frame/genesis-json.ts';
import { call, errors, events, genesisConfig, pallet } from '../../frame/pallet.ts';
import type { PalletBenchmarks } from '../../frame/benchmarking/index.ts';
import { palletStorage } from '../../frame/storage.ts';
import type { PriceOracle } from '../../frame/traits.ts';
import { OracleWeights } from './weights.ts';

const PALLET = 'Oracle';

/** Every storage item of the pallet, registered as it is declared below (metadata order). */
export const OracleStorage = palletStorage(PALLET);

/** Planck per whole token: the token has 12 decimals. */
export const PLANCK_PER_TOKEN = 10n ** 12n;

export const Price = OracleStorage.value('Price', u64,
  { docs: ['The token\'s price in micro-USD per whole token (1_000_000 = $1). None until Root sets one.'] });

export const OracleEvents = events(PALLET, {
  PriceSet: [0, { price: u64 }, 'The token\'s price was set, in micro-USD per whole token.'],
});

export const OracleErrors = errors(PALLET, {
  ZeroPrice: [0, 'A price of zero is refused: every USD amount would cost infinitely many tokens.'],
  NoPrice: [1, 'No price is set: USD amounts cannot be converted to tokens.'],
});

/** scaled (micro-USD × 10^12) / price in planck, and the remainder. */
function convert(scaled: bigint): { planck: bigint; rest: bigint } {
  const price = Price.get();
  if (price === undefined) throw OracleErrors.NoPrice;
  if (scaled < 0n) throw DispatchErrors.Underflow;
  const planck = scaled / price;
  if (planck > U128_MAX) throw DispatchErrors.Overflow;
  return { planck, rest: scaled % price };
}

/** Sets the price; zero is refused. */
function setPrice(price: bigint): void {
  if (price === 0n) throw OracleErrors.ZeroPrice;
  Price.put(price);
  OracleEvents.deposit({ type: 'PriceSet', value: { price } });
}

/**
 * The price as pallets see it. usdToPlanck = microUsd × 10^12 / price, exact in bigint; the
 * remainder (less than one planck) is dropped ('down', in the payer's favour) or counted as one
 * more planck ('up', in the payee's favour), or carried to the next conversion (usdToPlanckCarrying).
 */
export const oraclePrice: PriceOracle = {
  price: () => Price.get(),
  usdToPlanck: (microUsd, rounding) => {
    const { planck, rest } = convert(microUsd * PLANCK_PER_TOKEN);
    const up = rounding === 'up' && rest !== 0n ? 1n : 0n;
    if (planck + up > U128_MAX) throw DispatchErrors.Overflow;
    return planck + up;
  },
  usdToPlanckCarrying: (microUsd, carried) => {
    const { planck, rest } = convert(microUsd * PLANCK_PER_TOKEN + carried);
    return { planck, carried: rest };
  },
  setPrice,
};

const oracle = pallet({
  name: PALLET,
  docs: 'The token\'s USD price, set by Root.',
  storage: OracleStorage,
  calls: {
    set_price: call({
      index: 0, origin: 'root', args: { price: u64 }, weight: OracleWeights.setPrice,
      docs: 'Set the token\'s price in micro-USD per whole token (1_000_000 = $1). Zero is refused.',
      dispatch: ({ price }) => setPrice(price),
    }),
  },
  events: OracleEvents,
  errors: OracleErrors,
  /** `{ "price": <micro-USD per token> }`; without one, no price until Root sets it. */
  genesis: genesisConfig(object({ price: optional(integer({ min: 1n, max: U64_MAX })) }), ({ price }) => {
    if (price !== undefined) Price.put(price);
  }),
  benchmarks: async (self): Promise<PalletBenchmarks> => (await import('./benchmarks.ts')).oracleBenchmarks(self),
});

/** Oracle takes nothing from the runtime; pricing pallets reach it through its `priceOracle`. */
export type OracleConfig = Record<string, never>;
export const createOracle = (_config: OracleConfig) => ({ ...oracle, priceOracle: oraclePrice });
