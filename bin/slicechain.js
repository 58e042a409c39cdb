#!/usr/bin/env node
// Entry point of the `slicechain` command: loads the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../node/cli.ts');
await main(process.argv.slice(2));
