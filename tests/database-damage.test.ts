// Damaged databases, hostile chain specs and block files, as an operator meets them through the
// real `slicechain` binary (issue 11 items 8, 9, 12): every damage is refused at start with the
// reason and the way out (purge-chain), never opened with blocks lost or started over at genesis;
// a chain id cannot lead purge-chain out of the base path; import-blocks skips blocks already in
// the database and refuses an endless line naming it.
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { Block } from '../frame/block.ts';
import { slicechain } from './slicechain-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'slicechain-damage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const original = join(dir, 'original');
const blocks = join(dir, 'chain.blocks');
let exported: string[];
beforeAll(async () => {
  const made = await slicechain('simulate', '--blocks', '40', '--seed', '3', '--base-path', original, '--out', blocks);
  expect(made.code).toBe(0);
  exported = readFileSync(blocks, 'utf8').trim().split('\n');
}, 120_000);

/** A copy of the 40-block chain, damaged by `damage` (given its LevelDB directory). */
async function damaged(name: string, damage: (db: string) => void | Promise<void>): Promise<string> {
  const base = join(dir, name);
  cpSync(original, base, { recursive: true });
  await damage(join(base, 'chains', 'dev', 'db'));
  return base;
}

/** Edits the LevelDB tables directly, as a disk or a careless tool would. */
async function edit(db: string, body: (level: ClassicLevel<Uint8Array, Uint8Array>) => Promise<void>): Promise<void> {
  const level = new ClassicLevel<Uint8Array, Uint8Array>(db, { keyEncoding: 'view', valueEncoding: 'view', createIfMissing: false });
  await level.open();
  await body(level);
  await level.close();
}
const blockKey = (n: number) => Uint8Array.from([0x62, 0, 0, 0, n]);
const theLog = (db: string) => join(db, readdirSync(db).find((f) => f.endsWith('.log')) as string);

/** Starting on `base` is refused, naming the damage and purge-chain. */
async function expectRefused(base: string, reason: RegExp): Promise<void> {
  const result = await slicechain('simulate', '--blocks', '1', '--base-path', base, '--json');
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^Error: the database at .*chains\/dev\/db is damaged: /);
  expect(result.stderr).toMatch(reason);
  expect(result.stderr).toContain(`slicechain purge-chain --base-path ${base} --chain <chain>`);
}

