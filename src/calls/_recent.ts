/**
 * The answers the session's recording fetches saw last (internal): `explain()` finds the
 * answer behind an error here (its headers: `Retry-After`, `X-Error-Code`, `RateLimit`…),
 * which the clients' error objects do not keep.
 *
 * @module
 */

import type { ObservedResponse } from "../_observation.ts";
import { privateSlot } from "../resolve/session_cache.ts";

/** How many answers are kept (each holds at most the error body cap). */
const KEEP = 16;

function recent(): ObservedResponse[] {
  return privateSlot<ObservedResponse[]>("calls.recent", () => []);
}

/** Remembers an answer (the oldest is dropped past {@linkcode KEEP}). */
export function remember(observed: ObservedResponse): void {
  const list = recent();
  list.push(observed);
  if (list.length > KEEP) list.splice(0, list.length - KEEP);
}

/** The path of a URL (the endpoint mapping changes the origin, never the path). */
function pathOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url, "http://localhost").pathname;
  } catch {
    return undefined;
  }
}

/** The newest remembered answer with this status (and this URL path, when both are known). */
export function recall(status: number | undefined, url?: string): ObservedResponse | undefined {
  if (status === undefined) return undefined;
  const list = recent();
  const want = pathOf(url);
  for (let i = list.length - 1; i >= 0; i--) {
    const o = list[i];
    if (o.status !== status) continue;
    const have = pathOf(o.url);
    if (want && have && want !== have) continue;
    return o;
  }
  return undefined;
}
