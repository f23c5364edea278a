/**
 * What `git commit` would record: the files of the git index (`git ls-files --stage`) and
 * their staged contents (`git cat-file blob`, streamed), not the work tree. Submodules are
 * skipped; a file in a merge conflict is read from its first listed stage.
 *
 * @module
 */

import type { ByteSource } from "./_byte_scan.ts";

/** One staged file. */
export interface StagedFile {
  /** Path relative to the folder `git` ran in. */
  path: string;
  /** Blob id. */
  blob: string;
  /** Size in bytes. */
  size: number;
}

const decoder = new TextDecoder();

/** Runs git in `cwd`; `undefined` when it fails (with its stderr). */
async function git(
  args: string[],
  cwd: string,
  stdin?: string,
): Promise<{ ok: boolean; stdout: Uint8Array; stderr: string }> {
  const child = new Deno.Command("git", {
    args,
    cwd,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const out = await child.output();
  return { ok: out.success, stdout: out.stdout, stderr: decoder.decode(out.stderr).trim() };
}

/**
 * The staged files under `paths` (relative to `cwd`), with blob ids and sizes.
 *
 * @param paths Path specs (none: everything staged).
 * @param cwd The folder inside the repository.
 * @returns The files, or an error message (not a repository, no git).
 */
export async function stagedFiles(
  paths: readonly string[],
  cwd: string,
): Promise<{ files: StagedFile[] } | { error: string }> {
  let listed;
  try {
    listed = await git(["ls-files", "-z", "--stage", "--", ...paths], cwd);
  } catch (error) {
    return { error: `git could not be run (${String(error)}); --staged needs git on PATH.` };
  }
  if (!listed.ok) return { error: `git ls-files failed: ${listed.stderr.split("\n")[0]}` };
  const seen = new Set<string>();
  const entries: { path: string; blob: string }[] = [];
  for (const record of decoder.decode(listed.stdout).split("\0")) {
    const m = /^(\d{6}) ([0-9a-f]+) (\d)\t(.*)$/s.exec(record);
    if (!m || m[1] === "160000" || seen.has(m[4])) continue; // 160000: a submodule
    seen.add(m[4]);
    entries.push({ path: m[4], blob: m[2] });
  }
  if (entries.length === 0) return { files: [] };
  const sizes = await git(
    ["cat-file", "--batch-check=%(objectname) %(objectsize)"],
    cwd,
    entries.map((e) => e.blob).join("\n") + "\n",
  );
  const sizeOf = new Map<string, number>();
  for (const line of decoder.decode(sizes.stdout).split("\n")) {
    const [blob, size] = line.split(" ");
    if (blob && size) sizeOf.set(blob, Number(size));
  }
  return { files: entries.map((e) => ({ ...e, size: sizeOf.get(e.blob) ?? 0 })) };
}

/** A reader of a staged blob's bytes, streamed from `git cat-file blob`. */
export function openBlob(blob: string, cwd: string): ByteSource {
  const child = new Deno.Command("git", {
    args: ["cat-file", "blob", blob],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  let left: Uint8Array | undefined;
  let done = false;
  return {
    async read(into: Uint8Array): Promise<number | null> {
      if (!left || left.length === 0) {
        if (done) return null;
        const r = await reader.read();
        if (r.done) {
          done = true;
          return null;
        }
        left = r.value;
      }
      const n = Math.min(into.length, left.length);
      into.set(left.subarray(0, n));
      left = left.subarray(n);
      return n;
    },
    async close(): Promise<void> {
      if (!done) await reader.cancel().catch(() => {});
      reader.releaseLock();
      await child.status;
    },
  };
}

/** Whether `cwd` is inside a git work tree. */
export async function insideWorkTree(cwd: string): Promise<boolean> {
  try {
    return (await git(["rev-parse", "--is-inside-work-tree"], cwd)).ok;
  } catch {
    return false;
  }
}
