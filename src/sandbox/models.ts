/**
 * Sandbox models as data: which repos exist on the sandbox hub, who may read
 * them, and which Inference Providers serve them (the `inferenceProviderMapping`
 * the real Hub returns for `?expand[]=inferenceProviderMapping`).
 *
 * @module
 */

/**
 * Tasks the sandbox router can answer.
 *
 * @example Usage
 * ```ts
 * import { findModel, type SandboxTask } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const task: SandboxTask = "token-classification";
 * assert.equal(findModel("dslim/bert-base-NER")?.providers[0].task, task);
 * ```
 */
export type SandboxTask =
  | "conversational"
  | "text-generation"
  | "text-classification"
  | "token-classification"
  | "feature-extraction"
  | "text-to-image";

/**
 * One provider serving a model (an `inferenceProviderMapping` entry).
 *
 * @example Usage
 * ```ts
 * import { findModel, type ProviderMapping } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const only: ProviderMapping[] = findModel("sandbox/provider-only")!.providers;
 * assert.deepEqual(only.map((p) => p.provider), ["together"]);
 * ```
 */
export interface ProviderMapping {
  /** Provider name as huggingface.js spells it, e.g. `hf-inference`, `together`. */
  provider: string;
  /** The model id on the provider's side. */
  providerId: string;
  /** The task the provider serves the model for. */
  task: SandboxTask;
  /** `live` or `staging`. */
  status: "live" | "staging";
}

/**
 * A repo on the sandbox hub.
 *
 * @example Usage
 * ```ts
 * import { findModel, type SandboxModel } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const model: SandboxModel = findModel("sandbox/private-model")!;
 * assert.equal(model.private, true);
 * ```
 */
export interface SandboxModel {
  /** Canonical repo id, e.g. `sandbox/tiny-chat`. */
  id: string;
  /** Legacy ids that resolve to this repo (e.g. `gpt2`). */
  aliases?: string[];
  /** Owner (user or org name). */
  author: string;
  /** The Hub's `pipeline_tag`. */
  pipelineTag: string;
  /** The Hub's `library_name`. */
  libraryName: string;
  /** Private repos are visible only to their owner (and org members). */
  private: boolean;
  /** Gated repos need accepted terms to download files. */
  gated: false | "auto" | "manual";
  /** Users who accepted the gated repo's terms. */
  acceptedBy?: string[];
  /** Providers serving the model; empty means "not deployed by any Inference Provider". */
  providers: ProviderMapping[];
  /** Answer 503 "currently loading" to this many inference calls per sandbox, then serve. */
  loadingFor?: number;
  /** Download count shown in model info. */
  downloads: number;
  /** Like count shown in model info. */
  likes: number;
  /** One line: what this model demonstrates. */
  demonstrates: string;
}

const live = (provider: string, providerId: string, task: SandboxTask): ProviderMapping => ({
  provider,
  providerId,
  task,
  status: "live",
});

/**
 * Every model on the sandbox hub.
 *
 * @example Usage
 * ```ts
 * import { MODELS } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * const gpt2 = MODELS.find((m) => m.id === "openai-community/gpt2")!;
 * assert.deepEqual(gpt2.providers, []); // what huggingface.co reports today
 * ```
 */
