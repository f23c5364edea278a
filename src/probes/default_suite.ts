/**
 * The default probe suite, as data. Edit this file to change what `probe()`
 * checks by default: each entry names one capability, the call that tests it,
 * the model or repo it uses, and what it needs from the token.
 *
 * Rules the suite follows:
 * - every model id is a real Hugging Face Hub id (the sandbox serves the same ids),
 *   so a table means the same thing against huggingface.co and against the sandbox;
 * - inference calls are as small as the task allows (`max_tokens: 1`, a few words);
 * - nothing is ever written: "write (push)" is inferred from the token's role/scopes;
 * - the seeds' legacy checks (`gpt2`, `microsoft/DialoGPT-small`) stay, marked
 *   `legacy`, so the table can explain why they fail today (no provider serves them).
 *
 * @module
 */

import type { ProbeNeed } from "./predict.ts";
import type { ProbeTask } from "./types.ts";

/** The calls a suite entry can make (Hub calls, inference tasks, or an inferred row). */
export type SuiteCall =
  /** `whoami` (the token validation). */
  | "whoami"
  /** `modelInfo()` of a public model. */
  | "modelInfo"
  /** `checkRepoAccess()` then the Hub's `auth-check` on a gated model. */
  | "gatedAccess"
  /** `listModels({ search: { owner: <you> } })`, counting private repos. */
  | "privateRepos"
  /** Inferred from role/scopes; never called. */
  | "inferWrite"
  /** One tiny `InferenceClient` call. */
  | ProbeTask;

/** One entry of a probe suite. */
export interface SuiteProbe {
  /** Stable id for `only` / `skip`. */
  id: string;
  /** Row label. */
  capability: string;
  /** Hub API, Inference Providers router, or inferred without a call. */
  area: "hub" | "inference" | "inferred";
  /** What to call. */
  call: SuiteCall;
  /** Model or repo id (real Hub ids). */
  target?: string;
  /** Provider or policy for inference calls (default `auto`). */
  provider?: string;
  /** What the probe needs from the token (drives the prediction). */
  needs: ProbeNeed;
  /** Kept from older guides; its failure is explained rather than blamed on the token. */
  legacy?: boolean;
}

/**
 * Models used by the default suite, by role (real Hub ids).
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_SUITE, SUITE_MODELS } from "@hf-notebook/auth/probes";
 * import assert from "node:assert/strict";
 *
 * const models: string[] = Object.values(SUITE_MODELS);
 * assert.ok(DEFAULT_SUITE.some((p) => models.includes(p.target ?? "")));
 * ```
 */
export const SUITE_MODELS = {
  /** Public model read by `modelInfo`. */
  publicModel: "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
  /** A gated model (terms must be accepted on its page). */
  gatedModel: "meta-llama/Llama-3.2-1B",
  /** Chat completion (provider `auto`: server-side routing). */
  chat: "meta-llama/Llama-3.1-8B-Instruct",
  /** Plain text generation. */
  textGeneration: "HuggingFaceTB/SmolLM3-3B",
  /** Text classification (sentiment). */
  textClassification: "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
  /** Token classification (NER). */
  tokenClassification: "dslim/bert-base-NER",
  /** Feature extraction (sentence embeddings). */
  featureExtraction: "sentence-transformers/all-MiniLM-L6-v2",
} as const;

/**
 * The default suite: Hub reads, tiny inference calls through the real
 * `@huggingface/inference` client, the seeds' legacy checks and the inferred
 * write row.
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_SUITE } from "@hf-notebook/auth/probes";
 * import assert from "node:assert/strict";
 *
 * assert.ok(DEFAULT_SUITE.some((p) => p.id === "inference.chat"));
 * assert.ok(DEFAULT_SUITE.filter((p) => p.legacy).every((p) => p.area === "inference"));
 * ```
 */
export const DEFAULT_SUITE: readonly SuiteProbe[] = Object.freeze(
  [
    // --- Hub ------------------------------------------------------------------
    {
      id: "hub.whoami",
      capability: "Authentication (whoami)",
      area: "hub",
      call: "whoami",
      needs: "auth",
    },
    {
      id: "hub.model-info",
      capability: "Read a public model",
      area: "hub",
      call: "modelInfo",
      target: SUITE_MODELS.publicModel,
      needs: "public-read",
    },
    {
      id: "hub.gated",
      capability: "Gated model access",
      area: "hub",
      call: "gatedAccess",
      target: SUITE_MODELS.gatedModel,
      needs: "gated-read",
    },
    {
      id: "hub.private-repos",
      capability: "See your private repos",
      area: "hub",
      call: "privateRepos",
      needs: "private-read",
    },
    // --- Inference Providers (tiny inputs) -------------------------------------
    {
      id: "inference.chat",
      capability: "Chat completion",
      area: "inference",
      call: "chatCompletion",
      target: SUITE_MODELS.chat,
      provider: "auto",
      needs: "inference",
    },
    {
      id: "inference.text-generation",
      capability: "Text generation",
      area: "inference",
      call: "textGeneration",
      target: SUITE_MODELS.textGeneration,
      provider: "auto",
      needs: "inference",
    },
    {
      id: "inference.text-classification",
      capability: "Text classification",
      area: "inference",
      call: "textClassification",
      target: SUITE_MODELS.textClassification,
      provider: "auto",
      needs: "inference",
    },
    {
      id: "inference.token-classification",
      capability: "Token classification",
      area: "inference",
      call: "tokenClassification",
      target: SUITE_MODELS.tokenClassification,
      provider: "auto",
      needs: "inference",
    },
    {
      id: "inference.feature-extraction",
      capability: "Feature extraction",
      area: "inference",
      call: "featureExtraction",
      target: SUITE_MODELS.featureExtraction,
      provider: "auto",
      needs: "inference",
    },
    // --- The seeds' legacy checks ------------------------------------------------
    {
      id: "legacy.gpt2",
      capability: "Text generation - GPT2 (legacy)",
      area: "inference",
      call: "textGeneration",
      target: "gpt2",
      provider: "auto",
      needs: "inference",
      legacy: true,
    },
    {
      id: "legacy.dialogpt",
      capability: "Text generation - DialoGPT (legacy)",
      area: "inference",
      call: "textGeneration",
      target: "microsoft/DialoGPT-small",
      provider: "auto",
      needs: "inference",
      legacy: true,
    },
    // --- Inferred, never exercised ----------------------------------------------
    {
      id: "hub.write",
      capability: "Write (push)",
      area: "inferred",
      call: "inferWrite",
      needs: "write",
    },
  ] satisfies SuiteProbe[],
);
