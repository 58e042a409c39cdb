// Entry point of a sweep worker. A worker thread starts as plain Node, without the loader of its
// parent (jest or tsx), so it installs tsx before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./sweep-worker.ts');
