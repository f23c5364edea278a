/**
 * `--fix` on disk: for each notebook with fixable findings, the outputs that hold a token are
 * cut out of the file's text (`removeOutputs`), the result is checked to be the original minus
 * exactly those outputs, and written with the project's one atomic writer, keeping the file's
 * and its folder's modes. `--dry-run` does everything but the write.
 *
 * @module
 */

import { atomicWrite } from "../store/_atomic_write.ts";
import { NOTEBOOK_PARSE_LIMIT } from "./_byte_scan.ts";
import { removeOutputs } from "./remove_outputs.ts";
import type { ScanChange, ScanFinding, ScanNotice } from "./scan_report.ts";

/** Why a write failed, from the error the writer wraps (its own message speaks of token files). */
function writeFailure(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (cause instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (cause instanceof Deno.errors.NotCapable) return "Deno was not given --allow-write for it";
  return cause instanceof Error ? cause.message : String(cause);
}

/** Removes (or, dry, plans to remove) the fixable outputs of each notebook. */
export async function fixNotebooks(
  c: {
    findings: ScanFinding[];
    changes: ScanChange[];
    notice(file: string, code: ScanNotice["code"], message: string): void;
  },
  paths: Map<string, string>,
  dryRun: boolean,
): Promise<void> {
  const byFile = new Map<string, ScanFinding[]>();
  for (const f of c.findings) {
    if (f.fixable) byFile.set(f.file, [...byFile.get(f.file) ?? [], f]);
  }
  for (const [display, found] of byFile) {
    const path = paths.get(display);
    if (!path) continue;
    let text: string;
    let mode: number | undefined;
    let dirMode: number | undefined;
    let target: string;
    try {
      // Through a symlink, the notebook it points at is rewritten (the link stays a link).
      target = await Deno.realPath(path);
      text = await readNotebook(target);
      mode = (await Deno.stat(target)).mode ?? undefined;
      const dir = target.slice(0, target.lastIndexOf("/")) || "/";
      dirMode = (await Deno.stat(dir)).mode ?? undefined;
    } catch (error) {
      c.notice(display, "fix-skipped", `could not be read again (${error}): not changed.`);
      continue;
    }
    const refs = [...new Map(found.map((f) => [`${f.cell}/${f.output}`, f])).values()]
      .map((f) => ({ cell: f.cell!, output: f.output!, outputType: f.outputType }));
    let fixed: string;
    try {
      fixed = removeOutputs(text, refs);
      // Safety: the result must be the original minus exactly these outputs.
      const expected = JSON.parse(text);
      const drop = new Set(refs.map((r) => `${r.cell}/${r.output}`));
      expected.cells?.forEach((cell: { outputs?: unknown[] }, i: number) => {
        if (Array.isArray(cell.outputs)) {
          cell.outputs = cell.outputs.filter((_, j) => !drop.has(`${i}/${j}`));
        }
      });
      if (JSON.stringify(JSON.parse(fixed)) !== JSON.stringify(expected)) {
        throw new Error("the result would differ in more than the removed outputs");
      }
    } catch (error) {
      c.notice(
        display,
        "fix-skipped",
        `not changed: ${error instanceof Error ? error.message : error}.`,
      );
      continue;
    }
    if (!dryRun) {
      try {
        await atomicWrite(target, fixed, {
          mode: mode === undefined ? undefined : mode & 0o777,
          dirMode: dirMode === undefined ? undefined : dirMode & 0o7777, // keep setgid/sticky bits
        });
      } catch (error) {
        c.notice(
          display,
          "fix-skipped",
          `could not be written (${writeFailure(error)}): nothing was changed.`,
        );
        continue;
      }
    }
    for (const f of found) f.removed = dryRun ? "would-remove" : "removed";
    c.changes.push({
      file: display,
      removed: refs,
      written: !dryRun,
      bytes: {
        before: new TextEncoder().encode(text).length,
        after: new TextEncoder().encode(fixed).length,
      },
    });
  }
}

/**
 * The notebook's text, read again for the fix through one handle: a regular file of at most
 * {@linkcode NOTEBOOK_PARSE_LIMIT} bytes (one swapped for a FIFO or grown past the limit since
 * the scan is refused, never read whole).
 */
async function readNotebook(path: string): Promise<string> {
  // Checked before the open too: opening a FIFO for reading waits for a writer.
  if (!(await Deno.stat(path)).isFile) throw new Error("not a regular file any more");
  using file = await Deno.open(path, { read: true });
  const info = await file.stat();
  if (!info.isFile) throw new Error("not a regular file any more");
  if (info.size > NOTEBOOK_PARSE_LIMIT) throw new Error("larger than 64 MiB since the scan");
  const bytes = new Uint8Array(info.size + 1);
  let total = 0;
  while (total < bytes.length) {
    const n = await file.read(bytes.subarray(total));
    if (n === null) break;
    total += n;
  }
  if (total > info.size) throw new Error("it grew while it was read");
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, total));
}
