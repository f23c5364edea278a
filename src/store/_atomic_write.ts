/**
 * Atomic, private file writes: the data goes to a temporary file in the same
 * directory (mode 0600), is flushed, and replaces the target with one
 * `rename`. A crash at any point leaves either the old file or the new one,
 * never a half-written file. The directory is created with mode 0700, or set
 * to 0700 if it exists (as huggingface_hub does on every write).
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

/**
 * Creates `dir` (and parents) with `mode` if it does not exist. With
 * `tighten`, an existing directory is set to `mode` too (best effort, as
 * huggingface_hub's `_write_secret` does on every write: `path.parent.chmod(0o700)`).
 */
export async function ensurePrivateDir(dir: string, mode = 0o700, tighten = false): Promise<void> {
  try {
    const info = await Deno.stat(dir);
    if (!info.isDirectory) {
      throw new TokenStorageError(
        dir,
        `${dir} exists but is not a directory. Nothing was changed.`,
      );
    }
    if (tighten && Deno.build.os !== "windows" && ((info.mode ?? 0) & 0o777) !== mode) {
      await Deno.chmod(dir, mode).catch(() => {}); // not the owner: leave it, as Python does
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
  const dirMode = options.dirMode ?? 0o700;
  await ensurePrivateDir(dir, dirMode);
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
  // After the write, as huggingface_hub's _write_secret does (path.parent.chmod(0o700)):
  // an existing 0755 directory ends 0700. A directory that refused the write is left alone.
  await ensurePrivateDir(dir, dirMode, true);
}

/** Options of {@linkcode withFileLock}. */
export interface FileLockOptions {
  /** Give up after this long (default 30 s, huggingface_hub's refresh timeout). */
  timeoutMs?: number;
}

/**
 * Runs `fn` while holding an exclusive advisory lock (`flock(2)` through
 * `Deno.FsFile.lock(true)`) on `<path>.lock`: the same lock huggingface_hub
 * takes (`WeakFileLock(HF_STORED_TOKENS_PATH + ".lock")`, python-filelock's
 * `UnixFileLock` = `fcntl.flock(fd, LOCK_EX)`), so a Python refresh and a
 * write here never interleave. The lock file is created with mode 0664 when
 * missing (as filelock does with `mode=0o664`) and never deleted; the kernel
 * releases the lock of a holder that dies, so there is no stale-lock logic.
 *
 * @param path The file the lock protects (`stored_tokens`).
 * @param fn Runs under the lock.
 * @param options Timeout.
 * @returns What `fn` returns.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const lockPath = `${path}.lock`;
  await ensurePrivateDir(dirname(path));
  let file: Deno.FsFile;
  let created = false;
  try {
    try {
      file = await Deno.open(lockPath, { read: true, write: true, createNew: true, mode: 0o664 });
      created = true;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      file = await Deno.open(lockPath, { read: true, write: true });
    }
    if (created) await Deno.chmod(lockPath, 0o664).catch(() => {}); // umask narrows it
  } catch (error) {
    throw storageError(lockPath, "lock", error);
  }
  const locking = file.lock(true);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const outcome = await Promise.race([
      locking.then(() => "locked" as const),
      new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      }),
    ]);
    if (outcome === "timeout") {
      // The blocked flock() finishes when the holder lets go: then close (= unlock) at once.
      locking.then(() => file.close(), () => file.close());
      throw new TokenStorageError(
        lockPath,
        `${lockPath} has been locked for over ${timeoutMs / 1000} s by another process (an ` +
          `\`hf\` command, a Python kernel or another notebook refreshing or saving a token). ` +
          `Nothing was changed. Wait for it to finish and try again; the lock is released when ` +
          `that process ends.`,
      );
    }
  } catch (error) {
    clearTimeout(timer);
    if (error instanceof TokenStorageError) throw error;
    file.close();
    throw storageError(lockPath, "lock", error);
  }
  clearTimeout(timer);
  try {
    return await fn();
  } finally {
    // Closing the descriptor releases the flock; the file stays (it is shared).
    file.close();
  }
}
