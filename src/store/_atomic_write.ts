/**
 * Atomic, private file writes: the data goes to a temporary file in the same
 * directory (mode 0600), is flushed, and replaces the target with one
 * `rename`. A crash at any point leaves either the old file or the new one,
 * never a half-written file. The directory is created with mode 0700, or set
 * to 0700 if it exists and is the user's own (as huggingface_hub does on
 * every write); a shared directory (`/tmp`, `$HOME`, the working directory)
 * is left as it is, with a warning.
 *
 * @module
 */

import { basename, dirname, join } from "../sources/_path.ts";
import { type EnvLike, envNonEmpty } from "../_env.ts";
import { TokenStorageError } from "../errors.ts";

/** Options of {@linkcode atomicWrite}. */
export interface AtomicWriteOptions {
  /** File mode (default 0o600). */
  mode?: number;
  /** Mode of directories created on the way (default 0o700). */
  dirMode?: number;
  /** Test hook: runs after the temporary file is written, before the rename. */
  beforeRename?: (tempPath: string) => void | Promise<void>;
  /** Environment (`HOME`, to leave the home directory's mode alone). Default `Deno.env`. */
  env?: EnvLike;
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

/** Directories already warned about in this process (the warning is said once). */
const warnedDirs = new Set<string>();

/** `a` is `b` or one of its parents. */
function isSameOrParent(a: string, b: string): boolean {
  return a === b || a === "/" || b.startsWith(a.endsWith("/") ? a : a + "/");
}

async function realPathOf(path: string | undefined): Promise<string | undefined> {
  if (!path) return undefined;
  return await Deno.realPath(path).catch(() => undefined);
}

/**
 * Why an existing directory must not be set to 0700, or `undefined` when it is
 * the user's own private place. Shared ones are left as they are: a sticky
 * world-writable directory like `/tmp` (chmod would drop the sticky bit and
 * lock every other user out), any world-writable one, one owned by someone
 * else, `$HOME`, the working directory, or a parent of either (when
 * `HF_TOKEN_PATH` points there).
 */
async function sharedReason(
  dir: string,
  info: Deno.FileInfo,
  env: EnvLike | undefined,
): Promise<string | undefined> {
  const mode = info.mode ?? 0;
  if (mode & 0o1000 && mode & 0o002) {
    return "a shared directory (world-writable, sticky, like /tmp)";
  }
  if (mode & 0o002) return "world-writable";
  const uid = Deno.uid();
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    return `not yours (owned by uid ${info.uid})`;
  }
  if (mode & 0o1000) return "a shared directory (sticky bit set)";
  const real = await realPathOf(dir) ?? dir;
  // The home of the given environment and the process's own (a test or notebook may pass only
  // HF_HOME in `env`).
  const homes = [];
  for (const e of [env, undefined]) {
    const home = await realPathOf(envNonEmpty(e, "HOME") ?? envNonEmpty(e, "USERPROFILE"));
    if (home) homes.push(home);
  }
  if (homes.includes(real)) return "your home directory";
  let cwd: string | undefined;
  try {
    cwd = await realPathOf(Deno.cwd());
  } catch { /* no --allow-read for the working directory */ }
  if (cwd === real) return "the working directory";
  if ([...homes, ...(cwd ? [cwd] : [])].some((place) => isSameOrParent(real, place))) {
    return "a parent of your home or working directory";
  }
  return undefined;
}

/**
 * Creates `dir` (and parents) with `mode` if it does not exist. With
 * `tighten`, an existing directory is set to `mode` too, as huggingface_hub's
 * `_write_secret` does on every write (`path.parent.chmod(0o700)`), but only
 * when it is the user's own private place (see `sharedReason`); a shared one
 * is left as it is, with one warning per process when others can enter it.
 */
export async function ensurePrivateDir(
  dir: string,
  mode = 0o700,
  tighten = false,
  env?: EnvLike,
): Promise<void> {
  try {
    const info = await Deno.stat(dir);
    if (!info.isDirectory) {
      throw new TokenStorageError(
        dir,
        `${dir} exists but is not a directory. Nothing was changed.`,
      );
    }
    const current = (info.mode ?? 0) & 0o7777;
    if (tighten && Deno.build.os !== "windows" && current !== mode) {
      const shared = await sharedReason(dir, info, env);
      if (shared === undefined) {
        await Deno.chmod(dir, mode).catch(() => {}); // refused: leave it, as Python does
      } else if ((current & 0o077) !== 0 && !warnedDirs.has(dir)) {
        warnedDirs.add(dir);
        console.warn(
          `hf-notebook-auth: the token files' directory ${dir} is ${shared} (mode ` +
            `${current.toString(8).padStart(4, "0")}), so it was left as it is (huggingface_hub ` +
            `would set it to 0700). The token files in it are private (0600), but others can see ` +
            `their names; point HF_HOME or HF_TOKEN_PATH at a directory of your own.`,
        );
      }
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
    // The umask can only narrow it (e.g. 0077 leaves 0700; 0277 would leave 0500).
    if (Deno.build.os !== "windows" && ((await Deno.stat(dir)).mode! & 0o777) !== mode) {
      await Deno.chmod(dir, mode);
    }
  } catch (error) {
    throw storageError(dir, "create the directory", error);
  }
}

/** Same inode on the same device (on Windows, where `ino` is null, nothing can be compared). */
function sameFile(a: Deno.FileInfo, b: Deno.FileInfo): boolean {
  if (a.ino === null || b.ino === null) return true;
  return a.ino === b.ino && a.dev === b.dev;
}

/**
 * Sets the mode of the file open as `expected` through a descriptor of its own
 * (`fchmod(2)`), never by path: `Deno.FsFile` has no `chmod`, so this opens the
 * path again with `O_NOFOLLOW`, checks that the descriptor is the same inode,
 * and changes that. Only needed when the umask narrowed a mode we want (the
 * lock file's 0664, or a 0600 file under a `umask 0277`), so `node:fs` (whose
 * compatibility layer costs ~20 ms to load) is imported only then.
 */
async function chmodOpenFile(path: string, expected: Deno.FileInfo, mode: number): Promise<void> {
  if (Deno.build.os === "windows") return;
  const fs = await import("node:fs");
  const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
  const fd = fs.openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  try {
    const info = fs.fstatSync(fd);
    if (Number(info.ino) !== expected.ino || Number(info.dev) !== expected.dev) {
      throw new Error(`${path} was replaced by another file while it was being written`);
    }
    fs.fchmodSync(fd, mode);
  } finally {
    fs.closeSync(fd);
  }
}

/** The writes here are a few hundred bytes, but `write()` may still return short. */
async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
}

