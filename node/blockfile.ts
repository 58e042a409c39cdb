// Block files: one block per line, `0x` hex of SCALE(header ++ Vec<extrinsic>), as Substrate's
// opaque block encodes (`export-blocks` / `import-blocks`).
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { u8aToHex } from '@polkadot/util';
import { Block } from '../frame/block.ts';

export class BlockFileError extends Error {
  constructor(readonly line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = 'BlockFileError';
  }
}

export const encodeBlockLine = (block: Block): string => u8aToHex(Block.enc(block));

/** Reads a block file lazily; a line that is not a block stops the read with its line number. */
export async function* readBlockFile(path: string): AsyncGenerator<{ line: number; block: Block }> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    const trimmed = text.trim();
    if (trimmed === '') continue;
    if (!/^0x([0-9a-fA-F]{2})+$/.test(trimmed)) throw new BlockFileError(line, 'not a 0x-hex encoded block');
    try {
      yield { line, block: Block.dec(trimmed as `0x${string}`) };
    } catch (error) {
      throw new BlockFileError(line, (error as Error).message);
    }
  }
}

/** Writes blocks, one per line. */
export async function writeBlockFile(path: string, blocks: Iterable<Block> | AsyncIterable<Block>): Promise<number> {
  const out = createWriteStream(path, 'utf8');
  let count = 0;
  for await (const block of blocks) {
    if (!out.write(`${encodeBlockLine(block)}\n`)) await once(out, 'drain');
    count++;
  }
  out.end();
  await once(out, 'finish');
  return count;
}
