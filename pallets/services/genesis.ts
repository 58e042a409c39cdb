// pallet_services' genesis config: price limits, the notice and increase policy, and operators
// registered from the start. Every refusal names the field.
import type { HexString } from '../../primitives/scale.ts';
import { PERMILL } from '../../primitives/types.ts';
import { U64_MAX } from '../../frame/dispatch.ts';
import {
  SpecError, account, array, integer, object, oneOf, optional, refine, smallInteger, tuple, type Shape, type ShapeValue,
} from '../../frame/genesis-json.ts';
import { limitsConsistent, withinLimits } from './pricing.ts';
import {
  DEFAULT_MAX_PRICE_INCREASE, DEFAULT_MIN_NOTICE_BLOCKS, DEFAULT_PRICE_LIMITS, MaxPriceIncrease, MinNoticeBlocks, PriceLimits,
  insertOperator,
} from './storage.ts';
import {
  PRICE_FIELDS, isValidOperatorKey, type PriceLimits as PriceLimitsValue, type PriceTargets as PriceTargetsValue,
} from './types.ts';

const PriceTargetsConfig = object(Object.fromEntries(PRICE_FIELDS.map((field) => [field, integer({ max: U64_MAX })]))) as Shape<PriceTargetsValue>;

const PriceLimitsConfig = refine(object({ min: PriceTargetsConfig, max: PriceTargetsConfig }), (limits, path): PriceLimitsValue => {
  if (!limitsConsistent(limits)) throw new SpecError(path, 'a minimum is above its maximum');
  return limits;
});

/** A compressed secp256k1 public key, 33 bytes as 0x-hex (either case; stored lower-case). */
const OperatorKeyConfig: Shape<HexString> = {
  read: (json, path) => {
    if (typeof json !== 'string' || !/^0x[0-9a-fA-F]{66}$/.test(json) || !isValidOperatorKey(json.toLowerCase() as HexString)) {
      throw new SpecError(path, `${JSON.stringify(json)} is not a compressed secp256k1 public key (33 bytes, 0x-hex)`);
    }
    return json.toLowerCase() as HexString;
  },
};

const OperatorConfig = tuple(['account', account], ['preferences', object({
  key: OperatorKeyConfig,
  approval: oneOf({ None: { type: 'None' as const }, Required: { type: 'Required' as const } }),
  price_targets: PriceTargetsConfig,
})]);

/**
 * `{ priceLimits: { min, max }, minNoticeBlocks, maxPriceIncrease (parts per million),
 * operators: [[account, { key, approval: "None" | "Required", price_targets }]] }`, all optional.
 * Each operator registers once, with a key of its own and price targets within the limits.
 */
export const ServicesGenesisConfig = refine(object({
  priceLimits: optional(PriceLimitsConfig, DEFAULT_PRICE_LIMITS),
  minNoticeBlocks: optional(smallInteger(), DEFAULT_MIN_NOTICE_BLOCKS),
  maxPriceIncrease: optional(smallInteger({ max: PERMILL }), DEFAULT_MAX_PRICE_INCREASE),
  operators: optional(array(OperatorConfig), []),
}), (config, path) => {
  const seenKeys = new Set<string>();
  const seenAccounts = new Set<string>();
  for (const [i, [account, prefs]] of config.operators.entries()) {
    const at = `${path}.operators[${i}]`;
    if (!withinLimits(prefs.price_targets, config.priceLimits)) throw new SpecError(`${at}[1].price_targets`, 'outside priceLimits');
    if (seenAccounts.has(account)) throw new SpecError(`${at}[0]`, 'this account is registered twice');
    if (seenKeys.has(prefs.key)) throw new SpecError(`${at}[1].key`, 'another operator has this key');
    seenAccounts.add(account);
    seenKeys.add(prefs.key);
  }
  return config;
});

export type ServicesGenesis = ShapeValue<typeof ServicesGenesisConfig>;

export function buildGenesis(config: ServicesGenesis): void {
  PriceLimits.put(config.priceLimits);
  MinNoticeBlocks.put(config.minNoticeBlocks);
  MaxPriceIncrease.put(config.maxPriceIncrease);
  for (const [account, prefs] of config.operators) insertOperator(account, prefs);
}
