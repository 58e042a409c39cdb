// The node as a user starts it from a shell (the real binary, and `npm start`, in child
// processes): node flags without --dev start a node keeping its chain in Substrate's default data
// directory, Ctrl-C on `npm start` stops the node and says so (and removes the temporary database
// of --dev), and the log is a line per block
// with -l filters switching the runtime's own lines on.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@polkadot/api-augment';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { connect } from './ws-client.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/slicechain.js');
const dir = mkdtempSync(join(tmpdir(), 'slicechain-node-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Started { child: ChildProcess; url: string; output: () => string; exited: Promise<number | null> }

/** Spawns `command`; resolves once it printed the node's ready line (or fails with what it printed). */
function started(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const read = (data: Buffer) => {
      output += data.toString();
      const ready = /ready: JSON-RPC on (ws:\/\/\S+)/.exec(output);
      if (ready) resolve({ child, url: ready[1], output: () => output, exited });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    void exited.then((code) => reject(new Error(`exited with ${String(code)} before it was ready: ${output}`)));
  });
}

/** Whether anything still accepts connections at `url`. */
const listening = (url: string) => connect(url).then((c) => { c.socket.close(); return true; }, () => false);

describe('starting and stopping the node', () => {
  it('node flags without --dev start a node on --chain, keeping the chain in the default base path', async () => {
    const data = join(dir, 'xdg');
    const node = await started('node', [BIN, '--chain', 'dev', '--rpc-port', '0', '--no-ui'], { XDG_DATA_HOME: data });
    try {
      expect(node.output()).toContain(`database in ${join(data, 'slicechain')}`);
      expect(existsSync(join(data, 'slicechain', 'chains', 'dev', 'db'))).toBe(true);
      const c = await connect(node.url);
      expect((await c.call('system_chain')).result).toBe('Development');
      c.socket.close();
    } finally {
      node.child.kill('SIGTERM');
      expect(await node.exited).toBe(0);
    }
    expect(node.output()).toMatch(/slicechain node stopped at #0 0x[0-9a-f]{64}/);
  }, 120_000);

  it('Ctrl-C (SIGINT) to `npm start` stops the node, which says so and removes its temporary database', async () => {
    const npm = await started('npm', ['start', '--', '--rpc-port', '0', '--no-ui']);
    expect(await listening(npm.url)).toBe(true);
    const temporary = /database in (\S+) \(temporary\)/.exec(npm.output())?.[1] as string;
    expect(existsSync(join(temporary, 'chains', 'dev', 'db'))).toBe(true);
    npm.child.kill('SIGINT');
    expect(await npm.exited).toBe(0);
    expect(npm.output()).toMatch(/SIGINT received, stopping the node\n/);
    expect(npm.output()).toMatch(/slicechain node stopped at #0 0x[0-9a-f]{64}\n/);
    expect(await listening(npm.url)).toBe(false);
    expect(existsSync(temporary)).toBe(false);
  }, 120_000);

  it('logs a line per block with its extrinsics and weight; -l runtime=debug adds the runtime\'s lines', async () => {
    const node = await started('node', [BIN, '--dev', '--rpc-port', '0', '--no-ui', '-l', 'runtime=debug']);
    const api = await ApiPromise.create({ provider: new WsProvider(node.url), noInitWarn: true });
    try {
      const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
      await new Promise<void>((resolve, reject) => {
        api.tx.system.remark('0x01').signAndSend(alice, (result) => { if (result.status.isInBlock) resolve(); }).catch(reject);
      });
      while (!/runtime::executive/.test(node.output())) await new Promise((r) => setTimeout(r, 50));
      expect(node.output()).toMatch(/\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ✨ Imported #1 \(0x[0-9a-f]{4}…[0-9a-f]{4}\), 2 extrinsics, weight \d+\.\d{3} ms\n/);
      expect(node.output()).toMatch(/\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d DEBUG runtime::executive: System\.remark from 0x[0-9a-f]{64}: Ok, weight \d+\n/);
    } finally {
      await api.disconnect();
      node.child.kill('SIGTERM');
      await node.exited;
    }
  }, 120_000);

  it('refuses a -l filter it cannot read, naming it', async () => {
    const child = spawn('node', [BIN, '--dev', '--rpc-port', '0', '-l', 'runtime=loud'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => { stderr += data.toString(); });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toBe('Error: --log: "runtime=loud": expected target=level or level, the level one of error, warn, info, debug, trace\n');
  }, 60_000);
});
