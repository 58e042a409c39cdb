// Over 400 lines: one data structure, the incremental sp-trie LayoutV1 with its node encoding
// and root computation; splitting it would scatter its invariants.
// Substrate's state trie (sp-trie LayoutV0/LayoutV1): a base-16 Patricia trie without extension
// nodes, hashed with blake2_256, whose root is the chain's state root.
//
// Node encoding (sp-trie NodeCodec):
//   leaf   = header ++ partial ++ value
//   branch = header ++ partial ++ u16 LE child bitmap ++ value? ++ child references
// The header packs a 2-4 bit node kind with the partial key's nibble count; partial keys are
// nibble-packed with the odd nibble padded in front. A value is Compact(len) ++ bytes, or in V1
// when it is 33 bytes or longer, its 32-byte hash (a "hashed value" node kind). A child reference
// is Compact(len) ++ encoding when the child encodes to under 32 bytes, else Compact(32) ++ hash.
// The root is always the hash of the root node's encoding.
import { compactNumber } from '@polkadot-api/substrate-bindings';
// Values and child references are kept as byte strings (one character, code 0..255, per byte):
// a short Uint8Array costs V8 over 200 bytes of bookkeeping, a string 16.
import { bytesToString, stringToBytes, writeString } from './byte-string.ts';
import { blake2_256 } from './hashing.ts';

export type StateVersion = 0 | 1;

/** sp_core::storage::TRIE_VALUE_NODE_THRESHOLD: in V1 values this long or longer are hashed. */
const VALUE_HASH_THRESHOLD = 33;
/** A child encoding this long or longer is referenced by its hash (blake2_256 output size). */
const HASH_LENGTH = 32;

/** The encoding of the empty trie, whose hash is the empty root. */
const EMPTY_NODE = new Uint8Array([0]);
const EMPTY_KEY = new Uint8Array(0);

// Node kinds (sp-trie trie_constants) and how many high header bits each one takes.
const LEAF = 0b01 << 6;
const BRANCH_NO_VALUE = 0b10 << 6;
const BRANCH_WITH_VALUE = 0b11 << 6;
const HASHED_VALUE_LEAF = 0b001 << 5;
const HASHED_VALUE_BRANCH = 0b0001 << 4;

// Compact lengths of child references (at most 32 bytes) and of most values, encoded once.
const SMALL_COMPACTS = Array.from({ length: 256 }, (_, n) => compactNumber.enc(n));
const compactLength = (n: number): Uint8Array => (n < SMALL_COMPACTS.length ? SMALL_COMPACTS[n] : compactNumber.enc(n));

// Partial keys are strings with one character (code 0..15) per nibble: compact in V8, cheap to
// slice and concatenate, and ordered like the keys themselves.
const NIBBLE = Array.from({ length: 16 }, (_, n) => String.fromCharCode(n));
// windows-1252 (the 'latin1' label) maps bytes 0..15 to code points 0..15.
const nibbleDecoder = new TextDecoder('latin1');
let nibbleScratch = new Uint8Array(256);

const nibbleAt = (key: Uint8Array, i: number): number => (i & 1 ? key[i >> 1] & 15 : key[i >> 1] >> 4);

/** The nibbles `from..to` of `key` as a nibble string. */
function nibbles(key: Uint8Array, from: number, to = key.length * 2): string {
  if (to - from > nibbleScratch.length) nibbleScratch = new Uint8Array(2 * (to - from));
  for (let i = from; i < to; i++) nibbleScratch[i - from] = nibbleAt(key, i);
  return nibbleDecoder.decode(nibbleScratch.subarray(0, to - from));
}

