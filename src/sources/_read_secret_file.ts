/**
 * Reads a file that may hold a secret and classifies every way that can fail
 * (missing, directory, dangling symlink, permission denied), so that each
 * source can report a specific, actionable outcome. Counts reads for the
 * "cached calls do no I/O" guarantee.
 *
 * @module
 */

import { sessionState } from "../resolve/session_cache.ts";

/** Outcome of reading a secret file. */
export type SecretFileRead =
  | { kind: "ok"; text: string; worldReadable: boolean; mode?: number }
  | { kind: "missing" }
  | { kind: "error"; message: string };

/**
 * Reads `path` as UTF-8 text.
 *
 * @param path Absolute path.
 * @param what How to name the file in messages (e.g. "the token file").
 */
export async function readSecretFile(path: string, what: string): Promise<SecretFileRead> {
  sessionState().stats.fileReads++;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      try {
        const link = await Deno.lstat(path);
        if (link.isSymlink) {
          const target = await Deno.readLink(path).catch(() => "?");
          return {
            kind: "error",
            message: `${what} ${path} is a symbolic link to ${target}, which does not exist. ` +
              `Point the link at the real file or remove it.`,
          };
        }
      } catch { /* plain missing file */ }
      return { kind: "missing" };
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      return {
        kind: "error",
        message: `${what} ${path} cannot be reached (permission denied on a parent directory).`,
      };
    }
    if (error instanceof Deno.errors.NotCapable) {
      return {
        kind: "error",
        message: `Deno was not given read permission for ${path}; run with --allow-read.`,
      };
    }
    return { kind: "error", message: `${what} ${path} could not be read: ${String(error)}.` };
  }
  if (info.isDirectory) {
    return {
      kind: "error",
      message: `${what} ${path} is a directory, not a file. Remove it or point the setting at ` +
        `the file that holds the token.`,
    };
  }
  try {
    const text = await Deno.readTextFile(path);
    const mode = info.mode ?? undefined;
    return { kind: "ok", text, worldReadable: mode !== undefined && (mode & 0o004) !== 0, mode };
  } catch (error) {
    if (error instanceof Deno.errors.PermissionDenied) {
      return {
        kind: "error",
        message: `${what} ${path} exists but cannot be read (permission denied). Fix its ` +
          `owner/mode (chmod 600 ${path}) or run as the user who owns it.`,
      };
    }
    if (error instanceof Deno.errors.NotCapable) {
      return {
        kind: "error",
        message: `Deno was not given read permission for ${path}; run with --allow-read.`,
      };
    }
    if (error instanceof TypeError || error instanceof Deno.errors.InvalidData) {
      return { kind: "error", message: `${what} ${path} is not UTF-8 text.` };
    }
    return { kind: "error", message: `${what} ${path} could not be read: ${String(error)}.` };
  }
}
