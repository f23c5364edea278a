/**
 * Atomic, private file writes: the data goes to a temporary file in the same
 * directory (mode 0600), is flushed, and replaces the target with one
 * `rename`. A crash at any point leaves either the old file or the new one,
 * never a half-written file. New directories are created with mode 0700.
 *
 * @module
 */

import { basename, dirname, join } from "../sources/_path.ts";
import { TokenStorageError } from "../errors.ts";

/** Options of {@linkcode atomicWrite}. */
export interface AtomicWriteOptions {
  /** File mode (default 0o600). */
  mode?: number;
  /** Mode of directories created on the way (default 0o700). */
  dirMode?: number;
  /** Test hook: runs after the temporary file is written, before the rename. */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

function storageError(path: string, action: string, error: unknown): TokenStorageError {
  const reason = error instanceof Deno.errors.PermissionDenied
    ? "permission denied"
    : error instanceof Deno.errors.NotCapable
    ? "Deno was not given --allow-write for it"
    : /read-only/i.test(String(error))
    ? "the file system is read-only"
    : String(error);
  return new TokenStorageError(
    path,
    `Could not ${action} ${path}: ${reason}. Nothing was changed. Make the directory writable, ` +
      `or point HF_HOME / HF_TOKEN_PATH at a writable place.`,
    { cause: error },
  );
}

/** Creates `dir` (and parents) with `mode` if it does not exist. Existing directories are left alone. */
export async function ensurePrivateDir(dir: string, mode = 0o700): Promise<void> {
  try {
    const info = await Deno.stat(dir);
    if (!info.isDirectory) {
      throw new TokenStorageError(
        dir,
        `${dir} exists but is not a directory. Nothing was changed.`,
      );
    }
    return;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      if (error instanceof TokenStorageError) throw error;
      throw storageError(dir, "inspect", error);
    }
  }
  try {
    await Deno.mkdir(dir, { recursive: true, mode });
    await Deno.chmod(dir, mode);
  } catch (error) {
    throw storageError(dir, "create the directory", error);
  }
}

/**
 * Writes `data` to `path` atomically with a private mode.
 *
 * @param path Target file.
 * @param data Content.
 * @param options Modes and the test hook.
 */
export async function atomicWrite(
  path: string,
  data: string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const dir = dirname(path);
  await ensurePrivateDir(dir, options.dirMode ?? 0o700);
  const temp = join(dir, `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    const file = await Deno.open(temp, { write: true, createNew: true, mode });
    try {
      await file.write(new TextEncoder().encode(data));
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.chmod(temp, mode); // umask may have narrowed or widened it
    await options.beforeRename?.(temp);
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    if (error instanceof TokenStorageError) throw error;
    throw storageError(path, "write", error);
  }
}

function lockHost(): string {
  try {
    return Deno.hostname();
  } catch {
    return "?";
  }
}

/**
 * True when the lock names a process on this machine that no longer exists
 * (its holder was killed mid-write, e.g. a kernel restart): the lock can be
 * taken over at once instead of after `staleMs`. Only decided on Linux
 * (`/proc`); anywhere else the age rule applies.
 */
async function holderIsDead(lock: string): Promise<boolean> {
  if (Deno.build.os !== "linux") return false;
  const text = await Deno.readTextFile(lock).catch(() => "");
  const match = /^(\d+) (\S+)\n$/.exec(text);
  if (!match || match[2] !== lockHost() || Number(match[1]) === Deno.pid) return false;
  try {
    await Deno.stat(`/proc/${match[1]}`);
    return false;
  } catch (error) {
    return error instanceof Deno.errors.NotFound;
  }
}

/**
 * Runs `fn` while holding `<path>.lock` (an exclusive create), so concurrent
 * writers (in this process or others) read-modify-write one at a time. The
 * lock holds the holder's pid and host; a lock whose holder no longer runs
 * (Linux), or older than `staleMs`, is taken over (its holder died).
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  { timeoutMs = 10_000, staleMs = 30_000 } = {},
): Promise<T> {
  const lock = `${path}.lock`;
  await ensurePrivateDir(dirname(path));
  const started = Date.now();
  for (let delay = 5;; delay = Math.min(delay * 2, 100)) {
    try {
      const file = await Deno.open(lock, { write: true, createNew: true, mode: 0o600 });
      try {
        await file.write(new TextEncoder().encode(`${Deno.pid} ${lockHost()}\n`));
      } finally {
        file.close();
      }
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw storageError(lock, "lock", error);
      const info = await Deno.stat(lock).catch(() => undefined);
      if (
        (info?.mtime && Date.now() - info.mtime.getTime() > staleMs) ||
        await holderIsDead(lock)
      ) {
        await Deno.remove(lock).catch(() => {});
        continue;
      }
      if (Date.now() - started > timeoutMs) {
        throw new TokenStorageError(
          lock,
          `${lock} has been held for over ${timeoutMs / 1000} s by another writer. If no other ` +
            `login is running, delete that file and try again. Nothing was changed.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  try {
    return await fn();
  } finally {
    await Deno.remove(lock).catch(() => {});
  }
}
