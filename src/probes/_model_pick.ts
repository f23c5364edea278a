/**
 * The suite's model search (internal): for an inference row with a `pick`, the
 * most-liked model the Hub lists as served right now for the row's task, found
 * with one request per search per session; the row's pinned `target` when the
 * search fails (network, 4xx/5xx, empty, malformed).
 *
 * The request is the Hub's model search as the official clients send it:
 * `GET {hub}/api/models?inference_provider=…&pipeline_tag=…&sort=likes&limit=…&expand=…`
 * - hub-docs `docs/inference-providers/hub-api.md` (commit 0968d83), "List models":
 *   `?inference_provider=fal-ai&pipeline_tag=text-to-image`, a comma-separated list of
 *   providers, or `inference_provider=all` for "all models served by at least one
 *   inference provider"; its `expand[]=` examples answer `{ _id, id, <expanded keys> }`;
 * - huggingface.js `packages/hub/src/lib/list-models.ts` (commit fe42e68, Aug 2026):
 *   `inference_provider` (comma-joined names), `pipeline_tag`, `sort`, `limit`, one
 *   `expand=<key>` per field; the answer is a JSON array of `{ _id, id, … }`;
 * - huggingface_hub `hf_api.py` `list_models` (commit ee0a451, Aug 2026):
 *   `inference_provider="all"` means "served by at least one provider", and with
 *   `expand` "only the properties in the list will be returned"; sorted lists come
 *   highest first (the `direction` argument was deprecated in #3630 and removed in #3882);
 * - huggingface.js `normalizeInferenceProviderMapping.ts`: `inferenceProviderMapping`
 *   "returns a dict on model-info and a list on list-models"; entries are
 *   `{ provider, providerId, status: "live" | "staging", task }`.
 *
 * @module
 */

import { type Json, obj } from "../_json.ts";
import { shorten } from "../_text.ts";
import { describeLimit, ERROR_BODY_LIMIT, JSON_BODY_LIMIT, readBoundedText } from "../_body.ts";
import type { ModelSearch, SuiteProbe } from "./default_suite.ts";
import { HUB_TASK_IDS } from "./probe_task.ts";
import { redact } from "../_mask.ts";
import { sessionState } from "../resolve/session_cache.ts";

/** The model a row uses and why. */
export interface ModelChoice {
  /** The model id. */
  model: string;
  /** `picked: …` or `pinned fallback: search failed: …` (shown on the row). */
  reason: string;
  /** Whether the search picked it (else it is the pinned fallback). */
  picked: boolean;
}

/** What a successful search found (this is what the session keeps). */
interface Found {
  model: string;
  providers: string[];
}

/** Models asked for per search: enough to skip gated, private and staging ones. */
export const SEARCH_LIMIT = 20;
/** Upper bound of one search, in milliseconds (it is also at most half the probe timeout). */
export const SEARCH_TIMEOUT_MS = 5_000;
const EXPAND = [
  "pipeline_tag",
  "private",
  "gated",
  "likes",
  "downloads",
  "inferenceProviderMapping",
];
const REPO_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;

/** The search request's URL. */
export function searchUrl(hubUrl: string, search: ModelSearch): string {
  const params = new URLSearchParams([
    ["inference_provider", search.provider ?? "all"],
    ["pipeline_tag", search.pipelineTag],
    ["sort", "likes"],
    ["limit", String(SEARCH_LIMIT)],
    ...EXPAND.map((key) => ["expand", key]),
  ]);
  return `${hubUrl}/api/models?${params}`;
}

class SearchFailed extends Error {}

/** The mapping as a list, whichever shape the Hub sent (list on listings, dict on model info). */
function mappingEntries(value: unknown): Json[] {
  if (Array.isArray(value)) return value.map(obj).filter((e): e is Json => !!e);
  const dict = obj(value);
  if (!dict) return [];
  return Object.entries(dict).flatMap(([provider, v]) => {
    const e = obj(v);
    return e ? [{ provider, ...e }] : [];
  });
}

function servedBy(search: ModelSearch): string {
  const p = search.provider ?? "all";
  return p === "all" ? "any Inference Provider" : p;
}

