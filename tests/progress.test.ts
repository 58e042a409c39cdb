// Progress off a terminal, as a CI log shows it: the real binary in a child process (standard
// error is a pipe, not a TTY) prints progress lines for simulate, import-blocks, export-blocks and
// export-state --blocks on standard error, and standard output keeps only the verb's answer.
// SLICECHAIN_PROGRESS_SECONDS=0 asks for a line at every step, so the lines do not depend on speed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { slicechainWithEnv } from './slicechain-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'slicechain-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BLOCKS = 3;
const EVERY_STEP = { SLICECHAIN_PROGRESS_SECONDS: '0' };
const DURATION = '(\\d+s|\\d+m\\d\\ds|\\d+h\\d\\dm)';

/** The lines a verb should print for `total` blocks: one per block, then how long it took. */
function expectProgress(stderr: string, verb: string, total: number): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(total + 1);
  lines.slice(0, total).forEach((line, i) => {
    const percent = Math.floor((100 * (i + 1)) / total);
    expect(line).toMatch(new RegExp(`^${verb}: ${i + 1}/${total} blocks \\(${percent}%\\), ${DURATION} elapsed, about ${DURATION} left$`));
  });
  expect(lines[total]).toMatch(new RegExp(`^${verb}: ${total}/${total} blocks in ${DURATION}$`));
}

describe('progress lines off a terminal', () => {
  const file = join(dir, 'chain.blocks');
  const base = join(dir, 'base');
  let head: string;

  beforeAll(async () => {
    const simulated = await slicechainWithEnv(EVERY_STEP, 'simulate', '--blocks', String(BLOCKS), '--out', file, '--base-path', base, '--json');
    expect(simulated.code).toBe(0);
    head = JSON.parse(simulated.stdout).head;
    expectProgress(simulated.stderr, 'simulate', BLOCKS);
  });

  it('import-blocks and export-state --blocks show a line per block', async () => {
    const [imported, exported] = await Promise.all([
      slicechainWithEnv(EVERY_STEP, 'import-blocks', file, '--json'),
      slicechainWithEnv(EVERY_STEP, 'export-state', '--blocks', file),
    ]);
    expect([imported.code, JSON.parse(imported.stdout).head]).toEqual([0, head]);
    expectProgress(imported.stderr, 'import-blocks', BLOCKS);
    expect([exported.code, Object.keys(JSON.parse(exported.stdout).genesis.raw.top).length > 0]).toEqual([0, true]);
    expectProgress(exported.stderr, 'export-state', BLOCKS);
  });

  it('export-blocks shows its lines on standard error while the blocks go to standard output', async () => {
    const exported = await slicechainWithEnv(EVERY_STEP, 'export-blocks', '--base-path', base);
    expect([exported.code, exported.stdout]).toEqual([0, readFileSync(file, 'utf8')]);
    expectProgress(exported.stderr, 'export-blocks', BLOCKS);
  });

  it('prints at most a line per interval: a short run within one shows only its last line', async () => {
    const quiet = await slicechainWithEnv({ SLICECHAIN_PROGRESS_SECONDS: '3600' }, 'import-blocks', file);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toMatch(new RegExp(`^import-blocks: ${BLOCKS}/${BLOCKS} blocks in ${DURATION}\\n$`));
  });
});
