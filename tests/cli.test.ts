// The CLI as a user runs it (the real `slicechain` binary in a child process): simulate is
// deterministic, import-blocks re-executes to the same head and refuses a tampered file at the
// right block, export-state gives the state sp-trie roots to the header's state root, and a
// chain kept at a base path survives restarts and purges.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculate_state_root } from '@acala-network/chopsticks-executor';
import { u8aToHex } from '@polkadot/util';
import { Block } from '../frame/block.ts';
import { json, slicechain } from './slicechain-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'slicechain-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('slicechain CLI', () => {
  const file = join(dir, 'chain.blocks');
  let simulated: { head: string; number: number; state_root: string; extrinsics: Record<string, number>; unexpected: unknown[] };

  beforeAll(async () => {
    const [first, second] = await Promise.all([
      json('simulate', '--chain', 'dev', '--blocks', '200', '--seed', '7', '--out', file),
      json('simulate', '--chain', 'dev', '--blocks', '200', '--seed', '7'),
    ]);
    simulated = first;
    expect(second.head).toBe(first.head);
  }, 600_000); // two 200-block simulations: minutes on a busy 2-core machine

  it('simulate writes 200 blocks of a seeded workload, the same head on every run', () => {
    expect(simulated.number).toBe(200);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(200);
    expect(simulated.extrinsics.ok).toBeGreaterThan(1000);
    expect(simulated.extrinsics.fail).toBeGreaterThan(0);
    expect(simulated.extrinsics.refused).toBeGreaterThan(0);
    expect(simulated.unexpected).toEqual([]);
  });

  it('import-blocks re-executes the file on a fresh state to the same head', async () => {
    expect(await json('import-blocks', file, '--chain', 'dev')).toEqual({ head: simulated.head, number: 200, state_root: simulated.state_root, imported: 200, skipped: 0 });
  });

  it('import-blocks refuses a file with one byte of one extrinsic changed, at that block, and keeps nothing after it', async () => {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const block = Block.dec(lines[99] as `0x${string}`);
    const extrinsic = Uint8Array.from(block.extrinsics[1]);
    extrinsic[extrinsic.length - 1] ^= 0x01;
    lines[99] = u8aToHex(Block.enc({ ...block, extrinsics: [block.extrinsics[0], extrinsic, ...block.extrinsics.slice(2)] }));
    const tampered = join(dir, 'tampered.blocks');
    writeFileSync(tampered, `${lines.join('\n')}\n`);
    const base = join(dir, 'tampered-db');
    const result = await slicechain('import-blocks', tampered, '--chain', 'dev', '--base-path', base);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: block #100 rejected: extrinsic 1 is invalid: Invalid::BadProof \(imported 99 block\(s\) before it; head #99 0x[0-9a-f]{64}\)/m);
    const kept = join(dir, 'kept.blocks');
    expect((await slicechain('export-blocks', '--chain', 'dev', '--base-path', base, kept)).code).toBe(0);
    expect(readFileSync(kept, 'utf8').trim().split('\n')).toEqual(lines.slice(0, 99));
  });

  it('import-blocks refuses a flipped state root in the middle of the file with exit 1, naming the block', async () => {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const block = Block.dec(lines[49] as `0x${string}`);
    const root = Uint8Array.from(Buffer.from(block.header.state_root.slice(2), 'hex'));
    root[5] ^= 0x01;
    lines[49] = u8aToHex(Block.enc({ ...block, header: { ...block.header, state_root: u8aToHex(root) } }));
    const flipped = join(dir, 'flipped-root.blocks');
    writeFileSync(flipped, `${lines.join('\n')}\n`);
    const result = await slicechain('import-blocks', flipped);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: block #50 rejected: state root 0x[0-9a-f]{64} differs from the computed 0x[0-9a-f]{64} \(imported 49 block\(s\) before it/m);
  });

  it('import-blocks refuses a line that is not a block, naming the line', async () => {
    const bad = join(dir, 'garbage.blocks');
    writeFileSync(bad, `${readFileSync(file, 'utf8').split('\n')[0]}\n0xdeadbeef\n`);
    const result = await slicechain('import-blocks', bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: line 2: cannot decode sp_runtime::generic::block::Block: input too short \(imported 1 block\(s\) before it/m);
  });

  it('export-state after 200 blocks gives the raw state whose sp-trie root is the head\'s state root', async () => {
    const { stdout } = await slicechain('export-state', '--chain', 'dev', '--blocks', file);
    const raw = JSON.parse(stdout) as { genesis: { raw: { top: Record<string, string> } } };
    expect(await calculate_state_root(Object.entries(raw.genesis.raw.top), 1)).toBe(simulated.state_root);
    const at100 = JSON.parse((await slicechain('export-state', '--chain', 'dev', '--blocks', file, '--at', '100')).stdout);
    const header100 = Block.dec(readFileSync(file, 'utf8').split('\n')[99] as `0x${string}`).header;
    expect(await calculate_state_root(Object.entries(at100.genesis.raw.top), 1)).toBe(header100.state_root);
  });

  it('build-spec --raw is a raw spec from which the same genesis is built', async () => {
    const rawPath = join(dir, 'raw.json');
    writeFileSync(rawPath, (await slicechain('build-spec', '--chain', 'dev', '--raw')).stdout);
    const fromRaw = await json('import-blocks', file, '--chain', rawPath);
    expect(fromRaw.head).toBe(simulated.head);
  });

  it('a chain kept at --base-path continues where it stopped, and purge-chain removes it', async () => {
    const base = join(dir, 'db');
    await json('simulate', '--blocks', '120', '--seed', '7', '--base-path', base);
    const resumed = await json('simulate', '--blocks', '80', '--seed', '7', '--base-path', base);
    expect(resumed.number).toBe(200);
    const exported = join(dir, 'exported.blocks');
    expect((await slicechain('export-blocks', '--base-path', base, exported, '--from', '1', '--to', '120')).code).toBe(0);
    expect(readFileSync(exported, 'utf8')).toBe(readFileSync(file, 'utf8').split('\n').slice(0, 120).join('\n') + '\n');
    expect((await slicechain('purge-chain', '--base-path', base, '-y')).stdout).toMatch(/chains\/dev\/db" removed\./);
    expect((await json('simulate', '--blocks', '1', '--base-path', base)).number).toBe(1);
  });

  it('build-spec refuses a bad chain spec naming the field, with or without --raw', async () => {
    const spec = join(dir, 'bad-spec.json');
    const dev = JSON.parse((await slicechain('build-spec', '--chain', 'dev')).stdout);
    dev.genesis.runtimeGenesis.patch.balances.balances[1][1] = -5;
    writeFileSync(spec, JSON.stringify(dev));
    for (const raw of [['--raw'], []]) {
      const result = await slicechain('build-spec', '--chain', spec, ...raw);
      expect(result).toEqual({ code: 1, stdout: '', stderr: 'Error: genesis.runtimeGenesis.patch.balances.balances[1][1]: -5 is negative\n' });
    }
  });
});

describe('slicechain as a finished tool', () => {
  it('--version prints the node\'s and the runtime\'s versions and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await slicechain('--version')).toEqual({ code: 0, stdout: `slicechain ${version} (runtime slicechain-100)\n`, stderr: '' });
  });

  it('an unknown verb is named as an unknown command, exit 1', async () => {
    const result = await slicechain('frobnicate');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: unknown command 'frobnicate' \(see --help\)\n/);
  });
});
