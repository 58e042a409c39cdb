// The state-transition function (frame/, runtime/ and pallets/) must be deterministic: same genesis and
// same blocks give the same state on any machine. Time comes from the timestamp inherent only.
import tseslint from 'typescript-eslint';

const nondeterministicGlobals = ['Date', 'process', 'performance', 'setTimeout', 'setInterval',
  'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask', 'fetch',
  'crypto', 'require'].map((name) => ({ name, message: 'non-deterministic or I/O inside the runtime' }));

const ioModules = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'dgram', 'dns', 'child_process',
  'cluster', 'worker_threads', 'os', 'tls', 'readline', 'timers', 'timers/promises', 'perf_hooks',
  'process', 'crypto', 'ws', 'level', 'classic-level'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'coverage/**', 'out/**', 'web/dist/**', 'artifacts/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
  },
  {
    files: ['frame/**/*.ts', 'runtime/**/*.ts', 'pallets/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', ...nondeterministicGlobals],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'randomness inside the runtime' },
        { object: 'globalThis', property: 'process', message: 'process inside the runtime' }],
      'no-restricted-imports': ['error', {
        paths: ioModules.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'I/O inside the runtime' })),
        patterns: [{ group: ['**/node/**', '../node/*', '../../node/*'], message: 'the runtime never imports node/' }],
      }],
    },
  },
);
