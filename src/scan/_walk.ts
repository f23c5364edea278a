/**
 * Walking the paths to scan: files as given, folders recursively. `.git` and `node_modules`
 * are skipped, and so is what `.gitignore` ignores: inside a git work tree the file list comes
 * from `git ls-files --cached --others --exclude-standard` (git's own rules: nested
 * `.gitignore`s, negations, `.git/info/exclude`, `core.excludesFile`; a tracked file counts
 * even if a pattern matches it, since it is committed), outside one nothing is committed and
 * no ignore file applies. Special files (FIFOs, sockets, devices) are never opened (a FIFO
 * would block); symlinks to folders are followed once (a loop is reported, not walked).
 *
 * @module
 */

import type { ScanNotice } from "./scan_report.ts";

/** A file to search. */
export interface WalkFile {
  kind: "file";
  /** Path to open. */
  path: string;
  /** Path to show. */
  display: string;
  /** Size in bytes (-1: not asked for; the search counts the bytes). */
  size: number;
}

/** What the walk yields. */
export type WalkItem = WalkFile | { kind: "notice"; notice: ScanNotice };

/** Options of {@linkcode walk}. */
export interface WalkOptions {
  /** Also search what `.gitignore` ignores, and `node_modules`. */
  noIgnore?: boolean;
  /** Stops the walk. */
  signal?: AbortSignal;
}

const ALWAYS_SKIPPED = new Set([".git"]);
const SKIPPED_UNLESS_ASKED = new Set(["node_modules"]);

function join(dir: string, name: string): string {
  return dir === "." ? name : dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

function notice(file: string, code: ScanNotice["code"], message: string): WalkItem {
  return { kind: "notice", notice: { file, code, message } };
}

function specialKind(info: Deno.FileInfo): string {
  return info.isFifo
    ? "a FIFO (named pipe)"
    : info.isSocket
    ? "a socket"
    : info.isCharDevice
    ? "a character device"
    : info.isBlockDevice
    ? "a block device"
    : "not a regular file";
}

function errorNotice(display: string, error: unknown, what: string): WalkItem {
  if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
    return notice(display, "unreadable", `${what} cannot be read (permission denied): skipped.`);
  }
  if (error instanceof Deno.errors.FilesystemLoop) {
    return notice(display, "symlink-loop", "a symlink loop (it points back at itself): skipped.");
  }
  if (error instanceof Deno.errors.NotFound) {
    return notice(display, "not-found", `${what} does not exist.`);
  }
  return notice(display, "unreadable", `${what} cannot be read (${String(error)}): skipped.`);
}

/** The top of the git work tree holding `dir`, or `undefined` outside one (or without git). */
async function gitTop(dir: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("git", {
      args: ["rev-parse", "--show-toplevel"],
      cwd: dir,
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

/** The files git would commit or track under `dir` (paths relative to `dir`). */
async function gitFiles(dir: string): Promise<string[] | undefined> {
  const out = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
    cwd: dir,
    stdout: "piped",
    stderr: "null",
  }).output().catch(() => undefined);
  if (!out?.success) return undefined;
  const names = new TextDecoder().decode(out.stdout).split("\0").filter((n) => n !== "");
  return [...new Set(names)]; // a conflicted file is listed once per stage
}

/**
 * Yields every file to search under `paths` (relative to `cwd`), and a notice for everything
 * skipped.
 *
 * @param paths Files and folders.
 * @param cwd Where relative paths start.
 * @param options Ignore rules.
 */
export async function* walk(
  paths: readonly string[],
  cwd: string,
  options: WalkOptions = {},
): AsyncGenerator<WalkItem> {
  const visited = new Set<string>();
  const abs = (p: string) => p.startsWith("/") ? p : p === "." ? cwd : join(cwd, p);

  async function* file(path: string, display: string, info: Deno.FileInfo) {
    if (info.isFile) yield { kind: "file", path, display, size: info.size } as WalkFile;
    else yield notice(display, "special-file", `${specialKind(info)}: skipped (never opened).`);
  }

  async function* entry(
    path: string,
    display: string,
    explicit: boolean,
  ): AsyncGenerator<WalkItem> {
    options.signal?.throwIfAborted();
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(path);
    } catch (error) {
      yield errorNotice(display, error, explicit ? "the path" : "the entry");
      return;
    }
    if (info.isSymlink) {
      try {
        info = await Deno.stat(path);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) {
          if (explicit) yield notice(display, "broken-symlink", "a symlink to nothing: skipped.");
          return;
        }
        yield errorNotice(display, error, "the symlink's target");
        return;
      }
    }
    if (info.isDirectory) yield* folder(path, display, explicit);
    else yield* file(path, display, info);
  }

  async function* folder(
    path: string,
    display: string,
    explicit: boolean,
  ): AsyncGenerator<WalkItem> {
    let real: string;
    try {
      real = await Deno.realPath(path);
    } catch (error) {
      yield errorNotice(display, error, "the folder");
      return;
    }
    if (visited.has(real)) {
      yield notice(
        display,
        "symlink-loop",
        `a symlink loop: this folder is ${real}, already searched: not walked again.`,
      );
      return;
    }
    visited.add(real);
    if (!options.noIgnore && explicit) {
      if (await gitTop(path) !== undefined) {
        const names = await gitFiles(path);
        if (names !== undefined) {
          yield* listed(path, display, names);
          return;
        }
      }
    }
    let names: string[];
    /** Regular files need no lstat: readDir already says what they are. */
    const plain = new Set<string>();
    try {
      names = [];
      for await (const e of Deno.readDir(path)) {
        names.push(e.name);
        if (e.isFile) plain.add(e.name);
      }
    } catch (error) {
      yield errorNotice(display, error, "the folder");
      return;
    }
    if (!options.noIgnore && !explicit && names.includes(".git")) {
      // A repository inside the folder: its own .gitignore rules apply to it.
      const tracked = await gitFiles(path);
      if (tracked !== undefined) {
        yield* listed(path, display, tracked);
        return;
      }
    }
    names.sort();
    for (const name of names) {
      if (ALWAYS_SKIPPED.has(name)) continue;
      if (!options.noIgnore && SKIPPED_UNLESS_ASKED.has(name)) continue;
      if (plain.has(name)) {
        yield { kind: "file", path: join(path, name), display: join(display, name), size: -1 };
      } else yield* entry(join(path, name), join(display, name), false);
    }
  }

  /** The files git listed (relative to `dir`). */
  async function* listed(dir: string, display: string, names: string[]): AsyncGenerator<WalkItem> {
    names.sort();
    for (const name of names) {
      options.signal?.throwIfAborted();
      if (name.split("/").some((part) => SKIPPED_UNLESS_ASKED.has(part))) continue;
      const path = join(dir, name);
      const shown = join(display, name);
      let info: Deno.FileInfo;
      try {
        info = await Deno.lstat(path);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) continue; // deleted in the work tree
        yield errorNotice(shown, error, "the file");
        continue;
      }
      if (info.isSymlink) {
        try {
          info = await Deno.stat(path);
        } catch {
          continue; // git stores the link itself: a dangling or looping one holds no file
        }
        if (info.isDirectory) continue; // git stores the link, not the folder
      }
      if (info.isDirectory) {
        // A nested repository or submodule: walk it as a plain folder.
        yield* folder(path, shown, false);
      } else yield* file(path, shown, info);
    }
  }

  for (const p of paths.length ? paths : ["."]) yield* entry(abs(p), p, true);
}
