/**
 * Reads a file that may hold a secret and classifies every way that can fail
 * (missing, directory, dangling symlink, permission denied), so that each
 * source can report a specific, actionable outcome. Counts reads for the
 * "cached calls do no I/O" guarantee.
 *
 * @module
 */

/** Outcome of reading a secret file. */
export type SecretFileRead =
  | { kind: "ok"; text: string; worldReadable: boolean; mode?: number }
  | { kind: "missing" }
  | { kind: "error"; message: string };

/** Files larger than this are refused without being read (a token is ~37 bytes). */
export const MAX_SECRET_FILE_BYTES = 1 << 20;

class NotUtf8 extends Error {}

/**
 * Decodes a secret file strictly: `Deno.readTextFile` would silently turn a
 * UTF-16 file (Windows Notepad, PowerShell `>`) into replacement characters.
 */
function decodeSecret(bytes: Uint8Array, what: string, path: string): string {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16) {
    throw new NotUtf8(
      `${what} ${path} is UTF-16 text (as Windows Notepad or PowerShell's \`>\` write it), not ` +
        `UTF-8. Save it again as UTF-8, e.g. \`Set-Content -Encoding utf8\` or \`iconv -f UTF-16 ` +
        `-t UTF-8\`.`,
    );
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new NotUtf8(
      `${what} ${path} is not UTF-8 text (${bytes.length} bytes of binary or another encoding). ` +
        `It should hold only the token, as plain text.`,
    );
  }
}

/**
 * Reads `path` as UTF-8 text.
 *
 * @param path Absolute path.
 * @param what How to name the file in messages (e.g. "the token file").
 * @param stats The session's counters (a source passes `ctx.session?.stats`): one read is added.
 */
export async function readSecretFile(
  path: string,
  what: string,
  stats?: { fileReads: number },
): Promise<SecretFileRead> {
  if (stats) stats.fileReads++;
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
  if (!info.isFile) {
    return {
      kind: "error",
      message: `${what} ${path} is not a regular file (a pipe, socket or device); reading it ` +
        `could block forever. Point the setting at the file that holds the token.`,
    };
  }
  if (info.size > MAX_SECRET_FILE_BYTES) {
    return {
      kind: "error",
      message: `${what} ${path} is ${info.size} bytes, far too large to hold a token (the limit ` +
        `is ${MAX_SECRET_FILE_BYTES} bytes); it was not read. Check that the path names the ` +
        `right file.`,
    };
  }
  try {
    const text = decodeSecret(await Deno.readFile(path), what, path);
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
    if (error instanceof NotUtf8) return { kind: "error", message: error.message };
    return { kind: "error", message: `${what} ${path} could not be read: ${String(error)}.` };
  }
}
