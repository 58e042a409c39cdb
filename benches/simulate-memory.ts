// Memory of a long `simulate` (issue 12, "memory flat in chain length"): runs the real CLI,
// `slicechain simulate --seed 7 --blocks MAX --out <file>` (and with --base-path when asked), and
// prints its peak and current RSS (Linux /proc/<pid>/status: VmHWM, VmRSS) when the block file it
// writes as it goes reaches each milestone. Flat means the peak at the last milestone is about the
// peak at the first. Measured, never asserted.
//
//   npx tsx benches/simulate-memory.ts [MILESTONES, default 500,1000,2000] [--base-path]
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const milestones = (args.find((arg) => !arg.startsWith('--')) ?? '500,1000,2000').split(',').map(Number);
const withDatabase = args.includes('--base-path');
const dir = mkdtempSync(join(tmpdir(), 'slicechain-memory-'));
const out = join(dir, 'blocks');
const cli = new URL('../bin/slicechain.js', import.meta.url).pathname;
const command = ['simulate', '--seed', '7', '--blocks', String(milestones.at(-1)), '--out', out, ...(withDatabase ? ['--base-path', join(dir, 'base')] : [])];

/** VmHWM (peak RSS) and VmRSS of a running process, in MiB. */
function memoryOf(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(/(\d+) kB/.exec(status.split('\n').find((line) => line.startsWith(field)) ?? '')?.[1]);
  return { peak: kib('VmHWM:') / 1024, now: kib('VmRSS:') / 1024 };
}

async function main(): Promise<void> {
  console.log(`slicechain ${command.join(' ')}`);
  // The last milestone is the end of the run: the process reports its own peak on exit, through fd 3.
  const peakOnExit = "import { writeSync } from 'node:fs'; process.on('exit', () => writeSync(3, String(process.resourceUsage().maxRSS)));";
  const child = spawn(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(peakOnExit)}`, cli, ...command], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
  let reported = '';
  child.stdio[3]?.on('data', (data: Buffer) => { reported += data.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const started = performance.now();
  let lines = 0;
  let offset = 0;
  let fd: number | undefined;
  const chunk = Buffer.alloc(1 << 20);
  const rows: { blocks: number; peakMiB: number; rssMiB?: number; seconds: number }[] = [];
  let done = false;
  void exited.then(() => { done = true; });
  const row = (blocks: number, peak: number, now?: number) => {
    rows.push({ blocks, peakMiB: Math.round(peak), rssMiB: now === undefined ? undefined : Math.round(now), seconds: Math.round((performance.now() - started) / 1000) });
    console.log(`after ${blocks} blocks: peak RSS ${Math.round(peak)} MiB${now === undefined ? ' (at exit)' : `, RSS ${Math.round(now)} MiB`}`);
  };
  while (!done && rows.length < milestones.length - 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      fd ??= openSync(out, 'r');
    } catch {
      continue; // not created yet
    }
    for (let read = readSync(fd, chunk, 0, chunk.length, offset); read > 0; read = readSync(fd, chunk, 0, chunk.length, offset)) {
      offset += read;
      for (let i = 0; i < read; i++) if (chunk[i] === 0x0a) lines++;
    }
    while (rows.length < milestones.length - 1 && lines >= milestones[rows.length]) {
      const { peak, now } = memoryOf(child.pid as number);
      row(milestones[rows.length], peak, now);
    }
  }
  const code = await exited;
  if (code === 0) row(milestones[milestones.length - 1], Number(reported) / 1024);
  rmSync(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`simulate exited with ${code}`);
  console.log(JSON.stringify({ database: withDatabase, rows }));
}

void main().catch((error: Error) => {
  console.error(`FAILED: ${error.message}`);
  process.exitCode = 1;
});