/** Reads the whole file back through the handle (it is ours and small). */
async function readBack(file: Deno.FsFile, size: number): Promise<Uint8Array> {
  await file.seek(0, Deno.SeekMode.Start);
  const buffer = new Uint8Array(size + 1);
  let got = 0;
  for (;;) {
    const n = await file.read(buffer.subarray(got));
    if (n === null || n === 0) break;
    got += n;
    if (got === buffer.length) break;
  }
  return buffer.subarray(0, got);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** The error of a write that someone else's process interfered with. */
function tamperedError(path: string, dir: string, what: string): TokenStorageError {
  return new TokenStorageError(
    path,
    `Could not write ${path}: ${what}. Another user or process can write in ${dir}; the token ` +
      `was not written there. Point HF_HOME / HF_TOKEN_PATH at a directory only you can write ` +
      `(mode 0700).`,
  );
}

/**
 * Writes `data` to `path` atomically with a private mode, in a way a local
 * user who can write the directory cannot redirect:
 * - the temporary file is created exclusively (`O_CREAT|O_EXCL`, which never
 *   follows a symlink and fails on any existing name) with its final mode,
 *   so it is a new file that only this process has open; nothing is ever
 *   `chmod`ed by path;
 * - before the rename, the data is read back through the open handle and the
 *   name is checked (`lstat`) to still be that same inode (not a symlink or
 *   another file swapped in);
 * - after the rename, `path` is checked to be that inode; if something else
 *   landed there (a swap in the instant between the check and the rename, the
 *   residual race no POSIX call closes without `renameat2`), that name is
 *   removed again (unlink: never its target) and the write fails, so a
 *   symlink is never left installed as `token` / `stored_tokens`.
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
  const bytes = new TextEncoder().encode(data);
  let file: Deno.FsFile | undefined;
  let ours: Deno.FileInfo | undefined;
  try {
    file = await Deno.open(temp, { read: true, write: true, createNew: true, mode });
    await writeAll(file, bytes);
    await file.syncData();
    ours = await file.stat();
    // The umask can only narrow the creation mode; fix it through the handle's inode, not the path.
    if (Deno.build.os !== "windows" && ((ours.mode ?? 0) & 0o777) !== mode) {
      await chmodOpenFile(temp, ours, mode);
    }
    await options.beforeRename?.(temp);
    // Re-check what is there before the rename: our bytes, under our name, in our inode.
    if (!sameBytes(await readBack(file, bytes.length), bytes)) {
      throw tamperedError(path, dir, "the temporary file's content changed before the rename");
    }
    const named = await Deno.lstat(temp);
    if (!named.isFile || !sameFile(named, ours)) {
      throw tamperedError(
        path,
        dir,
        `the temporary file ${temp} was replaced (by ${
          named.isSymlink ? "a symbolic link" : "another file"
        }) before the rename`,
      );
    }
    await Deno.rename(temp, path);
    const placed = await Deno.lstat(path);
    if (!sameFile(placed, ours)) {
      // Swapped between the check and the rename: whatever our rename put there (a link, a
      // hard link to someone's file) is not the token file; remove that name (never its target).
      await Deno.remove(path).catch(() => {});
      ours = undefined; // the temporary name is no longer ours to remove
      throw tamperedError(path, dir, "another file was put in its place during the rename");
    }
  } catch (error) {
    // Remove the temporary file only if we created it and the name still holds it.
    if (ours) {
      const named = await Deno.lstat(temp).catch(() => undefined);
      if (named && sameFile(named, ours) && named.isFile) await Deno.remove(temp).catch(() => {});
    }
    if (error instanceof TokenStorageError) throw error;
    throw storageError(path, "write", error);
  } finally {
    file?.close();
  }
  // After the write, as huggingface_hub's _write_secret does (path.parent.chmod(0o700)):
  // an existing 0755 directory ends 0700. A directory that refused the write is left alone.
  await ensurePrivateDir(dir, dirMode, true, options.env);
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
    if (created) {
      // The umask narrows it; filelock sets it with fchmod, here through the same inode too.
      const info = await file.stat();
      if (((info.mode ?? 0o664) & 0o777) !== 0o664) {
        await chmodOpenFile(lockPath, info, 0o664).catch(() => {});
      }
    }
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
