/**
 * What `scan()` returns: the findings grouped by token, with where each one is and what to do,
 * as a displayable (a table in Jupyter, text in a terminal, JSON for tools). Tokens appear
 * masked only; the report never holds one in a field that is serialised.
 *
 * @module
 */

import { Displayable } from "../display/displayable.ts";
import type { TokenKind } from "./match_tokens.ts";
import type { ScanPart } from "./locate_in_notebook.ts";
import { renderScanHtml, renderScanText } from "./_render.ts";

/** One place a token was found. */
export interface ScanFinding {
  /** The file (as given, or relative to the folder scanned). */
  file: string;
  /** Which token (`T1`, `T2`, … in order of first appearance; see {@linkcode ScanData.tokens}). */
  tokenId: string;
  /** The token, masked (`hf_Ab…xyz`). */
  masked: string;
  /** User access token, OAuth token or legacy org token. */
  kind: TokenKind;
  /** Which part of the file. */
  part: ScanPart;
  /** Where, for people: `cell 3 (code) · output 1 (stream) · stdout, line 2`, or `line 4`. */
  where: string;
  /** Line (1-based): in the file for text files, inside the cell part for notebooks. */
  line?: number;
  /** Column (1-based, bytes) in text files. */
  column?: number;
  /** Cell index (0-based), in a notebook. */
  cell?: number;
  /** Output index (0-based) in the cell, when in an output. */
  output?: number;
  /** The output's type (`stream`, `execute_result`, `display_data`, `error`). */
  outputType?: string;
  /** What to do about it. */
  fix: string;
  /** Whether `--fix` removes it (an output of a notebook that parses). */
  fixable: boolean;
  /** Whether this run removed it (`--fix`), or would (`--dry-run`). */
  removed?: "removed" | "would-remove";
}

/** Whether a token still works, from `--check` (`check: true`). */
export interface TokenStatus {
  /** `live`: the Hub accepts it; `revoked`: the Hub refuses it; `unknown`: no answer. */
  state: "live" | "revoked" | "unknown";
  /** One line: why. */
  reason: string;
  /** The account it belongs to (live tokens). */
  account?: string;
  /** `read`, `write`, `fineGrained` (live tokens). */
  role?: string;
  /** Its name on the settings page (live tokens). */
  tokenName?: string;
}

/** One distinct token. */
export interface ScanToken {
  /** `T1`, `T2`, … */
  id: string;
  /** Masked. */
  masked: string;
  /** Its kind. */
  kind: TokenKind;
  /** How many places hold it. */
  findings: number;
  /** How many files hold it. */
  files: number;
  /** From `--check` only. */
  status?: TokenStatus;
  /** From `--check` only: it is the token this machine uses now (`getToken()`, no prompt). */
  inUse?: boolean;
  /** What to do first about the token itself (a live one: revoke it, then clean the files). */
  advice?: string;
}

/** Codes of {@linkcode ScanNotice}. */
export type ScanNoticeCode =
  | "broken-json"
  | "notebook-too-large"
  | "binary"
  | "not-utf8"
  | "utf16"
  | "large-file"
  | "special-file"
  | "symlink-loop"
  | "broken-symlink"
  | "unreadable"
  | "not-found"
  | "git-error"
  | "fix-skipped";

/** Something about a file worth saying that is not a finding (skipped, searched differently). */
export interface ScanNotice {
  /** The file or folder. */
  file: string;
  /** Machine-readable. */
  code: ScanNoticeCode;
  /** For people. */
  message: string;
}

/** A notebook that `--fix` changed (or would change, with `--dry-run`). */
export interface ScanChange {
  /** The notebook. */
  file: string;
  /** The outputs removed (cell, output, type). */
  removed: { cell: number; output: number; outputType?: string }[];
  /** `true` once written (`--fix`); `false` for `--dry-run`. */
  written: boolean;
  /** Bytes before and after. */
  bytes: { before: number; after: number };
}

/** Everything a scan learned (what `toJSON()` returns). */
export interface ScanData {
  /** What was scanned: the paths, or `git index` for `--staged`. */
  scanned: string[];
  /** Whether the git index was scanned instead of the work tree. */
  staged: boolean;
  /** Files searched. */
  files: number;
  /** Bytes searched. */
  bytes: number;
  /** The findings, in file order. */
  findings: ScanFinding[];
  /** The distinct tokens. */
  tokens: ScanToken[];
  /** Files skipped or searched differently, with why. */
  notices: ScanNotice[];
  /** Whether liveness was checked (`--check`). */
  checked: boolean;
  /** `none`, `dry-run` (shows what `fix` would do) or `fix`. */
  mode: "none" | "dry-run" | "fix";
  /** Notebooks changed (or that would be). */
  changes: ScanChange[];
}

/**
 * What `scan()` returns (the {@linkcode ScanReport} class, described as an interface so the
 * main entry point names no extra class): the findings, grouped by token when rendered.
 */
export interface ScanResult {
  /** Everything the scan learned (what `toJSON()` returns). */
  readonly data: ScanData;
  /** Whether any token was found. */
  readonly found: boolean;
  /** The findings. */
  readonly findings: ScanFinding[];
  /** The distinct tokens. */
  readonly tokens: ScanToken[];
  /** Notices (skipped files, broken JSON, …). */
  readonly notices: ScanNotice[];
  /** The table, grouped by token (rendered by Jupyter). */
  toHtml(): string;
  /** The text form (a terminal). */
  toString(): string;
  /** The data, tokens masked. */
  toJSON(): ScanData;
}

/**
 * The result of `scan()`: renders as a table grouped by token in Jupyter, as text in a
 * terminal, and as {@linkcode ScanData} in JSON. `found` says whether any token was found.
 *
 * @example Usage
 * ```ts
 * import { ScanReport } from "@hf-notebook/auth/scan";
 * import assert from "node:assert/strict";
 *
 * const report = new ScanReport({
 *   scanned: ["."], staged: false, files: 3, bytes: 120, findings: [], tokens: [],
 *   notices: [], checked: false, mode: "none", changes: [],
 * });
 * assert.equal(report.found, false);
 * assert.match(report.toString(), /No Hugging Face token found in 3 files/);
 * ```
 */
export class ScanReport extends Displayable implements ScanResult {
  /** The data. */
  readonly data: ScanData;

  /**
   * Wraps scan data.
   *
   * @param data What the scan learned.
   */
  constructor(data: ScanData) {
    super();
    this.data = data;
  }

  /** Whether any token was found. */
  get found(): boolean {
    return this.data.findings.length > 0;
  }

  /** The findings. */
  get findings(): ScanFinding[] {
    return this.data.findings;
  }

  /** The distinct tokens. */
  get tokens(): ScanToken[] {
    return this.data.tokens;
  }

  /** Notices (skipped files, broken JSON, …). */
  get notices(): ScanNotice[] {
    return this.data.notices;
  }

  /** The table, grouped by token (inline styles only). */
  toHtml(): string {
    return renderScanHtml(this.data);
  }

  /** The text form (controls in file names shown as escapes). */
  override toString(): string {
    return renderScanText(this.data);
  }

  /** The data (tokens masked). */
  toJSON(): ScanData {
    return this.data;
  }
}
