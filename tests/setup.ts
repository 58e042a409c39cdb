// Every test file starts with the wasm crypto backends ready, as the node does at start-up.
import fc from 'fast-check';
import { initCrypto } from '../primitives/crypto.ts';

// Property tests are reproducible by default, so a CI run means the same on every machine;
// FC_SEED=<n> explores another part of the input space (fast-check prints the seed of a failure).
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261121) });

beforeAll(initCrypto);
