// pallet_services' genesis config: price limits, the notice and increase policy, and operators
// registered from the start. Every refusal names the field.
import type { HexString } from '../../primitives/scale.ts';
import { PERMILL, type AccountId } from '../../primitives/types.ts';
import { U64_MAX } from '../../frame/dispatch.ts';
import { SpecError, onlyKeys, requireArray, requireObject, toAccount, toInteger } from '../../frame/genesis-json.ts';
import { limitsConsistent, withinLimits } from './pricing.ts';
import {
  DEFAULT_MAX_PRICE_INCREASE, DEFAULT_MIN_NOTICE_BLOCKS, DEFAULT_PRICE_LIMITS, MaxPriceIncrease, MinNoticeBlocks, PriceLimits, U32_MAX,
  insertOperator,
} from './storage.ts';
import {
  PRICE_FIELDS, isValidOperatorKey, type OperatorPreferences as OperatorPreferencesValue, type PriceLimits as PriceLimitsValue,
  type PriceTargets as PriceTargetsValue,
} from './types.ts';

export interface ServicesGenesis {
  priceLimits: PriceLimitsValue;
  minNoticeBlocks: number;
  maxPriceIncrease: number;
  operators: [AccountId, OperatorPreferencesValue][];
}

function parsePriceTargets(json: unknown, path: string): PriceTargetsValue {
  const obj = requireObject(json, path);
  onlyKeys(obj, PRICE_FIELDS, path);
  return Object.fromEntries(PRICE_FIELDS.map((field) => [field, toInteger(obj[field], `${path}.${field}`, { max: U64_MAX })])) as PriceTargetsValue;
}

/**
 * `{ priceLimits: { min, max }, minNoticeBlocks, maxPriceIncrease (parts per million),
 * operators: [[account, { key, approval: "None" | "Required", price_targets }]] }`, all optional.
 */
export function parseGenesis(json: unknown, path: string): ServicesGenesis {
  const config = requireObject(json ?? {}, path);
  onlyKeys(config, ['priceLimits', 'minNoticeBlocks', 'maxPriceIncrease', 'operators'], path);
  let priceLimits = DEFAULT_PRICE_LIMITS;
  if (config.priceLimits !== undefined) {
    const limits = requireObject(config.priceLimits, `${path}.priceLimits`);
    onlyKeys(limits, ['min', 'max'], `${path}.priceLimits`);
    priceLimits = { min: parsePriceTargets(limits.min, `${path}.priceLimits.min`), max: parsePriceTargets(limits.max, `${path}.priceLimits.max`) };
    if (!limitsConsistent(priceLimits)) throw new SpecError(`${path}.priceLimits`, 'a minimum is above its maximum');
  }
  const integer = (key: string, fallback: number, max: number) =>
    (config[key] === undefined ? fallback : Number(toInteger(config[key], `${path}.${key}`, { max: BigInt(max) })));
  const seenKeys = new Set<string>();
  const seenAccounts = new Set<string>();
  const operators = requireArray(config.operators ?? [], `${path}.operators`).map((entry, i): [AccountId, OperatorPreferencesValue] => {
    const at = `${path}.operators[${i}]`;
    const pair = requireArray(entry, at);
    if (pair.length !== 2) throw new SpecError(at, 'expected [account, preferences]');
    const account = toAccount(pair[0], `${at}[0]`);
    const prefs = requireObject(pair[1], `${at}[1]`);
    onlyKeys(prefs, ['key', 'approval', 'price_targets'], `${at}[1]`);
    const key = prefs.key;
    if (typeof key !== 'string' || !/^0x[0-9a-fA-F]{66}$/.test(key) || !isValidOperatorKey(key.toLowerCase() as HexString)) {
      throw new SpecError(`${at}[1].key`, `${JSON.stringify(key)} is not a compressed secp256k1 public key (33 bytes, 0x-hex)`);
    }
    if (prefs.approval !== 'None' && prefs.approval !== 'Required') {
      throw new SpecError(`${at}[1].approval`, `expected "None" or "Required", got ${JSON.stringify(prefs.approval)}`);
    }
    const price_targets = parsePriceTargets(prefs.price_targets, `${at}[1].price_targets`);
    if (!withinLimits(price_targets, priceLimits)) throw new SpecError(`${at}[1].price_targets`, 'outside priceLimits');
    if (seenAccounts.has(account)) throw new SpecError(`${at}[0]`, 'this account is registered twice');
    if (seenKeys.has(key.toLowerCase())) throw new SpecError(`${at}[1].key`, 'another operator has this key');
    seenAccounts.add(account);
    seenKeys.add(key.toLowerCase());
    return [account, { key: key.toLowerCase() as HexString, approval: { type: prefs.approval }, price_targets }];
  });
  return {
    priceLimits,
    minNoticeBlocks: integer('minNoticeBlocks', DEFAULT_MIN_NOTICE_BLOCKS, U32_MAX),
    maxPriceIncrease: integer('maxPriceIncrease', DEFAULT_MAX_PRICE_INCREASE, PERMILL),
    operators,
  };
}

export function buildGenesis(config: ServicesGenesis): void {
  PriceLimits.put(config.priceLimits);
  MinNoticeBlocks.put(config.minNoticeBlocks);
  MaxPriceIncrease.put(config.maxPriceIncrease);
  for (const [account, prefs] of config.operators) insertOperator(account, prefs);
}
