// Crash recovery, long run: the dev node under transfer load killed with SIGKILL KILLS times
// (default 100) at event-chosen moments (after finality, after a block, during and after
// dev_setHead), restarted each time on the same database; stops at the first broken invariant
// (see tests/crash-recovery.ts). Prints the figures the README records.
//
//   npx tsx benches/crash-recovery.ts [KILLS]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initCrypto } from '../primitives/crypto.ts';
import { crashRecovery } from '../tests/crash-recovery.ts';

async function main(): Promise<void> {
  await initCrypto();
  const kills = Number(process.argv[2] ?? 100);
  const basePath = mkdtempSync(join(tmpdir(), 'slicechain-crash-'));
  const started = performance.now();
  try {
    const report = await crashRecovery(basePath, kills, (line) => console.log(line));
    console.log(JSON.stringify({ ...report, seconds: Math.round((performance.now() - started) / 1000) }));
  } finally {
    rmSync(basePath, { recursive: true, force: true });
  }
}

void main().catch((error: Error) => {
  console.error(`FAILED: ${error.message}`);
  process.exitCode = 1;
});
