import fc from 'fast-check';
import { bytesToString, stringToBytes, writeString } from './byte-string.ts';

// Lengths on both sides of the sizes where the conversions switch to Node's latin1 codec.
const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 900, maxLength: 3000 }));
// The same bytes inside a larger buffer, at an offset: a subarray, as keys and decoded values often are.
const view = fc.tuple(bytes, fc.nat(16), fc.nat(16)).map(([b, before, after]) => {
  const buffer = new Uint8Array(before + b.length + after).fill(0xaa);
  buffer.set(b, before);
  return buffer.subarray(before, before + b.length);
});

describe('byte strings', () => {
  it('one character per byte, and back, for views at any offset', () => {
    fc.assert(fc.property(view, (b) => {
      const text = bytesToString(b);
      expect(text.length).toBe(b.length);
      expect(Array.from(text, (c) => c.charCodeAt(0))).toEqual(Array.from(b));
      expect(stringToBytes(text)).toEqual(new Uint8Array(b));
    }));
  });

  it('writes into a larger array at an offset without touching the bytes around', () => {
    fc.assert(fc.property(bytes, fc.nat(16), fc.nat(16), (b, at, after) => {
      const out = new Uint8Array(at + b.length + after).fill(7);
      expect(writeString(out, at, bytesToString(b))).toBe(at + b.length);
      expect(out.subarray(at, at + b.length)).toEqual(b);
      expect(out.subarray(0, at).every((x) => x === 7) && out.subarray(at + b.length).every((x) => x === 7)).toBe(true);
    }));
  });

  it('order as the bytes do', () => {
    fc.assert(fc.property(bytes, bytes, (a, b) => {
      const byBytes = Buffer.compare(a, b);
      const [x, y] = [bytesToString(a), bytesToString(b)];
      expect(x < y ? -1 : x > y ? 1 : 0).toBe(byBytes);
    }));
  });
});
