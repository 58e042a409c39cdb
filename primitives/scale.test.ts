import { bnToU8a, u8aToHex } from '@polkadot/util';
import fc from 'fast-check';
import {
  BoundedBytes, BoundedVec, Bytes, Compact, Enum, FixedArray, FixedBytes, Option, PortableRegistry, Result, Struct,
  Tuple, Vec, alias, bool, i8, i64, lazy, str, u128, u16, u256, u32, u64, u8, unit, ScaleError, type Infer, type Type,
} from './scale.ts';

const hex = (bytes: Uint8Array) => u8aToHex(bytes);

describe('declarations encode as parity-scale-codec', () => {
  it('Compact: numbers up to u32, bigints above, all four modes', () => {
    expect(hex(Compact(u32).enc(0))).toBe('0x00');
    expect(hex(Compact(u32).enc(63))).toBe('0xfc');
    expect(hex(Compact(u32).enc(64))).toBe('0x0101');
    expect(hex(Compact(u32).enc(16383))).toBe('0xfdff');
    expect(hex(Compact(u32).enc(16384))).toBe('0x02000100');
    expect(hex(Compact(u32).enc(2 ** 30))).toBe('0x0300000040');
    expect(Compact(u128).dec(Compact(u128).enc(2n ** 127n))).toBe(2n ** 127n);
    expect(hex(Compact(u64).enc(10n ** 12n))).toBe('0x070010a5d4e8');
  });

  it('fixed-width integers: little-endian two\'s complement, each in an array of its own (scale-ts patched to reuse a scratch buffer)', () => {
    const widths = [[u8, 8, false], [u16, 16, false], [u32, 32, false], [u64, 64, false], [u128, 128, false], [u256, 256, false], [i8, 8, true], [i64, 64, true]] as const;
    for (const [type, bits, isNegative] of widths) {
      const min = isNegative ? -(1n << BigInt(bits - 1)) : 0n;
      const max = (isNegative ? 1n << BigInt(bits - 1) : 1n << BigInt(bits)) - 1n;
      const asDeclared = (n: bigint) => (bits <= 32 ? Number(n) : n) as never;
      fc.assert(fc.property(fc.bigInt({ min, max }), fc.bigInt({ min, max }), (a, b) => {
        const first = type.enc(asDeclared(a));
        const second = type.enc(asDeclared(b));
        // @polkadot/util's encoding is the reference; `first` must not change when `second` is encoded.
        return hex(first) === hex(bnToU8a(a, { bitLength: bits, isLe: true, isNegative }))
          && hex(second) === hex(bnToU8a(b, { bitLength: bits, isLe: true, isNegative }))
          && first.buffer !== second.buffer;
      }));
    }
  });

  it('Struct in declaration order, Vec with a compact length, fixed arrays without one', () => {
    const Pair = Struct('test::Pair', { a: u16, b: Vec(bool), c: FixedArray(u8, 3), d: str });
    const value: Infer<typeof Pair> = { a: 1, b: [true, false], c: [7, 8, 9], d: 'hi' };
    expect(hex(Pair.enc(value))).toBe('0x0100080100070809086869');
    expect(Pair.dec(Pair.enc(value))).toEqual(value);
  });

  it('Enum with explicit, sparse indices and unit, single, tuple and named variants', () => {
    const E = Enum('test::E', {
      Unit: 0,
      Single: [3, u32],
      Pair: [7, [u8, u16]],
      Named: [200, { who: FixedBytes(2), amount: u128 }, 'A documented variant.'],
    });
    const values: Infer<typeof E>[] = [
      { type: 'Unit' },
      { type: 'Single', value: 5 },
      { type: 'Pair', value: [1, 2] },
      { type: 'Named', value: { who: '0xabcd', amount: 10n } },
    ];
    expect(values.map((v) => hex(E.enc(v)))).toEqual([
      '0x00', '0x0305000000', '0x07010200', '0xc8abcd0a000000000000000000000000000000',
    ]);
    for (const v of values) expect(E.dec(E.enc(v))).toEqual(v.type === 'Unit' ? { type: 'Unit', value: undefined } : v);
    expect(() => E.dec('0x01')).toThrow(/cannot decode test::E/);
  });

  it('refuses repeated or out-of-range variant indices at declaration', () => {
    expect(() => Enum('test::Bad', { A: 1, B: 1 })).toThrow('test::Bad::B: bad or repeated variant index 1');
    expect(() => Enum('test::Bad', { A: 256 })).toThrow('test::Bad::A: bad or repeated variant index 256');
  });

  it('Option, Result and Tuple', () => {
    expect(hex(Option(u8).enc(undefined))).toBe('0x00');
    expect(hex(Option(u8).enc(5))).toBe('0x0105');
    expect(hex(Result(u8, bool).enc({ success: false, value: true }))).toBe('0x0101');
    expect(hex(Tuple(u8, Compact(u32)).enc([1, 64]))).toBe('0x010101');
    expect(hex(unit.enc(undefined))).toBe('0x');
  });

  it('BoundedVec encodes as Vec and refuses more than its bound in both directions', () => {
    const Three = BoundedVec(u8, 3);
    expect(hex(Three.enc([1, 2, 3]))).toBe(hex(Vec(u8).enc([1, 2, 3])));
    expect(() => Three.enc([1, 2, 3, 4])).toThrow('cannot encode BoundedVec<u8, 3>: 4 items exceed the bound 3');
    expect(() => Three.dec(Vec(u8).enc([1, 2, 3, 4]))).toThrow('cannot decode BoundedVec<u8, 3>: 4 items exceed the bound 3');
    const Name = BoundedBytes(4);
    expect(Name.dec(Bytes.enc(new Uint8Array([1, 2])))).toEqual(new Uint8Array([1, 2]));
    expect(() => Name.dec(Bytes.enc(new Uint8Array(5)))).toThrow(/5 items exceed the bound 4/);
  });

  it('decodes a view in place, from its own offset, with byte strings copied out (scale-ts patched to honour byteOffset)', () => {
    const Record = Struct('test::Record', { n: u32, name: str, data: Bytes, list: Vec(u16), tail: Option(u64), id: FixedBytes(32) });
    const record = fc.record({
      n: fc.integer({ min: 0, max: 2 ** 32 - 1 }), name: fc.string(), data: fc.uint8Array({ maxLength: 200 }),
      list: fc.array(fc.integer({ min: 0, max: 65535 })), tail: fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { nil: undefined }),
      id: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => hex(bytes)),
    });
    fc.assert(fc.property(record, fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ minLength: 1, maxLength: 80 }), (value, before, after) => {
      const encoded = Record.enc(value);
      const buffer = new Uint8Array([...before, ...encoded, ...after]);
      const view = buffer.subarray(before.length, before.length + encoded.length);
      const decoded = Record.dec(view);
      buffer.fill(0xff); // the decoded byte string is a copy: changing the input leaves it as it was
      // A view cut one byte short is refused, never completed from the bytes after it in the buffer.
      const short = new Uint8Array([...before, ...encoded, ...after]).subarray(before.length, before.length + encoded.length - 1);
      expect(() => Record.dec(short)).toThrow('cannot decode test::Record');
      return hex(Record.enc(decoded)) === hex(encoded) && decoded.name === value.name && hex(decoded.data) === hex(value.data)
        && decoded.id === value.id;
    }));
  });
});

