/** A trie node: its number (its row in the transition table), children by byte class, the patterns it ends (its own, then its failure node's), the longest proper suffix that is also in the trie (null at the root). */
interface TrieNode { id: number; children: Map<number, TrieNode>; out: number[]; fail: TrieNode | null }

/**
 * Multi-literal search over bytes, ASCII-case-insensitive (Aho–Corasick compiled to a DFA over
 * byte classes): one pass over a whole buffer finds every occurrence of every pattern.
 * Bytes that occur in no pattern share class 0, which leads back to the root, so a newline
 * always resets the search and matches never span lines.
 */
export class Automaton {
  private readonly classes = new Uint8Array(256);
  private readonly shift: number;
  /**
   * Next state per (state, class), each state as the offset of its row (`id << shift`, so
   * the scan adds a class without shifting); `~offset` when the next state has outputs.
   */
  private readonly delta: Int32Array;
  private readonly outputs: number[][];

  constructor(patterns: readonly Uint8Array[]) {
    const { classes } = this;
    const fold = (b: number) => (b >= 0x41 && b <= 0x5a ? b + 32 : b);
    let nClasses = 1;
    for (const p of patterns) for (const b of p) if (classes[fold(b)] === 0) classes[fold(b)] = nClasses++;
    classes.copyWithin(0x41, 0x61, 0x7b);
    this.shift = Math.max(1, Math.ceil(Math.log2(nClasses)));
    const shift = this.shift;
    const width = 1 << shift;

    // Trie over classes.
    const root: TrieNode = { id: 0, children: new Map(), out: [], fail: null };
    const nodes = [root];
    patterns.forEach((p, id) => {
      let s = root;
      for (const b of p) {
        const c = classes[b]!; // a byte indexes the 256 classes
        let next = s.children.get(c);
        if (next === undefined) {
          next = { id: nodes.length, children: new Map(), out: [], fail: null };
          nodes.push(next);
          s.children.set(c, next);
        }
        s = next;
      }
      s.out.push(id);
    });

    // Breadth-first: failure links, inherited outputs, and the full transition table, each
    // entry `~id` when the node it leads to has outputs.
    const enc = (t: TrieNode) => (t.out.length ? ~t.id : t.id);
    const delta = new Int32Array(nodes.length * width);
    const order = [root];
    for (const s of order) {
      for (let c = 0; c < width; c++) {
        const child = s.children.get(c);
        if (child === undefined) {
          // The failure node is nearer the root, so its row is already filled; a row has `width` cells.
          delta[(s.id << shift) + c] = s.fail === null ? enc(root) : delta[(s.fail.id << shift) + c]!;
          continue;
        }
        let f = s.fail;
        while (f !== null && !f.children.has(c)) f = f.fail;
        child.fail = f?.children.get(c) ?? root;
        child.out.push(...child.fail.out);
        delta[(s.id << shift) + c] = enc(child);
        order.push(child);
      }
    }
    for (let i = 0; i < delta.length; i++) {
      const v = delta[i]!; // i < delta.length
      delta[i] = v >= 0 ? v << shift : ~(~v << shift);
    }
    this.delta = delta;
    this.outputs = nodes.map((t) => t.out);
  }

  /** Calls `hit(position, patternIds)` for every match ending in buf[start, end), in order. */
  scan(buf: Uint8Array, start: number, end: number, hit: (pos: number, ids: readonly number[]) => void): void {
    const { classes, delta, shift, outputs } = this;
    let s = 0;
    // Hot loop: i is inside buf, a byte indexes the 256 classes, a state's row has a cell per class.
    for (let i = start; i < end; i++) {
      const v = delta[s + classes[buf[i]!]!]!;
      if (v >= 0) {
        s = v;
        continue;
      }
      s = ~v;
      hit(i, outputs[s >> shift]!); // s is a row offset: outputs has one entry per row
    }
  }
}
