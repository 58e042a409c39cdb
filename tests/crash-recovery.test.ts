// Issue 11 item 7 and the crash suite's quick run: the node killed with SIGKILL under load at each
// kind of moment (after finality, after a block, during and after dev_setHead) reopens its
// database every time, with the head's state root verified from the client side and no block the
// client saw finalized lost. benches/crash-recovery.ts runs the long version.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MOMENTS, crashRecovery } from './crash-recovery.ts';

const basePath = mkdtempSync(join(tmpdir(), 'slicechain-crash-'));
afterAll(() => rmSync(basePath, { recursive: true, force: true }));

it('a node killed at every kind of moment reopens with its state root verified and no finalized block lost', async () => {
  const report = await crashRecovery(basePath, MOMENTS.length);
  expect(report.kills).toBe(MOMENTS.length);
  expect(report.finalizedChecked).toBeGreaterThan(0);
  expect(report.keysVerified).toBeGreaterThan(0);
}, 300_000);
