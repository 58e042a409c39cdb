// No import cycle anywhere in the tree: madge reads the imports as tsc resolves them, dynamic
// import() included. Type-only imports are left out (`skipTypeImports` in .madgerc): they are
// erased when the code runs, and a pallet's benchmarks.ts needs its pallet's types while the
// pallet's declaration loads it lazily (`benchmarks: ... import('./benchmarks.ts')`), as FRAME's
// benchmarking module is declared by its pallet's crate and reads it back through `use super::*`.
// A benchmarks.ts still imports no value of its pallet's index.ts: what it needs comes as
// arguments. That the arrows point down (node -> runtime -> pallets -> frame -> primitives), type
// imports included, is ESLint's layering rule (eslint.config.js).
import { execFileSync } from 'node:child_process';

const FOLDERS = ['primitives', 'frame', 'pallets', 'runtime', 'genesis', 'node', 'tests', 'benches'];
const madge = (...args: string[]): unknown =>
  JSON.parse(execFileSync('npx', ['madge', '--json', '--extensions', 'ts', '--ts-config', 'tsconfig.json', ...args],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));

describe('the import graph', () => {
  it('has no cycle', () => {
    expect(madge('--circular', ...FOLDERS)).toEqual([]);
  }, 120_000);

  it('counts the lazy edge from a pallet to its benchmarks', () => {
    expect(madge('pallets/oracle/index.ts')).toMatchObject({ 'index.ts': expect.arrayContaining(['benchmarks.ts']) });
  }, 120_000);
});
