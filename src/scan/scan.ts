/**
 * `scan()`: finds Hugging Face tokens in notebooks and project files before they are shared.
 *
 * This file holds the public function, its options and docs; the body lives in `_scan_run.ts`
 * and loads on the first call, so importing the main entry point stays cheap.
 *
 * @module
 */

import type { EnvLike } from "../_env.ts";
import type { ScanResult } from "./scan_report.ts";

/** Options of {@linkcode scan}. */
export interface ScanOptions {
  /** Where relative paths start. Default: `Deno.cwd()`. */
  cwd?: string;
  /**
   * Search what `git commit` would record (the git index) instead of the work tree.
   * Default `false`.
   */
  staged?: boolean;
  /** Also search what `.gitignore` ignores, and `node_modules`. Default `false`. */
  noIgnore?: boolean;
  /**
   * Ask the Hub whether each distinct token still works (one whoami-v2 per token), and
   * whether it is the token this machine uses now. Default `false`: nothing is sent anywhere.
   */
  check?: boolean;
  /**
   * Remove the notebook outputs that hold a token (everything else stays byte for byte; the
   * write is atomic). Sources and other files are never rewritten. Default `false`.
   */
  fix?: boolean;
  /** With `fix`: say what would change, change nothing. Default `false`. */
  dryRun?: boolean;
  /** Hub base URL for `check`. Default: `HF_ENDPOINT`, else `https://huggingface.co`. */
  hubUrl?: string;
  /** The fetch for `check`. Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Stops the scan (and the check's requests). */
  signal?: AbortSignal;
  /** Environment for `check` (`HF_ENDPOINT`, `HF_HUB_OFFLINE`, the token sources). Default: `Deno.env`. */
  env?: EnvLike;
}

/**
 * Searches files and folders for Hugging Face tokens (`hf_…` user, fine-grained and OAuth
 * tokens, legacy `api_org_…`): in notebooks cell by cell (sources, every output, attachments,
 * metadata, saved widget state), in every other file line by line. `.git`, `node_modules`
 * and what `.gitignore` ignores are skipped. Placeholders (`hf_xxx…`, `hf_[YOUR_TOKEN_HERE]`),
 * masked tokens and this project's sandbox tokens are not findings.
 *
 * The report renders as a table grouped by token in Jupyter and as text in a terminal; tokens
 * appear masked only. With `check: true` each distinct token is checked with the Hub (live,
 * revoked, unknown); with `fix: true` the outputs that hold a token are removed from the
 * notebooks (`dryRun: true` shows what would change).
 *
 * @example Scan a folder
 * ```ts
 * import { scan } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const token = "hf_" + "N5eUa1SgF6dJh3YcL8nWb4RxK9pZm2Tv7Q"; // built, not written out
 * await Deno.writeTextFile(`${dir}/.env`, `HF_TOKEN=${token}\n`);
 * await Deno.writeTextFile(`${dir}/README.md`, `HF_TOKEN=hf_${"x".repeat(34)}\n`);
 *
 * const report = await scan([dir]);
 * assert.equal(report.found, true);
 * assert.equal(report.findings.length, 1);
 * assert.equal(report.findings[0].where, "line 1");
 * assert.ok(!report.toString().includes(token));
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param paths Files and folders (default: the working directory; with `staged`, path specs).
 * @param options Check, fix, ignore rules, the git index, network options.
 * @returns The report (`found`, `findings`, `tokens`, `notices`).
 */
export async function scan(
  paths: readonly string[] = [],
  options: ScanOptions = {},
): Promise<ScanResult> {
  const { runScan } = await import("./_scan_run.ts");
  return await runScan(paths, options);
}
