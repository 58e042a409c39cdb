// Byte strings: one character (code 0..255) per byte. Compact in V8, cheap to hash as map keys,
// and ordered as the bytes are (a string compares by code units), so a prefix of the bytes is a
// prefix of the string. The trie keeps values in them and the overlay keys its entries by them.

// Past these lengths Node's latin1 codec (native copies) is faster than the JS paths, several times
// over for the block's event log; below them a Buffer view costs more than it saves, and taking a
// small array's .buffer would move it out of V8's heap.
const NATIVE_DECODE_FROM = 65;
const NATIVE_ENCODE_FROM = 256;

export function bytesToString(bytes: Uint8Array): string {
  if (bytes.length >= NATIVE_DECODE_FROM) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  return Reflect.apply(String.fromCharCode, undefined, bytes) as string;
}

export function stringToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  writeString(out, 0, text);
  return out;
}

/** Writes `text`'s bytes into `out` at `at`; returns the position after them. */
export function writeString(out: Uint8Array, at: number, text: string): number {
  if (text.length >= NATIVE_ENCODE_FROM) Buffer.from(out.buffer, out.byteOffset, out.length).write(text, at, 'latin1');
  else for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}