/** Reads the answer; throws `SearchFailed` with the reason the row shows. */
async function readAnswer(
  response: Response,
  search: ModelSearch,
  task: string,
  secrets: readonly (string | undefined)[],
): Promise<Found> {
  // Bounded: a model list is far below the JSON cap, an error answer below the error cap.
  const limit = response.ok ? JSON_BODY_LIMIT : ERROR_BODY_LIMIT;
  const read = await readBoundedText(response, limit).catch((e) => {
    throw new SearchFailed(`the answer was cut off (${e instanceof Error ? e.name : e})`);
  });
  if (read.truncated) {
    throw new SearchFailed(
      `answer larger than ${describeLimit(limit)}: a proxy or a broken server`,
    );
  }
  const text = read.text;
  if (!response.ok) {
    let detail = response.headers.get("x-error-message") ?? "";
    try {
      const body = obj(JSON.parse(text));
      const error = body?.error;
      detail ||= typeof error === "string" ? error : "";
    } catch {
      // not JSON: the status says enough
    }
    throw new SearchFailed(
      `the Hub answered ${response.status}${detail ? ` (${shorten(detail, 80, secrets)})` : ""}`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const type = response.headers.get("content-type") ?? "no content type";
    throw new SearchFailed(`the answer is not JSON (${type}, ${text.length} bytes)`);
  }
  if (!Array.isArray(body)) throw new SearchFailed("the answer is not a list of models");
  if (body.length === 0) {
    throw new SearchFailed(
      `the Hub listed no model with pipeline tag ${search.pipelineTag} served by ${
        servedBy(search)
      }`,
    );
  }
  const items = body.map(obj);
  if (items.some((m) => !m || typeof m.id !== "string")) {
    throw new SearchFailed("the answer is not a list of models (an entry has no id)");
  }
  const wanted = search.provider ?? "all";
  const candidates = (items as Json[]).flatMap((m, index) => {
    const id = m.id as string;
    if (!REPO_ID.test(id) || m.private === true || (m.gated !== undefined && m.gated !== false)) {
      return [];
    }
    const providers = mappingEntries(m.inferenceProviderMapping)
      .filter((e) =>
        e.status === "live" && e.task === search.task && typeof e.provider === "string" &&
        (wanted === "all" || e.provider === wanted)
      )
      .map((e) => e.provider as string);
    if (providers.length === 0) return [];
    const likes = typeof m.likes === "number" ? m.likes : -1;
    return [{ model: id, providers, likes, index }];
  });
  if (candidates.length === 0) {
    throw new SearchFailed(
      `none of the ${items.length} models listed is public, ungated and live on ${
        servedBy(search)
      } for ${task}`,
    );
  }
  // The Hub sorts by likes already; re-sorting (stable) keeps "most-liked" true either way.
  candidates.sort((a, b) => b.likes - a.likes || a.index - b.index);
  return { model: candidates[0].model, providers: candidates[0].providers };
}

/** Options of {@linkcode chooseModel}. */
export interface ChooseOptions {
  /** Hub base URL (no trailing slash). */
  hubUrl: string;
  /** The token (sent to the Hub only; `fetch` is the guarded one). */
  token: string;
  /** A guarded fetch (the token reaches only the configured origins). */
  fetch: typeof fetch;
  /** The caller's signal: aborting it aborts the search. */
  signal?: AbortSignal;
  /** The probe's timeout; the search takes at most half of it (and at most 5 s). */
  timeoutMs: number;
  /** Search again even if the session has an answer. */
  refresh?: boolean;
}

function searchKey(hubUrl: string, search: ModelSearch): string {
  return [hubUrl, search.provider ?? "all", search.pipelineTag, search.task].join("\n");
}

function pickedChoice(probe: SuiteProbe, found: Found): ModelChoice {
  const search = probe.pick!;
  const by = search.provider && search.provider !== "all"
    ? search.provider
    : found.providers.slice(0, 3).join(", ") +
      (found.providers.length > 3 ? ` +${found.providers.length - 3}` : "");
  return {
    model: found.model,
    reason: `picked: most-liked model served by ${by} for ${taskId(probe)}`,
    picked: true,
  };
}

/** The session's pick for a row, if a search already answered (no request). */
export function knownChoice(probe: SuiteProbe, hubUrl: string): ModelChoice | undefined {
  if (!probe.pick) return undefined;
  const found = sessionState().modelPicks?.get(searchKey(hubUrl, probe.pick))?.found;
  return found ? pickedChoice(probe, found as Found) : undefined;
}

/** The Hub task id of a row (`textClassification` → `text-classification`). */
function taskId(probe: SuiteProbe): string {
  const found = Object.entries(HUB_TASK_IDS).find(([, method]) => method === probe.call);
  return found ? found[0] : String(probe.call);
}

/**
 * The model a suite row uses: the search's pick, or the pinned `target` with the
 * reason the search failed. Rejects only when the caller's signal aborts.
 */
export async function chooseModel(probe: SuiteProbe, options: ChooseOptions): Promise<ModelChoice> {
  const search = probe.pick!;
  const task = taskId(probe);
  const state = sessionState();
  const picks = state.modelPicks ??= new Map();
  const key = searchKey(options.hubUrl, search);
  let pending = options.refresh ? undefined : picks.get(key)?.pending as Promise<Found> | undefined;
  if (!pending) {
    const limit = Math.max(1, Math.min(SEARCH_TIMEOUT_MS, Math.floor(options.timeoutMs / 2)));
    const timeout = AbortSignal.timeout(limit);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    pending = (async () => {
      let response: Response;
      try {
        state.stats.requests++;
        // Raced with the signal too: a fetch that ignores it cannot hold the row.
        response = await Promise.race([
          options.fetch(searchUrl(options.hubUrl, search), {
            headers: { accept: "application/json", authorization: `Bearer ${options.token}` },
            signal,
          }),
          new Promise<never>((_, reject) => {
            if (signal.aborted) reject(signal.reason);
            signal.addEventListener("abort", () => reject(signal.reason), { once: true });
          }),
        ]);
      } catch (error) {
        if (options.signal?.aborted) throw error;
        if (timeout.aborted) throw new SearchFailed(`no answer within ${limit / 1000} s`);
        const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new SearchFailed(`the request failed (${shorten(what, 80, [options.token])})`);
      }
      return await readAnswer(response, search, task, [options.token]);
    })();
    const entry: { pending: Promise<unknown>; found?: unknown } = { pending };
    picks.set(key, entry);
    // Only an answer stays for the session: a failed search is tried again next time.
    pending.then((found) => entry.found = found, () => {
      if (picks.get(key) === entry) picks.delete(key);
    });
  }
  try {
    return pickedChoice(probe, await pending);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    const why = error instanceof SearchFailed ? error.message : `the search failed (${
      shorten(
        error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        80,
        [options.token],
      )
    })`;
    return {
      model: probe.target ?? "",
      reason: redact(`pinned fallback: search failed: ${why}`, [options.token]),
      picked: false,
    };
  }
}

/** What a dry run says about a row's model. */
export function describeChoice(probe: SuiteProbe, hubUrl: string): string {
  return `GET ${searchUrl(hubUrl, probe.pick!)} (model search; pinned fallback ${probe.target})`;
}
