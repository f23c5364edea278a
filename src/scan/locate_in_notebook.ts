/**
 * Where a token sits inside a parsed notebook (nbformat 4): which cell, which output, which
 * part of it. Every string of the document is searched (keys too), so nothing is missed; the
 * path of each hit is then named the way a notebook user sees it. Base64 attachments and
 * binary outputs (`image/png`, …) are searched decoded as well. Pure, no I/O.
 *
 * @module
 */

import { findTokens, type TokenKind } from "./match_tokens.ts";

/** Which part of a file a token is in. */
export type ScanPart =
  | "source"
  | "output"
  | "attachment"
  | "cell-metadata"
  | "notebook-metadata"
  | "widget-state"
  | "notebook-other"
  | "text";

/** A token located in a notebook. */
export interface NotebookHit {
  /** The token. */
  token: string;
  /** Its kind. */
  kind: TokenKind;
  /** The part of the notebook. */
  part: ScanPart;
  /** Cell index (0-based), when in a cell. */
  cell?: number;
  /** Output index in the cell (0-based), when in an output. */
  output?: number;
  /** `stream`, `display_data`, `execute_result`, `error`, when in an output. */
  outputType?: string;
  /** Line (1-based) inside the searched text (source, stream text, traceback, …). */
  line?: number;
  /** Where, for people: `cell 3 · output 1 (stream stdout), line 2`. */
  where: string;
  /** The JSON path of the string that holds it. */
  path: (string | number)[];
}

const WIDGET_STATE = "application/vnd.jupyter.widget-state+json";
/** Longest base64 string decoded for a second look (16 MiB). */
const MAX_BASE64 = 16 * 2 ** 20;

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A base64 payload decoded to a Latin-1 string, or `undefined` when it is not base64. */
function decodeBase64(text: string): string | undefined {
  if (text.length < 16 || text.length > MAX_BASE64) return undefined;
  const compact = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  try {
    return atob(compact);
  } catch {
    return undefined;
  }
}

/** `a › b › c` for a JSON path tail. */
function trail(path: readonly (string | number)[]): string {
  return path.map((p) => typeof p === "number" ? `[${p}]` : p).join(" › ");
}

/** 1-based line of `index` in a string that is element `element` of a list of lines. */
function lineIn(path: readonly (string | number)[], text: string, index: number): number {
  const within = text.slice(0, index).split("\n").length - 1;
  const last = path.at(-1);
  return (typeof last === "number" ? last : 0) + within + 1;
}

