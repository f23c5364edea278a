/**
 * Searching a byte stream for tokens in bounded memory: a file of any size (a 2 GB log, a
 * sparse image) is read in 1 MiB chunks into one reused buffer, with a small carry so that a
 * token split across two reads is still seen. Tokens are ASCII, so bytes are searched as they
 * are: non-UTF-8 text and binary files are searched too. Line numbers are counted in a
 * second pass, only for the files that hold a token.
 *
 * @module
 */

import { CANDIDATE_WINDOW, candidateOffsets, findTokens, type TokenKind } from "./match_tokens.ts";

/** Something to read bytes from (a `Deno.FsFile`, a child process's stdout). */
export interface ByteSource {
  /** Reads into `into`; `null` at the end. */
  read(into: Uint8Array): Promise<number | null>;
  /** Releases it. */
  close(): void | Promise<void>;
}

/** A token found at a byte offset. */
export interface ByteHit {
  /** The token. */
  token: string;
  /** Its kind. */
  kind: TokenKind;
  /** Byte offset of its first character. */
  offset: number;
}

/** What one pass over a stream learned. */
export interface ByteScan {
  /** Tokens found, in order. */
  hits: ByteHit[];
  /** Bytes read. */
  bytes: number;
  /** A NUL byte in the first 8 KiB (git's and ripgrep's test for a binary file). */
  binary: boolean;
  /** The first 64 KiB are not valid UTF-8 (and there is no NUL). */
  notUtf8: boolean;
  /** Starts with a UTF-16 byte-order mark. */
  utf16: "le" | "be" | undefined;
  /** Whether `hf_` / `api_org_` appears at all (a hint that a notebook is worth parsing). */
  anyPrefix: boolean;
  /** The first and last bytes that are not whitespace (a notebook must be `{` … `}`). */
  edges: [number | undefined, number | undefined];
}

/** Read size. */
export const CHUNK_BYTES = 1 << 20;

/** Notebooks larger than this are searched as text, not parsed nor rewritten (64 MiB). */
export const NOTEBOOK_PARSE_LIMIT = 64 * 2 ** 20;
/** Bytes before a candidate given to the matcher (for its lookbehind: ANSI codes, `\n`). */
const BEHIND = 32;
/** Bytes kept from the previous read: the lookbehind of a match plus {@linkcode CANDIDATE_WINDOW}. */
const CARRY = BEHIND + CANDIDATE_WINDOW;
const SNIFF = 8192;
const UTF8_SNIFF = 8192;

/** `bytes` as a Latin-1 string (one character per byte; tokens are ASCII). */
function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return s;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Letters and digits (the body of a token). */
const ALNUM = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) ALNUM[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) ALNUM[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) ALNUM[c] = 1;

/** Length of the run of letters and digits at `from`. */
function alnumRun(bytes: Uint8Array, from: number, end: number): number {
  let p = from;
  while (p < end && ALNUM[bytes[p]] === 1) p++;
  return p - from;
}

/**
 * Whether a token's shape can start at `offset` (a cheap test on the bytes, before the
 * matcher decides): `hf_hub_download` and most other `hf_` words fail it at once.
 */
function mayBeToken(bytes: Uint8Array, offset: number, end: number): boolean {
  const next = (p: number) => p >= end || (ALNUM[bytes[p]] === 0 && bytes[p] !== 0x5f);
  if (bytes[offset] === 0x61) { // api_org_
    const at = offset + 8;
    const n = alnumRun(bytes, at, end);
    return n === 34 && next(at + n);
  }
  const at = offset + 3;
  const n = alnumRun(bytes, at, end);
  if (n === 34 && next(at + n)) return true;
  // hf_oauth_…
  if (n === 5 && bytes[at + 5] === 0x5f && bytes[at] === 0x6f && bytes[at + 1] === 0x61) {
    const m = alnumRun(bytes, at + 6, end);
    return m >= 20 && m <= 80 && next(at + 6 + m);
  }
  return false;
}

/** Reads until `buf` is full or the source ends; returns how many bytes were read. */
async function fill(source: ByteSource, buf: Uint8Array): Promise<number> {
  let n = 0;
  while (n < buf.length) {
    const r = await source.read(buf.subarray(n));
    if (r === null) break;
    n += r;
  }
  return n;
}

/**
 * Reads `source` to the end and returns every token in it (byte offsets), plus what kind of
 * content it looked like. Memory: one {@linkcode CHUNK_BYTES} buffer, whatever the size.
 *
 * @param source Where to read from (not closed here).
 * @param signal Stops between reads.
 * @returns The hits and the content facts.
 */
export async function scanBytes(source: ByteSource, signal?: AbortSignal): Promise<ByteScan> {
  const buf = POOL.pop() ?? new Uint8Array(CARRY + CHUNK_BYTES);
  try {
    return await scanInto(buf, source, signal);
  } finally {
    if (POOL.length < 4) POOL.push(buf);
  }
}