describe('the portable registry', () => {
  it('gives an alias the id of its target and carries the alias as the field type name', () => {
    const Balance = alias(u128, 'Balance');
    const Account = Struct('test::Account', { free: Balance, nonce: u32 });
    const registry = new PortableRegistry();
    const id = registry.id(Account);
    expect(registry.id(Balance)).toBe(registry.id(u128));
    const def = registry.types[id].def;
    expect(def).toEqual({ tag: 'composite', value: [
      { name: 'free', type: registry.id(u128), typeName: 'Balance', docs: [] },
      { name: 'nonce', type: registry.id(u32), typeName: undefined, docs: [] },
    ] });
  });

  it('describes recursive types through lazy references', () => {
    type Tree = { type: 'Leaf'; value: number } | { type: 'Node'; value: Tree[] };
    const TreeType: Type<Tree> = Enum('test::Tree', { Leaf: [0, u8], Node: [1, Vec(lazy(() => TreeType))] });
    const tree: Tree = { type: 'Node', value: [{ type: 'Leaf', value: 1 }, { type: 'Node', value: [] }] };
    expect(TreeType.dec(TreeType.enc(tree))).toEqual(tree);
    const registry = new PortableRegistry();
    const id = registry.id(TreeType);
    const node = registry.types[id].def;
    expect(node.tag).toBe('variant');
    const vecId = (node.value as { fields: { type: number }[] }[])[1].fields[0].type;
    expect(registry.types[vecId].def).toEqual({ tag: 'sequence', value: id });
  });

  it('describes BoundedVec as frame-support does', () => {
    const registry = new PortableRegistry();
    const entry = registry.types[registry.id(BoundedVec(u32, 10))];
    expect(entry.path).toEqual(['bounded_collections', 'bounded_vec', 'BoundedVec']);
    expect(entry.params).toEqual([{ name: 'T', type: registry.id(u32) }, { name: 'S', type: undefined }]);
  });
});

