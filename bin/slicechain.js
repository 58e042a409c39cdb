#!/usr/bin/env node
// Entry point of the `slicechain` command: loads the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../node/cli.ts');
