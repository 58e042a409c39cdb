// No import cycle anywhere in the tree, type-only imports included (madge reads the imports as tsc
// resolves them). That the arrows point down (node -> runtime -> pallets -> frame -> primitives) is
// ESLint's layering rule (eslint.config.js).
import { execFileSync } from 'node:child_process';

const FOLDERS = ['primitives', 'frame', 'pallets', 'runtime', 'genesis', 'node', 'tests', 'benches'];

describe('the import graph', () => {
  it('has no cycle', () => {
    const out = execFileSync('npx', ['madge', '--circular', '--json', '--extensions', 'ts', '--ts-config', 'tsconfig.json', ...FOLDERS],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(JSON.parse(out)).toEqual([]);
  }, 120_000);
});
