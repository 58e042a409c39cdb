// What the code of a block runs against, installed by the executive for the duration of a call
// (sp_io's externalities): the storage overlay, and the runtime that turns a pallet's event or
// error into the runtime-wide RuntimeEvent / DispatchError::Module.
import type { Hash } from '../primitives/types.ts';
import type { Overlay } from './overlay.ts';

export interface RuntimeContext {
  /** The index construct_runtime gave the pallet named `pallet`. */
  palletIndex(pallet: string): number;
  /** Deposits `encodedEvent` (the pallet's own Event encoding) as a RuntimeEvent with `topics`. */
  depositEvent(pallet: string, encodedEvent: Uint8Array, topics: readonly Hash[]): void;
}

interface Externalities {
  overlay: Overlay;
  runtime?: RuntimeContext;
}

let current: Externalities | undefined;

/** Runs `body` with `overlay` (and `runtime`) as what storage items and events use. */
export function withStorage<T>(overlay: Overlay, body: () => T, runtime?: RuntimeContext): T {
  const outer = current;
  current = { overlay, runtime };
  try {
    return body();
  } finally {
    current = outer;
  }
}

/** The overlay of the block being executed. */
export function storage(): Overlay {
  if (!current) throw new Error('storage accessed outside block execution: wrap the call in withStorage()');
  return current.overlay;
}

/** The runtime executing the current block. */
export function runtimeContext(): RuntimeContext {
  if (!current?.runtime) throw new Error('no runtime is executing: events and pallet errors need the executive');
  return current.runtime;
}
