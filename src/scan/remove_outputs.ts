/**
 * Removing outputs from a notebook's text without rewriting the rest: the byte spans of the
 * outputs are found in the original text and cut out, so key order, indentation (Jupyter's one
 * space, or two or four), number spellings (`1.0`, `1e-05`), escapes and the trailing newline
 * of everything else stay exactly as they were. Pure, no I/O.
 *
 * @module
 */

/** An output to remove: cell index and output index (0-based). */
export interface OutputRef {
  /** Cell index. */
  cell: number;
  /** Output index in that cell. */
  output: number;
}

interface ArraySpan {
  /** Offset of `[`. */
  open: number;
  /** Offset just after `]`. */
  close: number;
  /** `[start, end)` of each element. */
  items: [number, number][];
}

/** A tiny position-keeping JSON scanner (the text is known to parse). */
class Scanner {
  constructor(readonly text: string) {}

  ws(p: number): number {
    const t = this.text;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    return p;
  }

  /** Offset just after the string starting at `p` (at its `"`). */
  stringEnd(p: number): number {
    const t = this.text;
    let q = p + 1;
    for (;;) {
      const c = t.charCodeAt(q);
      if (c === 0x5c) q += 2;
      else if (c === 0x22) return q + 1;
      else if (Number.isNaN(c)) throw new SyntaxError("unterminated string");
      else q++;
    }
  }

  /** End of the value starting at `p`. */
  value(p: number): number {
    const t = this.text;
    const c = t[p];
    if (c === '"') return this.stringEnd(p);
    if (c === "{" || c === "[") {
      // Skip nested containers by counting brackets outside strings (iterative).
      let depth = 0;
      let q = p;
      while (q < t.length) {
        const ch = t[q];
        if (ch === '"') {
          q = this.stringEnd(q);
          continue;
        }
        if (ch === "{" || ch === "[") depth++;
        else if (ch === "}" || ch === "]") {
          depth--;
          if (depth === 0) return q + 1;
        }
        q++;
      }
      throw new SyntaxError("unterminated container");
    }
    let q = p;
    while (q < t.length && !/[\s,\]}]/.test(t[q])) q++;
    return q;
  }

  /** Each member of the object at `p`: key, value start, value end. */
  members(p: number): { key: string; start: number; end: number }[] {
    const out: { key: string; start: number; end: number }[] = [];
    let q = this.ws(p + 1);
    if (this.text[q] === "}") return out;
    for (;;) {
      const afterKey = this.stringEnd(q);
      const key: string = JSON.parse(this.text.slice(q, afterKey));
      const start = this.ws(this.ws(afterKey) + 1); // past ':'
      const end = this.value(start);
      out.push({ key, start, end });
      q = this.ws(end);
      if (this.text[q] === ",") q = this.ws(q + 1);
      else return out;
    }
  }

  /** The array at `p`. */
  array(p: number): ArraySpan {
    const items: [number, number][] = [];
    let q = this.ws(p + 1);
    if (this.text[q] === "]") return { open: p, close: q + 1, items };
    for (;;) {
      const end = this.value(q);
      items.push([q, end]);
      q = this.ws(end);
      if (this.text[q] === ",") q = this.ws(q + 1);
      else return { open: p, close: q + 1, items };
    }
  }
}

/** The text of `array` without the elements at `drop` (separators and layout kept). */
function withoutItems(text: string, array: ArraySpan, drop: ReadonlySet<number>): string {
  const kept = array.items.filter((_, i) => !drop.has(i));
  if (kept.length === 0) return "[]"; // what Jupyter writes for no outputs
  if (kept.length === array.items.length) return text.slice(array.open, array.close);
  // Layout: the text before the first element, between elements, after the last one.
  const lead = text.slice(array.open, array.items[0][0]);
  const sep = array.items.length > 1 ? text.slice(array.items[0][1], array.items[1][0]) : ",\n";
  const tail = text.slice(array.items.at(-1)![1], array.close);
  return lead + kept.map(([s, e]) => text.slice(s, e)).join(sep) + tail;
}

/**
 * `text` (a notebook that parses) with the given outputs cut out; everything else is left
 * byte for byte. Outputs that do not exist are ignored.
 *
 * @example Usage
 * ```ts
 * import { removeOutputs } from "@hf-notebook/auth/scan";
 * import assert from "node:assert/strict";
 *
 * const nb = {
 *   cells: [{ cell_type: "code", outputs: [{ n: 1.5 }, { n: 2 }], source: [] }],
 *   metadata: { ratio: 1 },
 * };
 * const text = JSON.stringify(nb, null, 1) + "\n";
 * const fixed = removeOutputs(text, [{ cell: 0, output: 0 }]);
 * nb.cells[0].outputs.shift();
 * assert.equal(fixed, JSON.stringify(nb, null, 1) + "\n");
 * ```
 *
 * @param text The notebook's text.
 * @param refs The outputs to remove.
 * @returns The new text.
 */
export function removeOutputs(text: string, refs: readonly OutputRef[]): string {
  const scanner = new Scanner(text);
  const rootAt = scanner.ws(text.charCodeAt(0) === 0xfeff ? 1 : 0);
  const cellsMember = scanner.members(rootAt).find((m) => m.key === "cells");
  if (!cellsMember || text[cellsMember.start] !== "[") return text;
  const byCell = new Map<number, Set<number>>();
  for (const { cell, output } of refs) {
    byCell.set(cell, (byCell.get(cell) ?? new Set()).add(output));
  }
  const cells = scanner.array(cellsMember.start);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const [cell, drop] of byCell) {
    const span = cells.items[cell];
    if (!span || text[span[0]] !== "{") continue;
    const outputs = scanner.members(span[0]).find((m) => m.key === "outputs");
    if (!outputs || text[outputs.start] !== "[") continue;
    const array = scanner.array(outputs.start);
    edits.push({ start: array.open, end: array.close, text: withoutItems(text, array, drop) });
  }
  edits.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
