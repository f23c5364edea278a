/**
 * The few path operations the token sources and the store need, without
 * `node:path`: importing any `node:` module initialises Deno's Node
 * compatibility layer, which costs ~15–25 ms at import time (see
 * BENCHMARKS.md). Same results as `node:path` for the paths used here.
 *
 * @module
 */

const WINDOWS = Deno.build.os === "windows";
/** The platform's path separator. */
export const SEP: string = WINDOWS ? "\\" : "/";
const SPLIT = WINDOWS ? /[\\/]+/ : /\/+/;

/** Resolves `.` and `..` segments and repeated separators (like `path.normalize`). */
export function normalize(path: string): string {
  let prefix = "";
  let rest = path;
  if (WINDOWS) {
    const drive = /^[A-Za-z]:/.exec(rest);
    if (drive) {
      prefix = drive[0];
      rest = rest.slice(2);
    }
  }
  const absolute = WINDOWS ? /^[\\/]/.test(rest) : rest.startsWith("/");
  const out: string[] = [];
  for (const segment of rest.split(SPLIT)) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length > 0 && out.at(-1) !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(segment);
  }
  const body = out.join(SEP);
  if (absolute) return prefix + SEP + body;
  return prefix + (body || ".");
}

/** Joins segments and normalises the result (like `path.join`). */
export function join(...parts: string[]): string {
  const nonEmpty = parts.filter((p) => p !== "");
  return nonEmpty.length === 0 ? "." : normalize(nonEmpty.join(SEP));
}

/** The directory part of a path (like `path.dirname`). */
export function dirname(path: string): string {
  const n = normalize(path);
  const i = n.lastIndexOf(SEP);
  if (i < 0) return WINDOWS && /^[A-Za-z]:/.test(n) ? n.slice(0, 2) : ".";
  if (i === 0 || (WINDOWS && i === 2 && n[1] === ":")) return n.slice(0, i + 1);
  return n.slice(0, i);
}

/** The last segment of a path (like `path.basename`). */
export function basename(path: string): string {
  const n = normalize(path);
  return n.slice(n.lastIndexOf(SEP) + 1);
}
