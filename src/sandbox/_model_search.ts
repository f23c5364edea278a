/**
 * The sandbox's model search, `GET /api/models`, answered the way huggingface.co
 * answers it (internal).
 *
 * What the real endpoint takes and returns, and where that is written down (the
 * Hub's own page first: hub-docs `docs/inference-providers/hub-api.md`, commit 0968d83,
 * "List models" with `inference_provider` + `pipeline_tag`, comma lists and `all`):
 * - filters `author`, `search` (substring of the id), `pipeline_tag`, `filter`
 *   (repeatable tag), `gated` (`true`/`false`) and `inference_provider` (a
 *   comma-joined list of provider names, or `all` for "served by at least one
 *   provider"): huggingface.js `packages/hub/src/lib/list-models.ts` (commit fe42e68)
 *   and huggingface_hub `hf_api.py` `list_models` (commit ee0a451);
 * - `sort` (`likes`, `downloads`, `createdAt`, `lastModified`, `trendingScore`, `id`),
 *   highest first: huggingface_hub deprecated `direction` (#3630; its docs show
 *   `sort="downloads"` returning the most-downloaded first) and removed it (#3882);
 * - `limit` (huggingface.js never asks for more than 500 per page) and paging with a
 *   `Link: <…>; rel="next"` header that huggingface.js `listModels` follows;
 * - `expand=<key>` (or `expand[]=<key>`), repeatable: "only the properties in the
 *   list will be returned" (huggingface_hub), besides `_id` and `id`;
 * - the answer: a JSON array of `{ _id, id, likes, downloads, private, pipeline_tag,
 *   library_name, tags, createdAt, modelId, … }`; `inferenceProviderMapping` in a
 *   listing is a list of `{ provider, providerId, status, task }` (huggingface.js
 *   `normalizeInferenceProviderMapping.ts`: "API returns a dict on model-info and a
 *   list on list-models").
 *
 * @module
 */

import type { SandboxModel } from "./models.ts";
import { json } from "./_http.ts";

/** Most models one page holds (huggingface.js asks for `min(limit, 500)`). */
const PAGE_MAX = 1000;

const SORTS: Record<string, (m: SandboxModel) => number | string> = {
  likes: (m) => m.likes,
  // The sandbox keeps no history: total likes stand in for recent likes and trending.
  likes30d: (m) => m.likes,
  trendingScore: (m) => m.likes,
  downloads: (m) => m.downloads,
  // The sandbox's models carry no dates: creation order stands in (later = newer).
  createdAt: () => 0,
  lastModified: () => 0,
  id: (m) => m.id,
};

function servedBy(model: SandboxModel, providers: string[]): boolean {
  const live = model.providers.filter((p) => p.status === "live");
  return providers.includes("all")
    ? live.length > 0
    : live.some((p) => providers.includes(p.provider));
}

function tagsOf(model: SandboxModel): string[] {
  return [model.libraryName, model.pipelineTag, "sandbox"];
}

/**
 * Answers `GET /api/models`.
 *
 * @param url The request URL (its query holds the filters).
 * @param models The models, in creation order.
 * @param visible Whether the caller may see a model (private repos).
 * @param shape The listing shape of one model (honours `expand`).
 * @returns The JSON array, with a `Link` header when more pages follow.
 */
export function searchModels(
  url: URL,
  models: readonly SandboxModel[],
  visible: (model: SandboxModel) => boolean,
  shape: (model: SandboxModel) => Record<string, unknown>,
): Response {
  const p = url.searchParams;
  const author = p.get("author");
  const searches = p.getAll("search").map((s) => s.toLowerCase()).filter(Boolean);
  const task = p.get("pipeline_tag");
  const tags = p.getAll("filter");
  const gated = p.get("gated");
  const providers = p.getAll("inference_provider").flatMap((v) => v.split(",")).filter(Boolean);
  let items = models.filter((m) =>
    visible(m) &&
    (!author || m.author === author) &&
    searches.every((s) => m.id.toLowerCase().includes(s)) &&
    (!task || m.pipelineTag === task) &&
    tags.every((t) => tagsOf(m).includes(t) || m.id === t) &&
    (gated === null || (gated === "true") === (m.gated !== false)) &&
    (providers.length === 0 || servedBy(m, providers))
  );
  const sort = SORTS[p.get("sort") ?? ""];
  if (sort) {
    const index = new Map(items.map((m, i) => [m, i]));
    items = [...items].sort((a, b) => {
      const x = sort(a), y = sort(b);
      if (typeof x === "string" && typeof y === "string") return x.localeCompare(y);
      // Highest first; ties keep the newest (last created) first, like the Hub's listing.
      return (y as number) - (x as number) || index.get(b)! - index.get(a)!;
    });
  }
  const limit = Math.min(PAGE_MAX, Math.max(1, Math.floor(Number(p.get("limit"))) || PAGE_MAX));
  const offset = Math.max(0, Number(cursorOffset(p.get("cursor"))) || 0);
  const page = items.slice(offset, offset + limit);
  const headers: Record<string, string> = {};
  if (offset + limit < items.length) {
    const next = new URL(url);
    next.searchParams.set("cursor", btoa(JSON.stringify({ offset: offset + limit })));
    headers.link = `<${next.href}>; rel="next"`;
  }
  return json(200, page.map(shape), headers);
}

function cursorOffset(cursor: string | null): number | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(atob(cursor));
    return typeof value?.offset === "number" ? value.offset : undefined;
  } catch {
    return undefined;
  }
}
