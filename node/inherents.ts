// Inherent data, made in one place: a provider per inherent, as chopsticks' block builder has. The
// timestamp provider reads the parent's time and adds the slot, so that authored blocks are the
// same on every run (a production node would read the clock).
import type { Trie } from '../primitives/trie.ts';
import type { InherentData } from '../frame/construct.ts';
import type { Executive } from '../frame/executive.ts';
import { Overlay } from '../frame/overlay.ts';
import { Now, nextTimestamp } from '../pallets/timestamp/index.ts';

type Read = <T>(body: () => T) => T;
type InherentDataProvider = (read: Read) => Partial<InherentData>;

const timestamp: InherentDataProvider = (read) => ({ timestamp: nextTimestamp(read(() => Now.get())) });

const PROVIDERS: readonly InherentDataProvider[] = [timestamp];

/** The inherent data of the block built on `state` (the state after its parent). */
export function inherentDataAt(executive: Executive, state: Trie): InherentData {
  const read: Read = (body) => executive.run(new Overlay(state), body);
  return Object.assign({}, ...PROVIDERS.map((provide) => provide(read))) as InherentData;
}
