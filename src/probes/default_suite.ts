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
 * - each inference row (but the legacy ones) names a model search (`pick`): the
 *   table uses the most-liked model served right now for that task, found with
 *   one Hub search per task per session, and falls back to the pinned `target`
 *   when the search fails; the row says which model it used and why;
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

/**
 * How a suite row finds a model served right now: the Hub's model search
 * (`GET /api/models?inference_provider=…&pipeline_tag=…&sort=likes`), keeping
 * the most-liked public, ungated model with a `live` provider mapping for `task`.
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_SUITE, type ModelSearch } from "@hf-notebook/auth/probes";
 * import assert from "node:assert/strict";
 *
 * const search: ModelSearch = DEFAULT_SUITE.find((p) => p.id === "inference.chat")!.pick!;
 * assert.equal(search.task, "conversational");
 * ```
 */
export interface ModelSearch {
  /** The Hub's `pipeline_tag` to filter by (e.g. `text-classification`). */
  pipelineTag: string;
  /** The provider-mapping task the call needs (`conversational` for chat). */
  task: string;
  /** `inference_provider` filter: a provider name, or `all` (any provider; default). */
  provider?: string;
}

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
  /** Pick the model with a Hub search; `target` is the fallback when the search fails. */
  pick?: ModelSearch;
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
      // Chat models carry pipeline_tag text-generation; providers map them as "conversational".
      pick: { pipelineTag: "text-generation", task: "conversational", provider: "all" },
    },
    {
      id: "inference.text-generation",
      capability: "Text generation",
      area: "inference",
      call: "textGeneration",
      target: SUITE_MODELS.textGeneration,
      provider: "auto",
      needs: "inference",
      pick: { pipelineTag: "text-generation", task: "text-generation", provider: "all" },
    },
    {
      id: "inference.text-classification",
      capability: "Text classification",
      area: "inference",
      call: "textClassification",
      target: SUITE_MODELS.textClassification,
      provider: "auto",
      needs: "inference",
      pick: {
        pipelineTag: "text-classification",
        task: "text-classification",
        provider: "hf-inference",
      },
    },
    {
      id: "inference.token-classification",
      capability: "Token classification",
      area: "inference",
      call: "tokenClassification",
      target: SUITE_MODELS.tokenClassification,
      provider: "auto",
      needs: "inference",
      pick: {
        pipelineTag: "token-classification",
        task: "token-classification",
        provider: "hf-inference",
      },
    },
    {
      id: "inference.feature-extraction",
      capability: "Feature extraction",
      area: "inference",
      call: "featureExtraction",
      target: SUITE_MODELS.featureExtraction,
      provider: "auto",
      needs: "inference",
      // Embedding models mostly carry pipeline_tag sentence-similarity (all-MiniLM-L6-v2 does);
      // providers serve them for feature-extraction.
      pick: {
        pipelineTag: "sentence-similarity",
        task: "feature-extraction",
        provider: "hf-inference",
      },
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