describe('integers never wrap', () => {
  // [type, bits, signed]: number-typed up to 32 bits, bigint above, as the codecs take them.
  const unsigned = [[u8, 8], [u16, 16], [u32, 32], [Compact(u8), 8], [Compact(u16), 16], [Compact(u32), 32]] as const;
  const big = [[u64, 64, false], [u128, 128, false], [u256, 256, false], [i64, 64, true],
    [Compact(u64), 64, false], [Compact(u128), 128, false]] as const;

  it('refuses 2^64 + 5 as a u64 instead of writing 5, and every other value one past a bound', () => {
    expect(() => u64.enc(2n ** 64n + 5n)).toThrow(new ScaleError('u64', '18446744073709551621 is not an integer in 0..=18446744073709551615', 'encode'));
    expect(() => u8.enc(256)).toThrow('cannot encode u8: 256 is not an integer in 0..=255');
    expect(() => u32.enc(-1)).toThrow(ScaleError);
    expect(() => u32.enc(1.5)).toThrow(ScaleError);
    expect(() => u32.enc(Number.NaN)).toThrow(ScaleError);
    expect(() => i8.enc(128)).toThrow('cannot encode i8: 128 is not an integer in -128..=127');
    expect(() => i8.enc(-129)).toThrow(ScaleError);
    expect(() => Compact(u32).enc(2 ** 32)).toThrow('cannot encode Compact<u32>: 4294967296 is not an integer in 0..=4294967295');
    expect(() => Compact(u128).enc(-1n)).toThrow(ScaleError);
    expect(() => Struct('test::Price', { cpu: u64 }).enc({ cpu: 1n << 64n })).toThrow(ScaleError);
    expect(hex(u64.enc(2n ** 64n - 1n))).toBe('0xffffffffffffffff');
    expect(hex(i8.enc(-128))).toBe('0x80');
  });

  it('every encoded integer decodes to the value it came from, and every value out of range is refused', () => {
    for (const [type, bits] of unsigned) {
      fc.assert(fc.property(fc.integer({ min: -(2 ** 33), max: 2 ** 33 }), (n) => {
        if (n >= 0 && n < 2 ** bits) return type.dec(type.enc(n)) === n;
        return throwsScaleError(() => type.enc(n));
      }));
    }
    for (const [type, bits, signed] of big) {
      const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
      const max = (signed ? 1n << BigInt(bits - 1) : 1n << BigInt(bits)) - 1n;
      const around = (bound: bigint) => fc.bigInt({ min: bound - 1000n, max: bound + 1000n });
      fc.assert(fc.property(fc.oneof(around(min), around(max), fc.bigInt({ min: min - 1n, max: max + 1n })), (n) => {
        if (n >= min && n <= max) return type.dec(type.enc(n)) === n;
        return throwsScaleError(() => type.enc(n));
      }));
    }
  });
});

function throwsScaleError(encode: () => unknown): boolean {
  try {
    encode();
    return false;
  } catch (error) {
    return error instanceof ScaleError;
  }
}
