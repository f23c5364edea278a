/**
 * `probe()`: what can this token actually do, and why not. Runs a suite of
 * small real calls (Hub reads through `@huggingface/hub`, tiny inference calls
 * through `@huggingface/inference`) concurrently, each bounded by its own
 * timeout, and returns a {@linkcode ProbeTable} with a verdict, status,
 * latency, reason, fix and the validation's prediction per capability.
 *
 * This file holds the public function, its options and docs; the body lives in
 * `_probe_run.ts` and loads on the first call, so importing the module stays cheap.
 *
 * @module
 */

import type { NetworkOptions } from "../hub/endpoints.ts";
import type { ValidationData } from "../hub/types.ts";
import type { Resolution } from "../resolve/resolution.ts";
import type { SuiteProbe } from "./default_suite.ts";
import type { ProbeTable } from "./probe_table.ts";
import type { ProbeEntry, ProbeFunction, ProbeRow } from "./types.ts";

/**
 * Default number of probes in flight at once.
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_PROBE_CONCURRENCY } from "@hf-notebook/auth/probes";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_PROBE_CONCURRENCY, 6);
 * ```
 */
export const DEFAULT_PROBE_CONCURRENCY = 6;

/**
 * Default time limit of one probe, in milliseconds.
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_PROBE_TIMEOUT_MS } from "@hf-notebook/auth/probes";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_PROBE_TIMEOUT_MS, 15_000);
 * ```
 */
export const DEFAULT_PROBE_TIMEOUT_MS = 15_000;

/** Options of {@linkcode probe}. */
export interface ProbeOptions extends NetworkOptions {
  /** The token to probe. Default: `resolution.token`, else `resolveToken(options)`. */
  token?: string;
  /** A resolution whose token to probe (its source is shown). */
  resolution?: Resolution;
  /**
   * Extra probes, run after the suite: data entries (`{ task, model, provider?, name? }`)
   * or functions `(ctx) => Promise<ProbeResult>`. Their ids start with `custom.`.
   */
  probes?: readonly (ProbeEntry | ProbeFunction)[];
  /** The suite to run (default {@linkcode DEFAULT_SUITE}); `[]` runs only `probes`. */
  suite?: readonly SuiteProbe[];
  /** Run only these probe ids (an id also selects its children: `inference` → `inference.*`). */
  only?: readonly string[];
  /** Leave out these probe ids (same matching as `only`). */
  skip?: readonly string[];
  /** List what would be called, call nothing (rows `skipped`, reason "dry run: would call …"). */
  dryRun?: boolean;
  /** Probes in flight at once (default 6). */
  concurrency?: number;
  /** Time limit of each probe in milliseconds (default 15 000). */
  timeoutMs?: number;
  /**
   * Live output while probing. `"auto"` (default): in a Deno Jupyter kernel the table
   * is shown at once and filled in place; in a terminal (stdout is a TTY) rows are
   * printed as they finish; otherwise nothing. `true` forces it (kernel or stdout),
   * `false` turns it off.
   */
  display?: boolean | "auto";
  /** Called once per row when it finishes (the core hook the live displays build on). */
  onRow?: (row: ProbeRow, table: ProbeTable) => void;
  /**
   * Ask the Hub again instead of reusing the session's answers: a fresh whoami-v2
   * (default: the validation cached by `login()`, `whoami()` or an earlier `probe()`
   * of the same token is reused) and fresh model searches for the suite's rows.
   */
  refresh?: boolean;
  /** Reuse this validation (no whoami call; predictions come from it). */
  validation?: ValidationData;
}

/**
 * Probes what a token can actually do and explains every failure.
 *
 * Runs the default suite (see `src/probes/default_suite.ts`): whoami, reading a
 * public model, gated-model access, seeing your private repos, chat
 * completion, text generation, text/token classification and feature
 * extraction through the real `InferenceClient` with tiny inputs, the seeds'
 * legacy checks (`gpt2`, `microsoft/DialoGPT-small`) and an inferred "write
 * (push)" row (never exercised). Probes run concurrently (6 at a time), each
 * with its own timeout, so one hung endpoint never holds the table past its
 * timeout. Failures are diagnosed by {@linkcode diagnoseFailure}; the token
 * validation's prediction is shown next to each observed outcome. Nothing
 * shown ever contains the token.
 *
 * Requests go to `HF_ENDPOINT` / `HF_INFERENCE_ENDPOINT` (or `hubUrl` /
 * `inferenceUrl`); the token is never sent to any other origin. The token is
 * validated once per session: the whoami-v2 answer cached by `login()`,
 * `whoami()` or an earlier `probe()` is reused (unless `refresh` or
 * `validation` is given), so three `probe()` calls after `login()` send one
 * whoami-v2 in all. If the
 * caller's `signal` aborts, `probe()` rejects with the signal's reason.
 *
 * @example A fine-grained token without the Inference Providers permission
 * ```ts
 * import { probe } from "@hf-notebook/auth";
 * import { PERSONAS, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * await using hub = startSandbox({ quiet: true });
 * const table = await probe({
 *   token: PERSONAS.fineGrainedNoInference.token,
 *   hubUrl: hub.url,
 *   inferenceUrl: hub.inferenceUrl,
 *   env: {},
 *   only: ["hub.whoami", "inference.text-classification"],
 * });
 * assert.deepEqual(table.get("hub.whoami")?.verdict, "ok");
 * const row = table.get("inference.text-classification")!;
 * assert.deepEqual(row.verdict, "failed");
 * assert.match(row.reason!, /Make calls to Inference Providers/);
 * ```
 *
 * @example A custom probe with the task id shown on the model's page
 * ```ts
 * import { probe } from "@hf-notebook/auth";
 * import { PERSONAS, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * await using hub = startSandbox({ quiet: true });
 * const table = await probe({
 *   token: PERSONAS.read.token,
 *   hubUrl: hub.url,
 *   inferenceUrl: hub.inferenceUrl,
 *   env: {},
 *   suite: [],
 *   probes: [{ task: "token-classification", model: "dslim/bert-base-NER" }],
 * });
 * assert.deepEqual(table.rows[0].verdict, "ok");
 * ```
 *
 * @example Dry run: list the calls, make none
 * ```ts
 * import { probe } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const table = await probe({ token: "hf_sandbox_read_alice", dryRun: true, env: {} });
 * assert.ok(table.rows.every((r) => r.verdict === "skipped" && r.reason!.startsWith("dry run")));
 * ```
 *
 * @param options Token, endpoints, suite selection, bounds and display.
 * @returns The complete probe table.
 */
export async function probe(options: ProbeOptions = {}): Promise<ProbeTable> {
  const { runProbe } = await import("./_probe_run.ts");
  return await runProbe(options);
}
