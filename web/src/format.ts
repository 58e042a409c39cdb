// Numbers as people read them: token amounts with the chain's symbol and decimals, micro-USD as
// dollars, blocks as time (6 s each), and the reverse for what they type. All money stays bigint.
import type { Token } from './chain.ts';

export const BLOCK_SECONDS = 6;
export const HOURS_PER_MONTH = 720n;
export const MICRO_USD = 1_000_000n;

const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** `amount` in units of 10^-decimals as a decimal string, at most `maxFraction` fraction digits (truncated). */
function decimal(amount: bigint, decimals: number, maxFraction: number, minFraction = 0): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  let fraction = (abs % scale).toString().padStart(decimals, '0').slice(0, maxFraction).replace(/0+$/, '');
  fraction = fraction.padEnd(minFraction, '0');
  return `${negative ? '-' : ''}${group(whole.toString())}${fraction ? `.${fraction}` : ''}`;
}

/** A planck amount as `1,234.5678 SLICE`; tiny non-zero amounts keep every digit rather than read 0. */
export function formatToken(planck: bigint, token: Token): string {
  const short = decimal(planck, token.decimals, 4);
  const text = planck !== 0n && /^-?0$/.test(short) ? decimal(planck, token.decimals, token.decimals) : short;
  return `${text} ${token.symbol}`;
}

/** micro-USD as `$1,234.56` (more digits only when they matter). */
export function formatUsd(microUsd: bigint): string {
  return `$${decimal(microUsd, 6, 6, 2)}`;
}

export const formatPercent = (permill: number): string => `${(permill / 10_000).toFixed(2).replace(/\.?0+$/, '')}%`;

/** A number of blocks as time: `2 h 5 min`, `45 s`. */
export function formatBlocks(blocks: number): string {
  const seconds = blocks * BLOCK_SECONDS;
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${seconds} s`;
}

/** A decimal the user typed (`1.5`) in units of 10^-decimals; undefined when it is not one. */
export function parseDecimal(text: string, decimals: number): bigint | undefined {
  const match = /^\s*(\d+)(?:\.(\d*))?\s*$/.exec(text);
  if (!match || (match[2]?.length ?? 0) > decimals) return undefined;
  return BigInt(match[1]) * 10n ** BigInt(decimals) + BigInt((match[2] ?? '').padEnd(decimals, '0') || '0');
}

/** USD → planck at the oracle price (micro-USD per token), rounded up as the chain rounds what it holds. */
export function usdToPlanck(microUsd: bigint, oraclePrice: bigint, token: Token): bigint {
  const scaled = microUsd * 10n ** BigInt(token.decimals);
  return scaled / oraclePrice + (scaled % oraclePrice === 0n ? 0n : 1n);
}
