import { u8aToHex } from '@polkadot/util';
import {
  BoundedBytes, BoundedVec, Bytes, Compact, Enum, FixedArray, FixedBytes, Option, PortableRegistry, Result, Struct,
  Tuple, Vec, alias, bool, lazy, str, u128, u16, u32, u64, u8, unit, type Infer, type Type,
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
