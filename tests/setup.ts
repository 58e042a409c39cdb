// Every test file starts with the wasm crypto backends ready, as the node does at start-up.
import { initCrypto } from '../primitives/crypto.ts';

beforeAll(initCrypto);
