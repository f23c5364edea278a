/**
 * `hf scan`: find leaked tokens in notebooks and files (or in what git is about to commit),
 * optionally check them with the Hub and remove the notebook outputs that hold them.
 *
 * @module
 */

import { scan } from "../scan/scan.ts";
import { insideWorkTree } from "../scan/_staged.ts";
import { UsageError } from "./_args.ts";
import { type Context, errorLine, type ExitCode } from "./_context.ts";

/** Runs `hf scan`. */
export async function runScan(ctx: Context): Promise<ExitCode> {
  const v = ctx.values;
  const cwd = ctx.io.cwd ?? Deno.cwd();
  if (v.staged && v.fix) {
    throw new UsageError(
      "--fix changes the work tree, --staged reads the index: use one at a time.",
      "run `hf scan --fix`, then `git add` the fixed notebooks and commit.",
    );
  }
  if (v.staged && !(await insideWorkTree(cwd))) {
    throw new UsageError(
      `--staged needs a git repository, and ${cwd} is not in one.`,
      "run it inside the repository (as a pre-commit hook it is).",
    );
  }
  const report = await scan(ctx.positionals, {
    cwd,
    staged: v.staged === true,
    noIgnore: v["no-ignore"] === true,
    check: v.check === true,
    fix: v.fix === true && v["dry-run"] !== true,
    dryRun: v["dry-run"] === true,
    hubUrl: ctx.hubUrl,
    fetch: ctx.io.fetch,
    env: ctx.env,
  });
  ctx.out.out(v.json === true ? JSON.stringify(report.toJSON(), null, 2) : report.toString());
  const missing = report.notices.find((n) =>
    n.code === "not-found" && ctx.positionals.includes(n.file)
  );
  if (missing) {
    errorLine(
      ctx,
      `${missing.file} does not exist.`,
      "check the path (relative to the working directory).",
    );
    return 2;
  }
  return report.findings.some((f) => f.removed !== "removed") ? 1 : 0;
}