/**
 * Read buffers kept for the next file: allocating (and zeroing) a fresh megabyte per file
 * cost more than the search itself on a tree of small files. Scans that overlap take
 * separate buffers.
 */
const POOL: Uint8Array[] = [];

async function scanInto(
  buf: Uint8Array,
  source: ByteSource,
  signal: AbortSignal | undefined,
): Promise<ByteScan> {
  const hits: ByteHit[] = [];
  let carry = 0; // bytes at buf[0..carry) kept from the previous read, not yet examined
  let base = 0; // file offset of buf[0]
  let first = true;
  const result: ByteScan = {
    hits,
    bytes: 0,
    binary: false,
    notUtf8: false,
    utf16: undefined,
    anyPrefix: false,
    edges: [undefined, undefined],
  };
  for (;;) {
    signal?.throwIfAborted();
    const n = await fill(source, buf.subarray(carry));
    const end = carry + n;
    const atEnd = n < CHUNK_BYTES;
    result.bytes += n;
    if (first) {
      first = false;
      const head = buf.subarray(0, Math.min(end, SNIFF));
      if (head[0] === 0xff && head[1] === 0xfe) result.utf16 = "le";
      else if (head[0] === 0xfe && head[1] === 0xff) result.utf16 = "be";
      result.binary = result.utf16 === undefined && head.indexOf(0) >= 0;
      if (!result.binary && !result.utf16) {
        try {
          new TextDecoder("utf-8", { fatal: true })
            .decode(buf.subarray(0, Math.min(end, UTF8_SNIFF)), { stream: !atEnd });
        } catch {
          result.notUtf8 = true;
        }
      }
    }
    const region = buf.subarray(0, end);
    // A candidate is examined once, when the CANDIDATE_WINDOW bytes after it are in the buffer;
    // the first BEHIND bytes of a carry were examined in the previous round (context only now).
    const limit = atEnd ? end : end - CANDIDATE_WINDOW;
    const skipBelow = carry === 0 ? 0 : BEHIND;
    for (const offset of candidateOffsets(region)) {
      if (offset < skipBelow) continue;
      if (offset >= limit) break;
      result.anyPrefix = true;
      if (!mayBeToken(region, offset, end)) continue;
      const winStart = Math.max(0, offset - BEHIND);
      const window = latin1(region.subarray(winStart, Math.min(end, offset + CANDIDATE_WINDOW)));
      const match = findTokens(window).find((m) => m.index === offset - winStart);
      if (match) hits.push({ token: match.token, kind: match.kind, offset: base + offset });
    }
    for (let p = skipBelow; p < end && result.edges[0] === undefined; p++) {
      if (!isSpace(buf[p])) result.edges[0] = buf[p];
    }
    for (let p = end - 1; p >= 0 && p >= (carry === 0 ? 0 : BEHIND); p--) {
      if (!isSpace(buf[p])) {
        result.edges[1] = buf[p];
        break;
      }
    }
    if (atEnd) break;
    // Keep the last CARRY bytes: BEHIND of them are context, the rest are not yet examined.
    buf.copyWithin(0, end - CARRY, end);
    base += end - CARRY;
    carry = CARRY;
  }
  return result;
}

/**
 * Line and column (1-based, columns in bytes) of each offset, counting `\n` in a second pass
 * over the source.
 *
 * @param source A fresh reader of the same bytes (not closed here).
 * @param offsets Ascending byte offsets.
 * @returns `[line, column]` per offset.
 */
export async function lineColumns(
  source: ByteSource,
  offsets: readonly number[],
): Promise<[number, number][]> {
  const out: [number, number][] = [];
  const buf = new Uint8Array(CHUNK_BYTES);
  let base = 0;
  let line = 1;
  let lineStart = 0;
  let next = 0;
  while (next < offsets.length) {
    const n = await fill(source, buf);
    if (n === 0) break;
    const chunk = buf.subarray(0, n);
    let p = 0;
    while (next < offsets.length && offsets[next] < base + n) {
      const stop = offsets[next] - base;
      for (let i = chunk.indexOf(0x0a, p); i >= 0 && i < stop; i = chunk.indexOf(0x0a, i + 1)) {
        line++;
        lineStart = base + i + 1;
        p = i + 1;
      }
      out.push([line, offsets[next] - lineStart + 1]);
      next++;
    }
    for (let i = chunk.indexOf(0x0a, p); i >= 0; i = chunk.indexOf(0x0a, i + 1)) {
      line++;
      lineStart = base + i + 1;
    }
    base += n;
  }
  return out;
}

/** Line and column (1-based) of a UTF-16 offset in `text`. */
export function lineColumnOf(text: string, index: number): [number, number] {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return [line, index - lineStart + 1];
}

/** Re-exported for callers that search decoded text. */
export { latin1 as latin1Text };
