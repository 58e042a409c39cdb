// Block files: one block per line, `0x` hex of SCALE(header ++ Vec<extrinsic>), as Substrate's
// opaque block encodes (`export-blocks` / `import-blocks`).
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { u8aToHex } from '@polkadot/util';
import { Block } from '../frame/block.ts';

export class BlockFileError extends Error {
  constructor(readonly line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = 'BlockFileError';
  }
}

/**
 * The longest block a file line may hold: the runtime allows 5 MiB per dispatch class (normal,
 * operational, mandatory), so 16 MiB is more than any block; a longer line is refused as soon as
 * it is read that far, without holding it whole.
 */
export const MAX_BLOCK_BYTES = 16 * 1024 * 1024;
const MAX_LINE = 2 + 2 * MAX_BLOCK_BYTES + 1; // 0x, the hex, a CR
const NEWLINE = 0x0a;

export const encodeBlockLine = (block: Block): string => u8aToHex(Block.enc(block));

/** The lines of a file, each at most `max` bytes: a longer one fails with its line number. */
async function* boundedLines(path: string, max: number): AsyncGenerator<{ line: number; text: string }> {
  const input = createReadStream(path);
  let parts: Buffer[] = [];
  let length = 0;
  let line = 1;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let start = 0;
      for (let end = chunk.indexOf(NEWLINE); ; end = chunk.indexOf(NEWLINE, start)) {
        const piece = chunk.subarray(start, end === -1 ? chunk.length : end);
        length += piece.length;
        if (length > max) throw new BlockFileError(line, `longer than ${max} bytes: not a block (a block is at most ${MAX_BLOCK_BYTES} bytes)`);
        parts.push(piece);
        if (end === -1) break;
        yield { line, text: Buffer.concat(parts).toString('utf8') };
        parts = [];
        length = 0;
        line++;
        start = end + 1;
      }
    }
    if (length > 0) yield { line, text: Buffer.concat(parts).toString('utf8') };
  } finally {
    input.destroy();
  }
}

/** How many lines of a file hold something: its blocks, if it is a good block file (for progress). */
export async function countBlockLines(path: string): Promise<number> {
  const holdsSomething = (piece: Buffer) => piece.some((byte) => byte > 0x20); // a block line stops at its first byte
  let count = 0;
  let open = false;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); ; end = chunk.indexOf(NEWLINE, start)) {
      open ||= holdsSomething(chunk.subarray(start, end === -1 ? chunk.length : end));
      if (end === -1) break;
      if (open) count++;
      open = false;
      start = end + 1;
    }
  }
  return open ? count + 1 : count;
}

/** Reads a block file lazily; a line that is not a block stops the read with its line number. */
export async function* readBlockFile(path: string): AsyncGenerator<{ line: number; block: Block }> {
  for await (const { line, text } of boundedLines(path, MAX_LINE)) {
    const trimmed = text.trim();
    if (trimmed === '') continue;
    if (!/^0x([0-9a-fA-F]{2})+$/.test(trimmed)) throw new BlockFileError(line, 'not a 0x-hex encoded block');
    let block: Block;
    try {
      block = Block.dec(trimmed as `0x${string}`);
    } catch (error) {
      throw new BlockFileError(line, (error as Error).message);
    }
    yield { line, block };
  }
}

/** Writes blocks, one per line. */
export async function writeBlockFile(to: string | NodeJS.WritableStream, blocks: Iterable<Block> | AsyncIterable<Block>): Promise<number> {
  // Standard output is written as the stream it is: opening /dev/stdout fails when it is a socket (ENXIO).
  const out = typeof to === 'string' ? createWriteStream(to, 'utf8') : to;
  let count = 0;
  for await (const block of blocks) {
    if (!out.write(`${encodeBlockLine(block)}\n`)) await once(out, 'drain');
    count++;
  }
  if (typeof to === 'string') {
    out.end();
    await once(out, 'finish');
  } else {
    await new Promise<void>((resolve, reject) => out.write('', (error) => (error ? reject(error) : resolve())));
  }
  return count;
}