describe('a damaged database is refused at start, never opened with blocks lost or started over', () => {
  it('a truncated LevelDB log (LevelDB drops the tail silently): the checkpointed head is missing', async () => {
    const base = await damaged('truncated', (db) => truncateSync(theLog(db), Math.floor(readFileSync(theLog(db)).length / 2)));
    await expectRefused(base, /block #40 0x[0-9a-f]{64} was stored but is lost \(the stored chain ends at #\d+; LevelDB dropped writes from a damaged log\)/);
    // The way out the message names.
    expect((await slicechain('purge-chain', '--base-path', base, '-y')).code).toBe(0);
    expect(JSON.parse((await slicechain('import-blocks', blocks, '--base-path', base, '--json')).stdout)).toMatchObject({ number: 40, imported: 40 });
  }, 60_000);

  it('bytes of the log overwritten: the blocks and state that lost writes do not agree', async () => {
    const base = await damaged('corrupted', (db) => {
      const fd = openSync(theLog(db), 'r+');
      writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, Math.floor(readFileSync(theLog(db)).length / 3));
      closeSync(fd);
    });
    await expectRefused(base, /damaged: (block #\d+ is missing|block #40 .* is lost|the stored state of block #40 is damaged)/);
  }, 60_000);

  it('a deleted CURRENT file: refused, not a fresh chain at genesis', async () => {
    const base = await damaged('no-current', (db) => rmSync(join(db, 'CURRENT')));
    await expectRefused(base, /LevelDB cannot open it \(.*does not exist \(create_if_missing is false\)\)/);
  }, 60_000);

  it('a tampered block body: its extrinsics no longer match its header', async () => {
    const base = await damaged('tampered-body', (db) => edit(db, async (level) => {
      const block = Block.dec(await level.get(blockKey(20)) as Uint8Array);
      const extrinsic = Uint8Array.from(block.extrinsics[1]);
      extrinsic[extrinsic.length - 1] ^= 1;
      await level.put(blockKey(20), Block.enc({ ...block, extrinsics: [block.extrinsics[0], extrinsic, ...block.extrinsics.slice(2)] }));
    }));
    await expectRefused(base, /stored block #20's extrinsics do not match its header's extrinsics root/);
  }, 60_000);

  it('a deleted last block: the head marker names a block that is not there', async () => {
    const base = await damaged('no-last-block', (db) => edit(db, (level) => level.del(blockKey(40))));
    await expectRefused(base, /its head marker says #40 0x[0-9a-f]{64}, but the stored blocks end at #39/);
  }, 60_000);

  it('a changed state value: the state root does not verify', async () => {
    const base = await damaged('tampered-state', (db) => edit(db, async (level) => {
      for await (const [key, value] of level.iterator({ gte: Uint8Array.of(0x73), lt: Uint8Array.of(0x74), limit: 1 })) await level.put(key, Uint8Array.of(...value, 1));
    }));
    await expectRefused(base, /the stored state of block #40 is damaged: its root is 0x[0-9a-f]{64}, 0x[0-9a-f]{64} was recorded/);
  }, 60_000);

  it('a database directory that is not a slicechain database', async () => {
    const base = join(dir, 'foreign');
    mkdirSync(join(base, 'chains', 'dev', 'db'), { recursive: true });
    writeFileSync(join(base, 'chains', 'dev', 'db', 'notes.txt'), 'mine');
    await expectRefused(base, /LevelDB cannot open it/);
    expect(readFileSync(join(base, 'chains', 'dev', 'db', 'notes.txt'), 'utf8')).toBe('mine');
  }, 60_000);

  it('export-blocks still gives the blocks before the damage, then exits 1 naming it', async () => {
    const base = await damaged('export-damaged', (db) => edit(db, (level) => level.del(blockKey(31))));
    const out = join(dir, 'rescued.blocks');
    const result = await slicechain('export-blocks', '--base-path', base, out);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: exported 30 block\(s\) before the damage: the database at .* is damaged: block #31 is missing \(the next stored block is #32\)/m);
    expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual(exported.slice(0, 30));
  }, 60_000);
});

describe('paths stay under the base path', () => {
  it('a chain spec whose id leads out of the base path is refused, and purge-chain deletes nothing', async () => {
    const victim = join(dir, 'victim');
    mkdirSync(join(victim, 'db'), { recursive: true });
    const spec = JSON.parse((await slicechain('build-spec', '--chain', 'dev')).stdout);
    const hostile = join(dir, 'hostile.json');
    writeFileSync(hostile, JSON.stringify({ ...spec, id: '../../victim' }));
    const base = join(dir, 'base', 'inner');
    const result = await slicechain('purge-chain', '--chain', hostile, '--base-path', base, '-y');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Error: id: "../../victim" is not a chain id (1-64 ASCII letters, digits, _ or -)\n');
    expect(existsSync(join(victim, 'db'))).toBe(true);
  }, 60_000);
});

describe('import-blocks', () => {
  it('skips the blocks already in the database and imports the rest', async () => {
    const base = join(dir, 'import-again');
    writeFileSync(join(dir, 'first.blocks'), `${exported.slice(0, 25).join('\n')}\n`);
    expect((await slicechain('import-blocks', join(dir, 'first.blocks'), '--base-path', base)).code).toBe(0);
    const again = await slicechain('import-blocks', blocks, '--base-path', base, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ number: 40, imported: 15, skipped: 25 });
  }, 60_000);

  it('refuses a different block at a number the database has, naming both', async () => {
    const other = join(dir, 'other.blocks');
    expect((await slicechain('simulate', '--blocks', '3', '--seed', '4', '--out', other)).code).toBe(0);
    const result = await slicechain('import-blocks', other, '--base-path', original);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: line 1: block #1 0x[0-9a-f]{64} is not the block #1 0x[0-9a-f]{64} already in the database \(imported 0 block\(s\) before it; head #40 /m);
  }, 60_000);

  it('refuses a 100 MB line naming it, without reading it whole', async () => {
    const file = join(dir, 'huge.blocks');
    const fd = openSync(file, 'w');
    writeSync(fd, `${exported[0]}\n${exported[1]}\n0x`);
    const chunk = Buffer.alloc(1024 * 1024, '0');
    for (let i = 0; i < 100; i++) writeSync(fd, chunk);
    writeSync(fd, `\n${exported[2]}\n`);
    closeSync(fd);
    const result = await slicechain('import-blocks', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: line 3: longer than 33554435 bytes: not a block \(a block is at most 16777216 bytes\) \(imported 2 block\(s\) before it; head #2 /m);
  }, 60_000);
});
