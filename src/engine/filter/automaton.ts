/**
 * Multi-literal search over bytes, ASCII-case-insensitive (Aho–Corasick compiled to a DFA over
 * byte classes): one pass over a whole buffer finds every occurrence of every pattern.
 * Bytes that occur in no pattern share class 0, which leads back to the root, so a newline
 * always resets the search and matches never span lines.
 */
export class Automaton {
  private readonly classes = new Uint8Array(256);
  private readonly shift: number;
  /** Next state per (state, class); `~state` when the next state has outputs. */
  private readonly delta: Int32Array;
  private readonly outputs: number[][];

  constructor(patterns: readonly Uint8Array[]) {
    const fold = (b: number) => (b >= 0x41 && b <= 0x5a ? b + 32 : b);
    let nClasses = 1;
    for (const p of patterns) for (const b of p) if (this.classes[fold(b)] === 0) this.classes[fold(b)] = nClasses++;
    for (let b = 0x41; b <= 0x5a; b++) this.classes[b] = this.classes[b + 32]!;
    this.shift = Math.max(1, Math.ceil(Math.log2(nClasses)));
    const width = 1 << this.shift;

    // Trie over classes.
    const children: Map<number, number>[] = [new Map()];
    const out: number[][] = [[]];
    patterns.forEach((p, id) => {
      let s = 0;
      for (const b of p) {
        const c = this.classes[b]!;
        let next = children[s]!.get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          out.push([]);
          children[s]!.set(c, next);
        }
        s = next;
      }
      out[s]!.push(id);
    });

    // Breadth-first: failure links, inherited outputs, and the full transition table.
    const n = children.length;
    const fail = new Int32Array(n);
    const delta = new Int32Array(n * width);
    const order: number[] = [0];
    for (let head = 0; head < order.length; head++) {
      const s = order[head]!;
      for (let c = 0; c < width; c++) {
        const child = children[s]!.get(c);
        const viaFail = s === 0 ? 0 : delta[(fail[s]! << this.shift) + c]!;
        if (child === undefined) {
          delta[(s << this.shift) + c] = viaFail < 0 ? ~viaFail : viaFail;
          continue;
        }
        fail[child] = s === 0 ? 0 : (viaFail < 0 ? ~viaFail : viaFail);
        out[child]!.push(...out[fail[child]!]!);
        delta[(s << this.shift) + c] = child;
        order.push(child);
      }
    }
    for (let i = 0; i < delta.length; i++) if (out[delta[i]!]!.length) delta[i] = ~delta[i]!;
    this.delta = delta;
    this.outputs = out;
  }

  /** Calls `hit(position, patternIds)` for every match ending in buf[start, end), in order. */
  scan(buf: Uint8Array, start: number, end: number, hit: (pos: number, ids: readonly number[]) => void): void {
    const { classes, delta, shift, outputs } = this;
    let s = 0;
    for (let i = start; i < end; i++) {
      const v = delta[(s << shift) + classes[buf[i]!]!]!;
      if (v >= 0) {
        s = v;
        continue;
      }
      s = ~v;
      hit(i, outputs[s]!);
    }
  }
}
