/**
 * Task names the probe API accepts: the task ids the Hub shows on every model
 * page (`text-classification`, …, plus `chat-completion`, the Inference
 * Providers task of chat models) and the `InferenceClient` method names
 * (`textClassification`, …). Both spellings name the same tiny call.
 *
 * @module
 */

import { UnknownProbeTaskError } from "../errors.ts";
import type { ProbeTask } from "./types.ts";

/**
 * The Hub's task ids and the client method each one calls.
 *
 * @example Usage
 * ```ts
 * import { HUB_TASK_IDS } from "@hf-notebook/auth/probes";
 * import assert from "node:assert/strict";
 *
 * assert.equal(HUB_TASK_IDS["text-classification"], "textClassification");
 * ```
 */
export const HUB_TASK_IDS: Readonly<Record<HubTaskId, ProbeTask>> = Object.freeze(
  {
    "chat-completion": "chatCompletion",
    "text-generation": "textGeneration",
    "text-classification": "textClassification",
    "token-classification": "tokenClassification",
    "feature-extraction": "featureExtraction",
  } as const satisfies Record<string, ProbeTask>,
);

/**
 * A task id as the Hub spells it (`text-classification`).
 *
 * @example Usage
 * ```ts
 * import type { HubTaskId } from "@hf-notebook/auth/probes";
 *
 * const task: HubTaskId = "feature-extraction";
 * ```
 */
export type HubTaskId =
  | "chat-completion"
  | "text-generation"
  | "text-classification"
  | "token-classification"
  | "feature-extraction";

/**
 * Every accepted task name: the Hub's ids first, then the client method names.
 *
 * @example Usage
 * ```ts
 * import { PROBE_TASK_NAMES } from "@hf-notebook/auth/probes";
 * import assert from "node:assert/strict";
 *
 * assert.ok(PROBE_TASK_NAMES.includes("chat-completion"));
 * assert.ok(PROBE_TASK_NAMES.includes("chatCompletion"));
 * ```
 */
export const PROBE_TASK_NAMES: readonly string[] = Object.freeze([
  ...Object.keys(HUB_TASK_IDS),
  ...Object.values(HUB_TASK_IDS),
]);

/**
 * The client method a task name calls, or `undefined` for an unknown name.
 *
 * @example Usage
 * ```ts
 * import { probeTask } from "@hf-notebook/auth/probes";
 * import assert from "node:assert/strict";
 *
 * assert.equal(probeTask("token-classification"), "tokenClassification");
 * assert.equal(probeTask("tokenClassification"), "tokenClassification");
 * assert.equal(probeTask("summarization"), undefined);
 * ```
 *
 * @param name A Hub task id or a client method name.
 * @returns The method name, or `undefined`.
 */
export function probeTask(name: string): ProbeTask | undefined {
  if (Object.hasOwn(HUB_TASK_IDS, name)) return HUB_TASK_IDS[name as HubTaskId];
  return (Object.values(HUB_TASK_IDS) as string[]).includes(name) ? name as ProbeTask : undefined;
}

/**
 * Like {@linkcode probeTask}, but an unknown name throws.
 *
 * @example Usage
 * ```ts
 * import { UnknownProbeTaskError } from "@hf-notebook/auth/probes";
 * import { requireProbeTask } from "@hf-notebook/auth/probes";
 * import assert from "node:assert/strict";
 *
 * assert.equal(requireProbeTask("chat-completion", "probes[0]"), "chatCompletion");
 * assert.throws(() => requireProbeTask("chat", "probes[0]"), UnknownProbeTaskError);
 * ```
 *
 * @param name A Hub task id or a client method name.
 * @param where Which probe named it, for the message.
 * @returns The method name.
 * @throws {UnknownProbeTaskError} for any other name (the message lists the valid ones).
 */
export function requireProbeTask(name: unknown, where: string): ProbeTask {
  const task = typeof name === "string" ? probeTask(name) : undefined;
  if (!task) throw new UnknownProbeTaskError(String(name), PROBE_TASK_NAMES, where);
  return task;
}
