/**
 * Finding leaked Hugging Face tokens: the `scan()` behind `hf scan`, and its building blocks —
 * the token matcher (what is a token, what is a placeholder), where a token sits inside a
 * notebook, and the output remover that leaves the rest of a notebook byte for byte.
 *
 * @example Find tokens in a text
 * ```ts
 * import { findTokens } from "@hf-notebook/auth/scan";
 * import assert from "node:assert/strict";
 *
 * const token = "hf_" + "N5eUa1SgF6dJh3YcL8nWb4RxK9pZm2Tv7Q"; // built, not written out
 * assert.equal(findTokens(`login(${JSON.stringify(token)})`).length, 1);
 * assert.equal(findTokens(`login("hf_${"x".repeat(34)}")`).length, 0);
 * ```
 *
 * @module
 */

export { scan } from "./scan.ts";
export type { ScanOptions } from "./scan.ts";
export { ScanReport } from "./scan_report.ts";
export type {
  ScanChange,
  ScanData,
  ScanFinding,
  ScanNotice,
  ScanNoticeCode,
  ScanResult,
  ScanToken,
  TokenStatus,
} from "./scan_report.ts";
export { findTokens, isPlaceholderToken } from "./match_tokens.ts";
export type { TokenKind, TokenMatch } from "./match_tokens.ts";
export { locateInNotebook } from "./locate_in_notebook.ts";
export type { NotebookHit, ScanPart } from "./locate_in_notebook.ts";
export { removeOutputs } from "./remove_outputs.ts";
export type { OutputRef } from "./remove_outputs.ts";
export type { Displayable, MimeBundle } from "../display/displayable.ts";
export type { EnvLike } from "../_env.ts";