/** Names a hit at `path` in `notebook` for people, and sorts it into a part. */
function describe(
  notebook: Json,
  path: readonly (string | number)[],
  line: number,
  decoded: boolean,
): Omit<NotebookHit, "token" | "kind" | "path"> {
  const note = decoded ? " (base64-decoded)" : "";
  if (path[0] === "cells" && typeof path[1] === "number") {
    const cell = path[1];
    const cellValue = isObject(notebook) && Array.isArray(notebook.cells)
      ? notebook.cells[cell]
      : undefined;
    const cellType = isObject(cellValue) && typeof cellValue.cell_type === "string"
      ? cellValue.cell_type
      : "cell";
    const head = `cell ${cell} (${cellType})`;
    const key = path[2];
    if (key === "source") {
      return { part: "source", cell, line, where: `${head} · source, line ${line}` };
    }
    if (key === "outputs" && typeof path[3] === "number") {
      const output = path[3];
      const outputs = isObject(cellValue) && Array.isArray(cellValue.outputs)
        ? cellValue.outputs
        : [];
      const value = outputs[output];
      const outputType = isObject(value) && typeof value.output_type === "string"
        ? value.output_type
        : "output";
      const rest = path.slice(4);
      let inside: string;
      if (outputType === "stream" && rest[0] === "text") {
        const name = isObject(value) && typeof value.name === "string" ? value.name : "stream";
        inside = `${name}, line ${line}`;
      } else if (rest[0] === "data" && typeof rest[1] === "string") {
        const mime = rest[1];
        inside = rest.length > 2 && mime.includes("json") && typeof rest.at(-1) !== "number"
          ? `${mime} at ${trail(rest.slice(2))}`
          : `${mime}${note}, line ${line}`;
      } else if (rest[0] === "traceback") {
        inside = `traceback, line ${typeof rest[1] === "number" ? rest[1] + 1 : line}`;
      } else if (rest[0] === "evalue" || rest[0] === "ename") {
        inside = `error ${rest[0] === "evalue" ? "message" : "name"}`;
      } else {
        inside = trail(rest) || "output";
      }
      return {
        part: "output",
        cell,
        output,
        outputType,
        line,
        where: `${head} · output ${output} (${outputType}) · ${inside}`,
      };
    }
    if (key === "attachments") {
      const name = String(path[3] ?? "");
      const mime = String(path[4] ?? "");
      return {
        part: "attachment",
        cell,
        where: `${head} · attachment ${name}${mime ? ` (${mime})` : ""}${note}`,
      };
    }
    if (key === "metadata") {
      return { part: "cell-metadata", cell, where: `${head} · metadata › ${trail(path.slice(3))}` };
    }
    return { part: "notebook-other", cell, where: `${head} · ${trail(path.slice(2))}` };
  }
  if (path[0] === "metadata") {
    if (path[1] === "widgets" && path[2] === WIDGET_STATE) {
      const model = path[3] === "state" && typeof path[4] === "string" ? path[4] : undefined;
      return {
        part: "widget-state",
        where: model
          ? `saved widget state · model ${model} › ${trail(path.slice(5))}`
          : `saved widget state › ${trail(path.slice(3))}`,
      };
    }
    return { part: "notebook-metadata", where: `notebook metadata › ${trail(path.slice(1))}` };
  }
  return { part: "notebook-other", where: trail(path) || "document" };
}

/**
 * Every token in a parsed notebook, with where it is. Iterative (a notebook with 100,000
 * cells or deeply nested metadata cannot overflow the stack).
 *
 * @example Usage
 * ```ts
 * import { locateInNotebook } from "@hf-notebook/auth/scan";
 * import assert from "node:assert/strict";
 *
 * const token = "hf_" + "N5eUa1SgF6dJh3YcL8nWb4RxK9pZm2Tv7Q";
 * const notebook = {
 *   cells: [{
 *     cell_type: "code",
 *     source: ["const t = await getToken();\n", "console.log(t);"],
 *     outputs: [{ output_type: "stream", name: "stdout", text: [`${token}\n`] }],
 *   }],
 *   metadata: {},
 * };
 * const [hit] = locateInNotebook(notebook);
 * assert.equal(hit.where, "cell 0 (code) · output 0 (stream) · stdout, line 1");
 * assert.deepEqual([hit.cell, hit.output, hit.part], [0, 0, "output"]);
 * ```
 *
 * @param notebook The parsed `.ipynb` JSON.
 * @returns The hits, in document order.
 */
export function locateInNotebook(notebook: unknown): NotebookHit[] {
  const hits: NotebookHit[] = [];
  const stack: { value: Json; path: (string | number)[] }[] = [{ value: notebook, path: [] }];
  const visit = (text: string, path: (string | number)[], decoded: boolean) => {
    for (const m of findTokens(text)) {
      const line = decoded ? 1 : lineIn(path, text, m.index);
      hits.push({
        token: m.token,
        kind: m.kind,
        path,
        ...describe(notebook, path, line, decoded),
      });
    }
  };
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      visit(value, path, false);
      const binary = path.includes("attachments") ||
        (path[2] === "outputs" && path[4] === "data" && typeof path[5] === "string" &&
          !/^text\/|json/.test(path[5]));
      if (binary) {
        const decoded = decodeBase64(value);
        if (decoded !== undefined) visit(decoded, path, true);
      }
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i], path: [...path, i] });
      }
    } else if (isObject(value)) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        visit(key, [...path, key], false);
        stack.push({ value: value[key], path: [...path, key] });
      }
    }
  }
  return hits;
}