/** Packs an even-length nibble string back into bytes. */
function nibblesToBytes(path: string): Uint8Array {
  const out = new Uint8Array(path.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (path.charCodeAt(2 * i) << 4) | path.charCodeAt(2 * i + 1);
  return out;
}

/** How many leading nibbles of `partial` match the nibbles of `key` from nibble `from` on. */
function matchingNibbles(partial: string, key: Uint8Array, from: number): number {
  const n = Math.min(partial.length, key.length * 2 - from);
  let i = 0;
  while (i < n && partial.charCodeAt(i) === nibbleAt(key, from + i)) i++;
  return i;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && compareBytes(a, b) === 0;

/** Bytes taken by a header whose kind uses `kindBits` high bits, for `count` nibbles. */
function headerLength(kindBits: number, count: number): number {
  const inline = 255 >> kindBits;
  return count < inline ? 1 : 2 + Math.floor((count - inline) / 255);
}

/** Writes the header; counts that do not fit the first byte continue in bytes of up to 255. */
function writeHeader(out: Uint8Array, kind: number, kindBits: number, count: number): number {
  const inline = 255 >> kindBits;
  if (count < inline) {
    out[0] = kind | count;
    return 1;
  }
  out[0] = kind | inline;
  let pos = 1;
  let rest = count - (inline - 1);
  for (; rest > 255; rest -= 255) out[pos++] = 255;
  out[pos++] = rest - 1;
  return pos;
}

// Nodes are encoded here, then hashed or copied: no buffer per node.
let encodeScratch = new Uint8Array(1024);

/**
 * Encodes one node. A leaf has `bitmap` 0, a value and no `refs`; a branch lists the references
 * of the children its `bitmap` marks, in nibble order. References are byte strings; values are
 * byte strings (the state trie's) or bytes (a root built from scratch: an extrinsic of megabytes
 * is not turned into a string and back); a reference is a 32-byte hash or an encoding shorter
 * than 32 bytes. The result is a view of a shared buffer, valid until the next call: hash or copy
 * it before encoding another node.
 */
function encodeNode(partial: string, value: string | Uint8Array | undefined, bitmap: number, refs: ArrayLike<string>, version: StateVersion): Uint8Array {
  const branch = bitmap !== 0;
  let kind: number;
  let kindBits = 2;
  let valueHash: Uint8Array | undefined;
  let valueLength: Uint8Array | undefined;
  if (value === undefined) {
    kind = BRANCH_NO_VALUE;
  } else if (version === 1 && value.length >= VALUE_HASH_THRESHOLD) {
    valueHash = blake2_256(typeof value === 'string' ? stringToBytes(value) : value);
    kind = branch ? HASHED_VALUE_BRANCH : HASHED_VALUE_LEAF;
    kindBits = branch ? 4 : 3;
  } else {
    valueLength = compactLength(value.length);
    kind = branch ? BRANCH_WITH_VALUE : LEAF;
  }
  const count = partial.length;
  let size = headerLength(kindBits, count) + ((count + 1) >> 1);
  if (branch) size += 2;
  if (valueHash) size += valueHash.length;
  else if (valueLength) size += valueLength.length + value!.length;
  // A reference is at most 32 bytes, so its Compact length is a single byte.
  for (let n = 0; n < refs.length; n++) size += 1 + refs[n].length;

  if (size > encodeScratch.length) encodeScratch = new Uint8Array(2 * size);
  const out = encodeScratch;
  let pos = writeHeader(out, kind, kindBits, count);
  let i = 0;
  if (count & 1) out[pos++] = partial.charCodeAt(i++);
  for (; i < count; i += 2) out[pos++] = (partial.charCodeAt(i) << 4) | partial.charCodeAt(i + 1);
  if (branch) {
    out[pos++] = bitmap & 0xff;
    out[pos++] = bitmap >> 8;
  }
  if (valueHash) {
    out.set(valueHash, pos);
    pos += valueHash.length;
  } else if (valueLength) {
    out.set(valueLength, pos);
    pos += valueLength.length;
    if (typeof value === 'string') {
      pos = writeString(out, pos, value);
    } else {
      out.set(value!, pos);
      pos += value!.length;
    }
  }
  for (let n = 0; n < refs.length; n++) {
    out[pos] = SMALL_COMPACTS[refs[n].length][0];
    pos = writeString(out, pos + 1, refs[n]);
  }
  return out.subarray(0, pos);
}

/** How a parent refers to a node: its encoding when shorter than a hash, else its hash. */
const referenceTo = (encoding: Uint8Array): string => bytesToString(encoding.length < HASH_LENGTH ? encoding : blake2_256(encoding));

const bitCount = (bits: number): number => {
  let n = 0;
  for (; bits; bits &= bits - 1) n++;
  return n;
};

/**
 * A trie node. Its full key is the parent's path, the child slot's nibble, then `partial`.
 * Invariant (the canonical sp-trie shape): a leaf has a value; a branch has a value or at least
 * two children. Any trie holding the same entries then has the same nodes, hence the same root.
 */
class Node {
  /** Cached reference (see `referenceTo`); undefined while the node or a descendant changed. */
  ref: string | undefined = undefined;
  constructor(
    public partial: string,
    public value: string | undefined,
    /** Which of the 16 child slots are used; 0 for a leaf. */
    public bitmap: number,
    /** The used slots' children in nibble order, so a branch holds only what it has. */
    public children: Node[],
  ) {}

  child(slot: number): Node | undefined {
    const bit = 1 << slot;
    return this.bitmap & bit ? this.children[bitCount(this.bitmap & (bit - 1))] : undefined;
  }

  /** Puts `child` in `slot`, or empties the slot when `child` is undefined. */
  setChild(slot: number, child: Node | undefined): void {
    const bit = 1 << slot;
    const index = bitCount(this.bitmap & (bit - 1));
    if (this.bitmap & bit && child) {
      this.children[index] = child;
    } else if (this.bitmap & bit) {
      this.children = this.children.toSpliced(index, 1);
      this.bitmap &= ~bit;
    } else if (child) {
      // A copy sized exactly: growing an array in place reserves 17 slots.
      this.children = this.children.toSpliced(index, 0, child);
      this.bitmap |= bit;
    }
  }
}

const NO_CHILDREN: Node[] = [];
const leaf = (partial: string, value: string): Node => new Node(partial, value, 0, NO_CHILDREN);

// Reused to hand a branch's child references to `encodeNode`, which never recurses.
const childRefs: string[] = [];

function copyNode(node: Node): Node {
  const copy = new Node(node.partial, node.value, node.bitmap, node.children.length ? node.children.map(copyNode) : NO_CHILDREN);
  copy.ref = node.ref;
  return copy;
}

/** Encodes a node whose children all have their references cached. */
function encodeCached(node: Node, version: StateVersion): Uint8Array {
  const children = node.children;
  childRefs.length = children.length;
  for (let n = 0; n < children.length; n++) childRefs[n] = children[n].ref!;
  return encodeNode(node.partial, node.value, node.bitmap, childRefs, version);
}

/** The node's reference, re-encoding only the nodes changed since it was last computed. */
function refresh(node: Node, version: StateVersion): string {
  if (node.ref !== undefined) return node.ref;
  for (const child of node.children) if (child.ref === undefined) refresh(child, version);
  return (node.ref = referenceTo(encodeCached(node, version)));
}

/**
 * Restores the invariant on a node that just lost its value or a child. Returns what takes its
 * place: itself, itself as a leaf, its only child (absorbing its partial key), or nothing.
 */
function collapse(node: Node): Node | undefined {
  const children = node.children;
  if (node.value === undefined) {
    if (children.length === 0) return undefined;
    if (children.length === 1) {
      const child = children[0];
      child.partial = node.partial + NIBBLE[31 - Math.clz32(node.bitmap)] + child.partial;
      child.ref = undefined;
      return child;
    }
  } else if (children.length === 0) {
    node.children = NO_CHILDREN;
  }
  node.ref = undefined;
  return node;
}

/** Where a path (nibble string) stands against a bound: below it, leading to it, or above it. */
function relation(path: string, bound: string): -1 | 0 | 1 {
  if (bound.startsWith(path)) return 0;
  return path < bound ? -1 : 1;
}

/**
 * The whole state as sp-trie's in-memory trie. Keys and values are copied in and out, so
 * callers may reuse their arrays. Do not change the trie while iterating it.
 */
export class Trie {
  private top: Node | undefined = undefined;
  private count = 0;

  constructor(readonly version: StateVersion = 1) {}

  get size(): number {
    return this.count;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const value = this.descend(key)?.value;
    return value === undefined ? undefined : stringToBytes(value);
  }

  /** Sets `key` to `value`; returns the value it replaces (as sp-trie's insert), found on the same walk. */
  set(key: Uint8Array, value: Uint8Array): Uint8Array | undefined {
    const stored = bytesToString(value);
    let previous: string | undefined;
    const end = key.length * 2;
    const path: Node[] = [];
    let parent: Node | undefined;
    let slot = 0;
    let node = this.top;
    let at = 0;
    for (;;) {
      if (!node) {
        this.place(parent, slot, leaf(nibbles(key, at), stored));
        this.count++;
        break;
      }
      const partial = node.partial;
      const common = matchingNibbles(partial, key, at);
      if (common < partial.length) {
        // The key leaves this node's partial key: a new branch takes the node's place.
        const shared = partial.slice(0, common);
        const nodeSlot = partial.charCodeAt(common);
        node.partial = partial.slice(common + 1);
        node.ref = undefined;
        at += common;
        let branch: Node;
        if (at === end) {
          branch = new Node(shared, stored, 1 << nodeSlot, [node]);
        } else {
          const keySlot = nibbleAt(key, at);
          const fresh = leaf(nibbles(key, at + 1), stored);
          branch = new Node(shared, undefined, (1 << nodeSlot) | (1 << keySlot), nodeSlot < keySlot ? [node, fresh] : [fresh, node]);
        }
        this.place(parent, slot, branch);
        this.count++;
        break;
      }
      at += common;
      if (at === end) {
        previous = node.value;
        if (previous === stored) return stringToBytes(previous);
        if (previous === undefined) this.count++;
        node.value = stored;
        node.ref = undefined;
        break;
      }
      path.push(node);
      parent = node;
      slot = nibbleAt(key, at++);
      node = node.child(slot);
    }
    for (const above of path) above.ref = undefined;
    return previous === undefined ? undefined : stringToBytes(previous);
  }

  /** Removes `key`; returns the value it had. */
  delete(key: Uint8Array): Uint8Array | undefined {
    const path: Node[] = [];
    const slots: number[] = [];
    const node = this.descend(key, path, slots);
    const previous = node?.value;
    if (node === undefined || previous === undefined) return undefined;
    path.pop();
    node.value = undefined;
    this.count--;
    let depth = path.length;
    let replacement = collapse(node);
    if (!replacement && depth > 0) {
      // A leaf went: its parent loses a child, and never collapses to nothing.
      depth--;
      path[depth].setChild(slots[depth], undefined);
      replacement = collapse(path[depth]);
    }
    this.place(path[depth - 1], slots[depth - 1], replacement);
    for (let d = 0; d < depth; d++) path[d].ref = undefined;
    return stringToBytes(previous);
  }

  /** An independent copy, cached hashes included: several chains can start from one built state. */
  clone(): Trie {
    const copy = new Trie(this.version);
    copy.top = this.top && copyNode(this.top);
    copy.count = this.count;
    return copy;
  }

  /** The state root. Only nodes changed since the last call are re-encoded and re-hashed. */
  root(): Uint8Array {
    if (!this.top) return blake2_256(EMPTY_NODE);
    const ref = stringToBytes(refresh(this.top, this.version));
    // The root is hashed even when its encoding is short enough to be inlined.
    return ref.length === HASH_LENGTH ? ref : blake2_256(ref);
  }

  /** Keys starting with `prefix`, ascending, strictly after `startAfter` when given. */
  *keys(prefix: Uint8Array = EMPTY_KEY, startAfter?: Uint8Array): Generator<Uint8Array, void, undefined> {
    for (const [path] of this.walk(prefix, startAfter)) yield nibblesToBytes(path);
  }

  /** Entries whose keys start with `prefix`, ascending, strictly after `startAfter` when given. */
  *entries(prefix: Uint8Array = EMPTY_KEY, startAfter?: Uint8Array): Generator<[Uint8Array, Uint8Array], void, undefined> {
    for (const [path, value] of this.walk(prefix, startAfter)) yield [nibblesToBytes(path), stringToBytes(value)];
  }

  /** The first key strictly greater than `key` (sp_io::storage::next_key). */
  nextKey(key: Uint8Array): Uint8Array | undefined {
    for (const [path] of this.walk(EMPTY_KEY, key)) return nibblesToBytes(path);
    return undefined;
  }

  /**
   * A read proof for `keys`, as sp-trie's StorageProof: every node fetched by hash while looking
   * the keys up (the root, nodes of 32 bytes or more, V1 hashed values), distinct, in byte order.
   */
  proof(keys: Uint8Array[]): Uint8Array[] {
    // Substrate's backend serves the empty trie's root as the single node [0].
    if (!this.top) return keys.length ? [EMPTY_NODE.slice()] : [];
    refresh(this.top, this.version);
    const nodes = new Set<Node>();
    const proof: Uint8Array[] = [];
    for (const key of keys) {
      const visited: Node[] = [];
      const value = this.descend(key, visited)?.value;
      for (const node of visited) if (node === this.top || node.ref!.length === HASH_LENGTH) nodes.add(node);
      if (value !== undefined && this.version === 1 && value.length >= VALUE_HASH_THRESHOLD) proof.push(stringToBytes(value));
    }
    for (const node of nodes) proof.push(encodeCached(node, this.version).slice());
    proof.sort(compareBytes);
    return proof.filter((bytes, i) => i === 0 || !equalBytes(bytes, proof[i - 1]));
  }

  /**
   * Follows `key` down from the top and returns the node whose full key it is, if any.
   * `visited` receives every node met, the last one included; `slots` the slot taken below each.
   */
  private descend(key: Uint8Array, visited?: Node[], slots?: number[]): Node | undefined {
    const end = key.length * 2;
    let node = this.top;
    let at = 0;
    while (node) {
      visited?.push(node);
      const partial = node.partial;
      if (matchingNibbles(partial, key, at) < partial.length) return undefined;
      at += partial.length;
      if (at === end) return node;
      const slot = nibbleAt(key, at++);
      slots?.push(slot);
      node = node.child(slot);
    }
    return undefined;
  }

  /** Replaces the node in `parent`'s `slot`, or the top node when there is no parent. */
  private place(parent: Node | undefined, slot: number, node: Node | undefined): void {
    if (parent) parent.setChild(slot, node);
    else this.top = node;
  }

  /** Lazily yields (nibble path, value) for the keys with `prefix`, strictly after `after`. */
  private *walk(prefix: Uint8Array, after: Uint8Array | undefined): Generator<[string, string], void, undefined> {
    const wanted = nibbles(prefix, 0);
    const bound = after && nibbles(after, 0);
    // Descend to the highest node whose path extends the prefix.
    let node = this.top;
    let path = '';
    for (;;) {
      if (!node) return;
      path += node.partial;
      if (path.length >= wanted.length) {
        if (!path.startsWith(wanted)) return;
        break;
      }
      if (!wanted.startsWith(path)) return;
      const slot = wanted.charCodeAt(path.length);
      node = node.child(slot);
      path += NIBBLE[slot];
    }
    // Depth-first, each node before its children, children in nibble order. A node "on the
    // bound" leads to `bound`: its own key is not after it, nor are its children below the
    // bound's next nibble; every other node met is wholly after the bound.
    const first = bound === undefined ? 1 : relation(path, bound);
    if (first < 0) return;
    const nodes: Node[] = [];
    const paths: string[] = [];
    const nextSlots: number[] = [];
    const boundSlots: number[] = [];
    let enter: Node | undefined = node;
    let onBound = first === 0;
    for (;;) {
      if (enter) {
        const boundSlot = onBound && path.length < bound!.length ? bound!.charCodeAt(path.length) : -1;
        if (!onBound && enter.value !== undefined) yield [path, enter.value];
        nodes.push(enter);
        paths.push(path);
        nextSlots.push(boundSlot < 0 ? 0 : boundSlot);
        boundSlots.push(boundSlot);
        enter = undefined;
      }
      const top = nodes.length - 1;
      if (top < 0) return;
      const current = nodes[top];
      const slot = nextSlots[top]++;
      if (slot === 16 || current.bitmap >> slot === 0) {
        nodes.pop();
        paths.pop();
        nextSlots.pop();
        boundSlots.pop();
        continue;
      }
      const child = current.child(slot);
      if (!child) continue;
      path = paths[top] + NIBBLE[slot] + child.partial;
      const where = slot === boundSlots[top] ? relation(path, bound!) : 1;
      if (where < 0) continue;
      enter = child;
      onBound = where === 0;
    }
  }
}

/** Builds the node covering `sorted[from..to)`, whose partial key starts at nibble `depth`. */
function buildNode(sorted: [Uint8Array, Uint8Array][], from: number, to: number, depth: number, version: StateVersion): Uint8Array {
  const first = sorted[from][0];
  const last = sorted[to - 1][0];
  // Keys are sorted, so what the first and last share, all share.
  const shared = Math.min(first.length, last.length) * 2;
  let end = depth;
  while (end < shared && nibbleAt(first, end) === nibbleAt(last, end)) end++;
  let value: Uint8Array | undefined;
  let next = from;
  if (first.length * 2 === end) value = sorted[next++][1];
  let bitmap = 0;
  const refs: string[] = [];
  while (next < to) {
    const slot = nibbleAt(sorted[next][0], end);
    let stop = next + 1;
    while (stop < to && nibbleAt(sorted[stop][0], end) === slot) stop++;
    bitmap |= 1 << slot;
    refs.push(referenceTo(buildNode(sorted, next, stop, end + 1, version)));
    next = stop;
  }
  return encodeNode(nibbles(first, depth, end), value, bitmap, refs, version);
}

/**
 * The trie root of `entries`, built from scratch by recursion over the sorted keys (as
 * sp_trie::trie_root); a later entry for the same key wins.
 */
export function trieRoot(entries: Iterable<[Uint8Array, Uint8Array]>, version: StateVersion = 1): Uint8Array {
  const sorted = [...entries].sort((a, b) => compareBytes(a[0], b[0]));
  // The sort is stable: keep the last of equal keys.
  const unique = sorted.filter((entry, i) => i === sorted.length - 1 || !equalBytes(entry[0], sorted[i + 1][0]));
  return blake2_256(unique.length ? buildNode(unique, 0, unique.length, 0, version) : EMPTY_NODE);
}

/** The root of the trie mapping Compact(i) to `items[i]`, as frame_system's extrinsics root. */
export function orderedTrieRoot(items: Uint8Array[], version: StateVersion = 0): Uint8Array {
  return trieRoot(items.map((item, i): [Uint8Array, Uint8Array] => [compactNumber.enc(i), item]), version);
}
