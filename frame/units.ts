// Chain units, declared once: the 6 s block and the block counts it makes. A price per block is
// an hourly price divided by BLOCKS_PER_HOUR, never multiplied by it.
export const MILLISECS_PER_BLOCK = 6000n;
export const BLOCKS_PER_HOUR = 600;
export const BLOCKS_PER_DAY = 24 * BLOCKS_PER_HOUR;
/** One token in planck: the chain's 12 decimals (the spec's `tokenDecimals`). */
export const TOKEN = 10n ** 12n;
