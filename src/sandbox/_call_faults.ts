/**
 * The names of the faults for a user's own calls (internal; exported by `faults.ts`).
 *
 * @module
 */

/**
 * The recorded answers to a user's own calls, which the real `InferenceClient` and
 * `@huggingface/hub` functions reach: stream error events after HTTP 200
 * (`stream-error-tgi-legacy`, `stream-error-tgi`, `stream-error-vllm`, …), provider
 * envelopes (`provider-400-openai-error`, `provider-422-problem-json`, …), a paused Inference
 * Endpoint (`endpoint-paused`), Hub writes (`403-create-repo-namespace`, `409-repo-exists`,
 * `429-commit-quota`, `413-commit`, …) and the Space 401 for browser-login tokens
 * (`401-space-oauth`). Each answers as its fixture in
 * `tests/fixtures/real_responses/calls_*.json` (see `RECORDED_FAULTS` in `_recorded.ts`).
 * They are not in `FAULT_NAMES` (whose faults also apply to `whoami-v2`); `parseFault` and
 * `Sandbox.setFault` accept them.
 *
 * @example Usage
 * ```ts
 * import { CALL_FAULT_NAMES, FAULT_NAMES, parseFault } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * assert.ok(CALL_FAULT_NAMES.includes("409-repo-exists"));
 * assert.ok(!(FAULT_NAMES as readonly string[]).includes("409-repo-exists"));
 * assert.deepEqual(parseFault("stream-error-tgi"), { kind: "stream-error-tgi" });
 * ```
 */
export const CALL_FAULT_NAMES = [
  "stream-error-tgi-legacy",
  "stream-error-tgi-legacy-nospace",
  "stream-error-tgi",
  "stream-error-tgi-overloaded",
  "stream-error-vllm",
  "stream-error-sglang",
  "provider-400-openai-error",
  "provider-422-fastapi-detail",
  "provider-400-fastapi-detail-string",
  "provider-422-problem-json",
  "provider-429-openai-rate-limit",
  "hf-inference-400-validation-array",
  "endpoint-paused",
  "endpoint-paused-502",
  "403-create-repo-namespace",
  "403-create-repo-dataset",
  "409-repo-exists",
  "429-commit-quota",
  "429-commit-quota-2023",
  "401-space-oauth",
  "413-too-many-parameters",
  "413-commit",
] as const;

/**
 * One fault for a user's own calls (see {@link CALL_FAULT_NAMES}).
 *
 * @example Usage
 * ```ts
 * import { type CallFaultName, startSandbox } from "@hf-notebook/auth/sandbox";
 *
 * await using hub = startSandbox({ quiet: true });
 * const fault: CallFaultName = "429-commit-quota";
 * hub.setFault({ match: { path: /\/commit\// }, fault, times: 1 });
 * ```
 */
export type CallFaultName = (typeof CALL_FAULT_NAMES)[number];
