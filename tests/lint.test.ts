// The determinism rule of DESIGN.md is enforced by ESLint on frame/, runtime/ and pallets/; these tests
// keep that rule from silently losing its teeth.
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => m.message);
}

describe('determinism lint', () => {
  it.each(['frame/example.ts', 'runtime/example.ts', 'pallets/services/index.ts'])('refuses clocks, randomness, process, timers and I/O in %s', async (path) => {
    const found = await problems(
      [
        "import { readFileSync } from 'node:fs';",
        "import { Socket } from 'net';",
        'export const a = Date.now();',
        'export const b = Math.random();',
        'export const c = process.pid;',
        'setTimeout(() => readFileSync, 1);',
        'export const d = Socket;',
      ].join('\n'),
      path,
    );
    expect(found).toEqual(expect.arrayContaining([
      expect.stringContaining("'node:fs' import is restricted"),
      expect.stringContaining("'net' import is restricted"),
      expect.stringContaining("'Date'"),
      expect.stringContaining('Math.random'),
      expect.stringContaining("'process'"),
      expect.stringContaining("'setTimeout'"),
    ]));
  });

  it('lets the node use the clock and the file system', async () => {
    expect(await problems("import { readFileSync } from 'node:fs';\nexport const t = Date.now() + readFileSync.length;", 'node/example.ts')).toEqual([]);
  });
});