export const MODELS: readonly SandboxModel[] = Object.freeze(
  [
    {
      id: "sandbox/tiny-chat",
      // The default probe suite names this real Hub model; the sandbox serves it here.
      aliases: ["meta-llama/Llama-3.1-8B-Instruct"],
      author: "sandbox",
      pipelineTag: "text-generation",
      libraryName: "transformers",
      private: false,
      gated: false,
      providers: [
        live("hf-inference", "sandbox/tiny-chat", "conversational"),
        live("together", "sandbox/tiny-chat-turbo", "conversational"),
      ],
      downloads: 1234,
      likes: 56,
      demonstrates: "chat, served by hf-inference and together",
    },
    {
      id: "sandbox/tiny-completion",
      // The default probe suite names this real Hub model; the sandbox serves it here.
      aliases: ["HuggingFaceTB/SmolLM3-3B"],
      author: "sandbox",
      pipelineTag: "text-generation",
      libraryName: "transformers",
      private: false,
      gated: false,
      providers: [
        live("hf-inference", "sandbox/tiny-completion", "text-generation"),
        live("together", "sandbox/tiny-completion-turbo", "text-generation"),
      ],
      downloads: 321,
      likes: 4,
      demonstrates: "plain text generation (completions), hf-inference and together",
    },
    {
      id: "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
      aliases: ["distilbert-base-uncased-finetuned-sst-2-english"],
      author: "distilbert",
      pipelineTag: "text-classification",
      libraryName: "transformers",
      private: false,
      gated: false,
      providers: [
        live(
          "hf-inference",
          "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
          "text-classification",
        ),
      ],
      downloads: 3_000_000,
      likes: 800,
      demonstrates: "text classification (sentiment) on hf-inference",
    },
    {
      id: "dslim/bert-base-NER",
      author: "dslim",
      pipelineTag: "token-classification",
      libraryName: "transformers",
      private: false,
      gated: false,
      providers: [live("hf-inference", "dslim/bert-base-NER", "token-classification")],
      downloads: 2_000_000,
      likes: 600,
      demonstrates: "token classification (NER) on hf-inference",
    },
    {
      id: "sentence-transformers/all-MiniLM-L6-v2",
      author: "sentence-transformers",
      pipelineTag: "sentence-similarity",
      libraryName: "sentence-transformers",
      private: false,
      gated: false,
      providers: [
        live("hf-inference", "sentence-transformers/all-MiniLM-L6-v2", "feature-extraction"),
      ],
      downloads: 90_000_000,
      likes: 3000,
      demonstrates: "feature extraction (384-dim embeddings) on hf-inference",
    },
    {
      id: "sandbox/tiny-image",
      author: "sandbox",
      pipelineTag: "text-to-image",
      libraryName: "diffusers",
      private: false,
      gated: false,
      providers: [
        live("fal-ai", "fal-ai/sandbox-tiny-image", "text-to-image"),
        live("nscale", "sandbox/tiny-image-nscale", "text-to-image"),
        live("replicate", "sandbox/tiny-image", "text-to-image"),
      ],
      downloads: 321,
      likes: 7,
      demonstrates: "text-to-image on fal-ai, nscale and replicate (answered by recorded faults)",
    },
    {
      id: "sandbox/provider-only",
      author: "sandbox",
      pipelineTag: "text-generation",
      libraryName: "transformers",
      private: false,
      gated: false,
      providers: [live("together", "sandbox/provider-only-turbo", "conversational")],
      downloads: 42,
      likes: 1,
      demonstrates: "served only by together: hf-inference calls fail",
    },
    {
      id: "openai-community/gpt2",
      aliases: ["gpt2"],
      author: "openai-community",
      pipelineTag: "text-generation",
      libraryName: "transformers",
      private: false,
      gated: false,
      providers: [],
      downloads: 10_000_000,
      likes: 2900,
      demonstrates: "seed model: no Inference Provider serves it (empty mapping)",
    },
    {
      id: "microsoft/DialoGPT-small",
      author: "microsoft",
      pipelineTag: "text-generation",
      libraryName: "transformers",
      private: false,
      gated: false,
      providers: [],
      downloads: 50_000,
      likes: 120,
      demonstrates: "seed model: no Inference Provider serves it (empty mapping)",
    },
    {
      id: "sandbox/gated-model",
      // The default probe suite names this real Hub model; the sandbox serves it here.
      aliases: ["meta-llama/Llama-3.2-1B"],
      author: "sandbox",
      pipelineTag: "text-generation",
      libraryName: "transformers",
      private: false,
      gated: "manual",
      acceptedBy: ["sandbox-pat"],
      providers: [],
      downloads: 77,
      likes: 9,
      demonstrates: "gated: info is public, files/auth-check 403 until terms are accepted",
    },
    {
      id: "sandbox/private-model",
      author: "sandbox",
      pipelineTag: "text-classification",
      libraryName: "transformers",
      private: true,
      gated: false,
      providers: [],
      downloads: 0,
      likes: 0,
      demonstrates: "private to org sandbox: 404 Repository not found for everyone else",
    },
    {
      id: "sandbox/loading-model",
      author: "sandbox",
      pipelineTag: "text-classification",
      libraryName: "transformers",
      private: false,
      gated: false,
      providers: [live("hf-inference", "sandbox/loading-model", "text-classification")],
      loadingFor: 2,
      downloads: 5,
      likes: 0,
      demonstrates: "first 2 inference calls per sandbox: 503 currently loading, then ready",
    },
    {
      id: "sandbox/gated-chat",
      author: "sandbox",
      pipelineTag: "text-generation",
      libraryName: "transformers",
      private: false,
      gated: "manual",
      acceptedBy: [],
      providers: [live("together", "sandbox/gated-chat-turbo", "conversational")],
      downloads: 9000,
      likes: 5000,
      demonstrates: "the most-liked chat model, but gated: the suite's model search skips it",
    },
  ] satisfies SandboxModel[],
);

/**
 * Finds a model by id or alias (the Hub resolves renamed repos such as `gpt2`).
 *
 * @example Usage
 * ```ts
 * import { findModel } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(findModel("gpt2")?.id, "openai-community/gpt2");
 * assert.deepEqual(findModel("nobody/nothing"), undefined);
 * ```
 *
 * @param id A repo id or alias.
 * @returns The model, or `undefined`.
 */
export function findModel(id: string): SandboxModel | undefined {
  return MODELS.find((m) => m.id === id || m.aliases?.includes(id));
}
