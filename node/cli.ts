// The slicechain command line. `slicechain --dev` runs the dev node (node/node.ts).
import { Command } from 'commander';
import { initCrypto } from '../primitives/crypto.ts';
import { registerNodeCommand } from './node.ts';

await initCrypto();
const program = new Command('slicechain')
  .description('a Substrate-style blockchain runtime in TypeScript: services pricing and a compute slice marketplace');
registerNodeCommand(program);
await program.parseAsync();
