/**
 * The body of `scan()` (loaded on first use by `scan.ts`): walks, searches each file in
 * bounded memory, locates tokens inside notebooks, then checks and fixes when asked.
 *
 * Speed: every file is first searched as bytes for `hf_` / `api_org_` followed by a token's
 * shape; only a notebook that holds one is read whole and parsed, so a tree of clean
 * notebooks costs one read per file.
 *
 * @module
 */

import { maskToken } from "../_mask.ts";
import {
  type ByteSource,
  lineColumnOf,
  lineColumns,
  NOTEBOOK_PARSE_LIMIT,
  scanBytes,
} from "./_byte_scan.ts";
import { checkToken, tokenInUse } from "./_check.ts";
import { type JsonErrorPosition, jsonErrorPosition } from "./_json_error.ts";
import { openBlob, stagedFiles } from "./_staged.ts";
import { walk } from "./_walk.ts";
import { locateInNotebook, type NotebookHit } from "./locate_in_notebook.ts";
import { findTokens, type TokenKind } from "./match_tokens.ts";
import { fixNotebooks } from "./_fix_notebooks.ts";
import { tokenAdvice } from "./_render.ts";
import { NOTEBOOK_FIX, textFix } from "./_advice.ts";
import type { ScanOptions } from "./scan.ts";
import {
  type ScanChange,
  type ScanFinding,
  type ScanNotice,
  ScanReport,
  type ScanToken,
} from "./scan_report.ts";

/** UTF-16 files larger than this are not decoded whole (64 MiB). */
const UTF16_LIMIT = 64 * 2 ** 20;
/** Files larger than this get a notice that they were streamed (256 MiB). */
const LARGE_FILE = 256 * 2 ** 20;

/** A file to search, from the work tree or the git index. */
interface Input {
  display: string;
  /** Work-tree path (absent for staged blobs). */
  path?: string;
  size: number;
  open(): Promise<ByteSource>;
}

class Collector {
  readonly findings: ScanFinding[] = [];
  readonly notices: ScanNotice[] = [];
  readonly changes: ScanChange[] = [];
  /** token → id */
  readonly ids = new Map<string, string>();
  readonly kinds = new Map<string, TokenKind>();
  files = 0;
  bytes = 0;

  idOf(token: string, kind: TokenKind): string {
    let id = this.ids.get(token);
    if (!id) {
      id = `T${this.ids.size + 1}`;
      this.ids.set(token, id);
      this.kinds.set(token, kind);
    }
    return id;
  }

  add(token: string, kind: TokenKind, finding: Omit<ScanFinding, "tokenId" | "masked" | "kind">) {
    this.findings.push({
      tokenId: this.idOf(token, kind),
      masked: maskToken(token),
      kind,
      ...finding,
    });
  }

  notice(file: string, code: ScanNotice["code"], message: string) {
    this.notices.push({ file, code, message });
  }
}

function size(bytes: number): string {
  return bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toFixed(1)} GB`
    : `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

/** The first `known` bytes of `input` (what was scanned; a file grown since is not read further). */
async function readAll(input: Input, known: number): Promise<Uint8Array> {
  const source = await input.open();
  try {
    const parts: Uint8Array[] = [];
    let total = 0;
    while (total < known) {
      const buf = new Uint8Array(Math.max(1, Math.min(known - total, 1 << 24)));
      const n = await source.read(buf);
      if (n === null) break;
      parts.push(buf.subarray(0, n));
      total += n;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) out.set(p, at), at += p.length;
    return out;
  } finally {
    await source.close();
  }
}

/** Adds the findings of decoded text (UTF-16 files) with line numbers. */
function addTextFindings(c: Collector, display: string, text: string) {
  for (const m of findTokens(text)) {
    const [line, column] = lineColumnOf(text, m.index);
    c.add(m.token, m.kind, {
      file: display,
      part: "text",
      where: `line ${line}`,
      line,
      column,
      fix: textFix(display),
      fixable: false,
    });
  }
}

