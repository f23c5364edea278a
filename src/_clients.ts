/**
 * Lazy loaders for the Hugging Face clients. Importing this module costs
 * nothing; the clients load on first use. The bare specifiers resolve through
 * `deno.json` `imports` (or the importing project's own import map); where no
 * import map applies — a notebook outside this project importing `mod.ts` by
 * path or URL — the pinned `npm:` specifiers are used instead, so the module
 * works wherever it is imported from.
 *
 * @module
 */

type HubModule = typeof import("@huggingface/hub");
type InferenceModule = typeof import("@huggingface/inference");

// The specifiers are held in variables on purpose: a literal `import("npm:…")` is part of
// the static module graph, which makes Deno set up npm resolution when mod.ts is imported
// (~20 ms measured, see BENCHMARKS.md). Through a variable, npm is touched on first use only.
const HUB = ["@huggingface/hub", "npm:@huggingface/hub@^2.17"] as const;
const INFERENCE = ["@huggingface/inference", "npm:@huggingface/inference@^4.13"] as const;

// `deno publish` warns "unable to analyze dynamic import" about the two `import()` calls below
// (and cannot rewrite them), on purpose: a literal specifier would put npm on mod.ts's import
// path (above). They need no rewriting: published on JSR, the bare `mapped` specifier resolves
// only through the importing project's own import map (so a pinned version there wins), and
// when that fails the `pinned` `npm:` specifier resolves at runtime without any import map,
// which is what the warning asks for. tests/import_anywhere_test.ts runs that path (mod.ts
// imported by URL from a directory without deno.json).
/** Imports `mapped` (through an import map), else the `pinned` `npm:` specifier (also `_qr.ts`). */
export function load<T>([mapped, pinned]: readonly [string, string]): Promise<T> {
  return (import(mapped) as Promise<T>).catch(() => import(pinned) as Promise<T>);
}

let hub: Promise<HubModule> | undefined;
let inference: Promise<InferenceModule> | undefined;

/** Loads `@huggingface/hub` once. */
export function loadHubClient(): Promise<HubModule> {
  hub ??= load<HubModule>(HUB);
  return hub;
}

/** Loads `@huggingface/inference` once. */
export function loadInferenceClient(): Promise<InferenceModule> {
  inference ??= load<InferenceModule>(INFERENCE);
  return inference;
}
