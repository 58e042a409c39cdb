// The real `slicechain` binary in a child process, as a user runs it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = new URL('../bin/slicechain.js', import.meta.url).pathname;

export const slicechain = (...args: string[]) => slicechainWithEnv({}, ...args);

/** The binary with these environment variables added to this process's. */
export async function slicechainWithEnv(env: Record<string, string>, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

/** Runs a verb with --json and parses its answer; a failing verb throws its standard error. */
export const json = async (...args: string[]) => {
  const result = await slicechain(...args, '--json');
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
};