function addNotebookHits(c: Collector, display: string, hits: NotebookHit[], fixable: boolean) {
  for (const h of hits) {
    c.add(h.token, h.kind, {
      file: display,
      part: h.part,
      where: h.where,
      line: h.line,
      cell: h.cell,
      output: h.output,
      outputType: h.outputType,
      fix: NOTEBOOK_FIX[h.part],
      fixable: fixable && h.part === "output",
    });
  }
}

/** The notice for a notebook that is not JSON. */
function brokenJson(at: JsonErrorPosition | undefined, holdsToken: boolean): string {
  const where = at ? ` at line ${at.line}, column ${at.column} (expected ${at.expected})` : "";
  return holdsToken
    ? `not valid JSON${where}: searched as text; findings give lines, --fix leaves it alone.`
    : `not valid JSON${where} (Jupyter cannot open it); searched as text, no token in it.`;
}

/** Searches one file. */
async function searchFile(c: Collector, input: Input, signal?: AbortSignal): Promise<void> {
  let source: ByteSource;
  try {
    source = await input.open();
  } catch (error) {
    const denied = error instanceof Deno.errors.PermissionDenied ||
      error instanceof Deno.errors.NotCapable;
    c.notice(
      input.display,
      "unreadable",
      denied
        ? "cannot be read (permission denied): skipped."
        : `cannot be read (${error}): skipped.`,
    );
    return;
  }
  let scanned;
  try {
    scanned = await scanBytes(source, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    c.notice(input.display, "unreadable", `reading it failed (${error}): skipped.`);
    return;
  } finally {
    await source.close();
  }
  c.files++;
  c.bytes += scanned.bytes;
  const isNotebook = input.display.endsWith(".ipynb");
  if (scanned.bytes > LARGE_FILE) {
    c.notice(
      input.display,
      "large-file",
      `${size(scanned.bytes)}: searched as a stream in 1 MiB pieces (never read whole).`,
    );
  }
  if (scanned.utf16) {
    if (scanned.bytes > UTF16_LIMIT) {
      c.notice(input.display, "utf16", "UTF-16 text larger than 64 MB: not decoded, not searched.");
      return;
    }
    const bytes = await readAll(input, scanned.bytes);
    const text = new TextDecoder(scanned.utf16 === "le" ? "utf-16le" : "utf-16be").decode(bytes);
    c.notice(input.display, "utf16", "UTF-16 text (Windows Notepad?): decoded and searched.");
    addTextFindings(c, input.display, text);
    return;
  }
  if (scanned.binary && !isNotebook) {
    c.notice(
      input.display,
      "binary",
      scanned.hits.length
        ? "a binary file: searched as bytes (a token in it is still a leak)."
        : "a binary file: searched as bytes, nothing found.",
    );
  } else if (scanned.notUtf8) {
    c.notice(
      input.display,
      "not-utf8",
      "not UTF-8 text (Latin-1 or another legacy encoding?): searched as bytes; columns count bytes.",
    );
  }
  const [first, last] = scanned.edges;
  const malformed = first !== 0x7b || last !== 0x7d; // not `{` … `}`: cut short, or not JSON
  if (scanned.hits.length === 0) {
    // A notebook is parsed only when it holds a token; one that cannot be JSON still gets
    // its position reported (the commonest break: a save cut short).
    if (isNotebook && malformed && scanned.bytes <= NOTEBOOK_PARSE_LIMIT) {
      const at = jsonErrorPosition(new TextDecoder().decode(await readAll(input, scanned.bytes)));
      if (at) c.notice(input.display, "broken-json", brokenJson(at, false));
    }
    return;
  }
  if (isNotebook) {
    if (scanned.bytes > NOTEBOOK_PARSE_LIMIT) {
      c.notice(
        input.display,
        "notebook-too-large",
        `a notebook of ${size(scanned.bytes)}: too large to parse (limit 64 MB), searched as ` +
          "text; findings give lines, --fix leaves it alone.",
      );
    } else {
      const text = new TextDecoder().decode(await readAll(input, scanned.bytes));
      let notebook: unknown;
      let parsed = false;
      try {
        notebook = JSON.parse(text);
        parsed = true;
      } catch {
        c.notice(input.display, "broken-json", brokenJson(jsonErrorPosition(text), true));
      }
      if (parsed) {
        const hits = locateInNotebook(notebook);
        if (hits.length > 0) {
          addNotebookHits(c, input.display, hits, input.path !== undefined);
          return;
        }
      }
    }
  }
  const reopened = await input.open();
  let positions: [number, number][];
  try {
    positions = await lineColumns(reopened, scanned.hits.map((h) => h.offset));
  } finally {
    await reopened.close();
  }
  scanned.hits.forEach((h, i) => {
    const [line, column] = positions[i] ?? [undefined, undefined];
    c.add(h.token, h.kind, {
      file: input.display,
      part: "text",
      where: line === undefined ? `byte ${h.offset}` : `line ${line}`,
      line,
      column,
      fix: textFix(input.display),
      fixable: false,
    });
  });
}

/**
 * A work-tree file, read with synchronous reads: a local read is a few microseconds, and the
 * round trip of an asynchronous one through the thread pool cost more than the search on a
 * tree of small files (measured in `tests/bench/scan_bench.ts`). Special files never get
 * here (the walk skips them), so no read can block.
 */
function fileInput(path: string, display: string, size: number): Input {
  return {
    display,
    path,
    size,
    open: () => {
      const file = Deno.openSync(path, { read: true });
      return Promise.resolve({
        read: (into: Uint8Array) => Promise.resolve(file.readSync(into)),
        close: () => file.close(),
      });
    },
  };
}

/** The body of `scan()`. */
export async function runScan(
  paths: readonly string[],
  options: ScanOptions = {},
): Promise<ScanReport> {
  const cwd = options.cwd ?? Deno.cwd();
  const c = new Collector();
  const workPaths = new Map<string, string>();
  if (options.staged) {
    const listed = await stagedFiles(paths, cwd);
    if ("error" in listed) c.notice(cwd, "git-error", listed.error);
    else {
      for (const f of listed.files) {
        options.signal?.throwIfAborted();
        await searchFile(c, {
          display: f.path,
          size: f.size,
          open: () => Promise.resolve(openBlob(f.blob, cwd)),
        }, options.signal);
      }
    }
  } else {
    for await (const item of walk(paths, cwd, options)) {
      if (item.kind === "notice") {
        c.notices.push(item.notice);
        continue;
      }
      workPaths.set(item.display, item.path);
      await searchFile(c, fileInput(item.path, item.display, item.size), options.signal);
    }
  }
  const tokens: ScanToken[] = [...c.ids].map(([token, id]) => {
    const mine = c.findings.filter((f) => f.tokenId === id);
    return {
      id,
      masked: maskToken(token),
      kind: c.kinds.get(token)!,
      findings: mine.length,
      files: new Set(mine.map((f) => f.file)).size,
    };
  });
  if (options.check && tokens.length > 0) {
    const net = {
      hubUrl: options.hubUrl,
      fetch: options.fetch,
      signal: options.signal,
      env: options.env,
      cwd,
    };
    const current = await tokenInUse(net);
    for (const [token, id] of c.ids) {
      const entry = tokens.find((t) => t.id === id)!;
      entry.status = await checkToken(token, net);
      entry.inUse = current === token;
    }
  }
  for (const entry of tokens) entry.advice = tokenAdvice(entry);
  if ((options.fix || options.dryRun) && !options.staged) {
    await fixNotebooks(c, workPaths, !options.fix || options.dryRun === true);
  }
  return new ScanReport({
    scanned: options.staged ? ["git index"] : paths.length ? [...paths] : ["."],
    staged: options.staged ?? false,
    files: c.files,
    bytes: c.bytes,
    findings: c.findings,
    tokens,
    notices: c.notices,
    checked: options.check ?? false,
    mode: options.fix ? (options.dryRun ? "dry-run" : "fix") : options.dryRun ? "dry-run" : "none",
    changes: c.changes,
  });
}
