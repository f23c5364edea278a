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

/** Test hooks of {@linkcode readSecretFile}. */
export interface ReadSecretFileHooks {
  /** Runs after the path was checked and before it is opened (tests swap the file here). */
  afterCheck?: () => void | Promise<void>;
}

function tooLarge(what: string, path: string, size: string): SecretFileRead {
  return {
    kind: "error",
    message: `${what} ${path} is ${size}, far too large to hold a token (the limit is ` +
      `${MAX_SECRET_FILE_BYTES} bytes); it was not read. Check that the path names the right file.`,
  };
}

function readError(error: unknown, what: string, path: string): SecretFileRead {
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

/** Reads at most `limit + 1` bytes from the handle (one more than allowed tells "too large"). */
async function readAtMost(file: Deno.FsFile, limit: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(limit + 1);
  let got = 0;
  while (got < buffer.length) {
    const n = await file.read(buffer.subarray(got));
    if (n === null || n === 0) break;
    got += n;
  }
  return buffer.subarray(0, got);
}

/**
 * Reads `path` as UTF-8 text. The file is opened once and everything is
 * checked and read through that one handle: its `stat` must be a regular file
 * (the same inode the path check saw), at most {@linkcode MAX_SECRET_FILE_BYTES},
 * and at most that many bytes plus one are read, so a file swapped for a
 * `/dev/zero` link or grown after the check is refused, never read whole.
 *
 * The path is checked (`stat`) before it is opened because opening a FIFO
 * for reading blocks until a writer appears, and `Deno.open` has no
 * `O_NONBLOCK`. The residual: a process that can replace the path in the
 * instant between that check and the open can make the open wait for a
 * writer (it cannot make anything be read: the handle check refuses it).
 * Such a process can already replace the token itself.
 *
 * @param path Absolute path.
 * @param what How to name the file in messages (e.g. "the token file").
 * @param stats The session's counters (a source passes `ctx.session?.stats`): one read is added.
 * @param hooks Test hooks.
 */
export async function readSecretFile(
  path: string,
  what: string,
  stats?: { fileReads: number },
  hooks: ReadSecretFileHooks = {},
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
    return readError(error, what, path);
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
  if (info.size > MAX_SECRET_FILE_BYTES) return tooLarge(what, path, `${info.size} bytes`);
  await hooks.afterCheck?.();
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "missing" };
    return readError(error, what, path);
  }
  try {
    const opened = await file.stat();
    const same = info.ino === null || opened.ino === null ||
      (opened.ino === info.ino && opened.dev === info.dev);
    if (!opened.isFile || !same) {
      return {
        kind: "error",
        message:
          `${what} ${path} changed while it was being read (it is now ${
            opened.isFile ? "another file" : "not a regular file"
          }); it was not read. Another process is replacing it: try again, and check who can ` +
          `write in its directory.`,
      };
    }
    if (opened.size > MAX_SECRET_FILE_BYTES) return tooLarge(what, path, `${opened.size} bytes`);
    const bytes = await readAtMost(file, MAX_SECRET_FILE_BYTES);
    if (bytes.length > MAX_SECRET_FILE_BYTES) {
      return tooLarge(what, path, `more than ${MAX_SECRET_FILE_BYTES} bytes (it grew while read)`);
    }
    const text = decodeSecret(bytes, what, path);
    const mode = opened.mode ?? undefined;
    return { kind: "ok", text, worldReadable: mode !== undefined && (mode & 0o004) !== 0, mode };
  } catch (error) {
    return readError(error, what, path);
  } finally {
    file.close();
  }
}
