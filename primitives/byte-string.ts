// Byte strings: one character (code 0..255) per byte. Compact in V8, cheap to hash as map keys,
// and ordered as the bytes are (a string compares by code units), so a prefix of the bytes is a
// prefix of the string. The trie keeps values in them and the overlay keys its entries by them.

const STRING_CHUNK = 8192; // String.fromCharCode takes its bytes as call arguments: bound them

export function bytesToString(bytes: Uint8Array): string {
  if (bytes.length <= STRING_CHUNK) return Reflect.apply(String.fromCharCode, undefined, bytes) as string;
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += STRING_CHUNK) {
    parts.push(Reflect.apply(String.fromCharCode, undefined, bytes.subarray(at, at + STRING_CHUNK)) as string);
  }
  return parts.join('');
}

export function stringToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  writeString(out, 0, text);
  return out;
}

/** Writes `text`'s bytes into `out` at `at`; returns the position after them. */
export function writeString(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}
