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

let hub: Promise<HubModule> | undefined;
let inference: Promise<InferenceModule> | undefined;

/** Loads `@huggingface/hub` once. */
export function loadHubClient(): Promise<HubModule> {
  hub ??= import("@huggingface/hub").catch(() =>
    // deno-lint-ignore no-import-prefix
    import("npm:@huggingface/hub@^2.17") as Promise<HubModule>
  );
  return hub;
}

/** Loads `@huggingface/inference` once. */
export function loadInferenceClient(): Promise<InferenceModule> {
  inference ??= import("@huggingface/inference").catch(() =>
    // deno-lint-ignore no-import-prefix
    import("npm:@huggingface/inference@^4.13") as Promise<InferenceModule>
  );
  return inference;
}
