/**
 * `hf probe`: run the probe suite with the token, print rows as they finish
 * (probe's `onRow` hook) and the summary; or one JSON document with `--json`.
 *
 * @module
 */

import { renderProbeRowText } from "../display/probe_table.ts";
import { DEFAULT_SUITE } from "../probes/default_suite.ts";
import { probe } from "../probes/probe.ts";
import { PROBE_TASK_NAMES, probeTask } from "../probes/probe_task.ts";
import type { ProbeTable } from "../probes/probe_table.ts";
import type { ProbeEntry, ProbeRow, ProbeTask } from "../probes/types.ts";
import { UsageError } from "./_args.ts";
import { type Context, errorLine, type ExitCode } from "./_context.ts";
import { findToken } from "./_token.ts";

/**
 * Task names accepted by `--task`: the probe API's names (the Hub's task ids and the
 * client's method names, see `probe_task.ts`) plus the short `chat`.
 */
export const TASKS: Record<string, ProbeTask> = {
  ...Object.fromEntries(PROBE_TASK_NAMES.map((name) => [name, probeTask(name)!])),
  chat: "chatCompletion",
};

const HINT = "run `deno task hf probe --help` for usage.";

/**
 * Groups `--model`, `--task` and `--provider` in command-line order: each
 * group is one custom probe; a repeated field starts the next group.
 *
 * @param order Option tokens in order.
 * @returns The custom probes.
 * @throws {UsageError} for a group without model or task, or an unknown task.
 */
export function customProbes(order: readonly { name: string; value?: string }[]): ProbeEntry[] {
  const groups: { model?: string; task?: string; provider?: string }[] = [];
  for (const { name, value } of order) {
    if (name !== "model" && name !== "task" && name !== "provider") continue;
    let current = groups.at(-1);
    if (!current || current[name] !== undefined) groups.push(current = {});
    current[name] = value;
  }
  return groups.map((g) => {
    if (g.model === undefined || g.task === undefined) {
      throw new UsageError(
        `--model, --task and --provider go together: ${
          g.model === undefined
            ? `--task ${g.task ?? ""} has no --model`
            : `--model ${g.model} has no --task`
        }.`.replace("  ", " "),
        `e.g. --model sandbox/tiny-chat --task chat-completion; ${HINT}`,
      );
    }
    const task = Object.hasOwn(TASKS, g.task) ? TASKS[g.task] : undefined;
    if (!task) {
      throw new UsageError(
        `unknown task ${JSON.stringify(g.task)}.`,
        `tasks: ${Object.keys(TASKS).filter((t) => t.includes("-")).join(", ")}.`,
      );
    }
    return { task, model: g.model, ...(g.provider !== undefined ? { provider: g.provider } : {}) };
  });
}

function positiveNumber(value: string | undefined, flag: string, integer: boolean) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `${flag} must be a positive ${integer ? "whole number" : "number"}, not ${
        JSON.stringify(value)
      }.`,
      HINT,
    );
  }
  return n;
}

function checkIds(patterns: string[], flag: string, ids: string[]): void {
  for (const p of patterns) {
    if (!ids.some((id) => id === p || id.startsWith(p + "."))) {
      throw new UsageError(
        `${flag} ${JSON.stringify(p)} matches no probe.`,
        `probe ids: ${ids.join(", ")} (a prefix such as "inference" selects a group).`,
      );
    }
  }
}

/** Runs `hf probe`. */
export async function runProbe(ctx: Context): Promise<ExitCode> {
  const v = ctx.values;
  const json = v.json === true;
  const only = v.only as string[] | undefined;
  const skip = v.skip as string[] | undefined;
  const probes = customProbes(ctx.order);
  const timeout = positiveNumber(v.timeout as string | undefined, "--timeout", false);
  const concurrency = positiveNumber(v.concurrency as string | undefined, "--concurrency", true);
  const ids = [
    ...DEFAULT_SUITE.map((p) => p.id),
    ...probes.map((p) => `custom.${p.task}.${p.model}`),
  ];
  if (only) checkIds(only, "--only", ids);
  if (skip) checkIds(skip, "--skip", ids);

  const resolution = await findToken(ctx);
  const printed = new Set<string>();
  let headerShown = false;
  const header = (table: ProbeTable) => {
    if (json || headerShown) return;
    headerShown = true;
    const n = table.rows.length;
    ctx.out.out(
      ctx.paint.bold(
        `${v["dry-run"] ? "Dry run: would probe" : "Probing"} ${n} capabilit${
          n === 1 ? "y" : "ies"
        } of ${resolution.masked} (from ${resolution.source})`,
      ),
    );
  };
  const printRow = (row: ProbeRow, table: ProbeTable) => {
    if (json || printed.has(row.id)) return;
    header(table);
    printed.add(row.id);
    ctx.out.out(renderProbeRowText(row, { color: ctx.color }));
  };

  const table = await probe({
    resolution,
    hubUrl: ctx.hubUrl,
    inferenceUrl: ctx.inferenceUrl,
    env: ctx.env,
    fetch: ctx.io.fetch,
    ...(only ? { only } : {}),
    ...(skip ? { skip } : {}),
    ...(probes.length ? { probes } : {}),
    ...(timeout !== undefined ? { timeoutMs: Math.round(timeout * 1000) } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    dryRun: v["dry-run"] === true,
    display: false,
    onRow: printRow,
  });

  const data = table.toJSON();
  if (json) {
    ctx.out.out(JSON.stringify(data, null, 2));
  } else {
    header(table);
    for (const row of data.rows) printRow(row, table); // rows that made no call (dry run)
    ctx.out.out("");
    ctx.out.out(ctx.paint.bold(data.summary));
    ctx.out.out(
      ctx.paint.dim(
        `Hub ${data.hubUrl} · router ${data.inferenceUrl}` +
          (data.durationMs !== undefined ? ` · ${data.durationMs} ms` : ""),
      ),
    );
  }

  const refused = data.rows.find((r) => r.code === "invalid-token" || r.code === "expired-token");
  if (refused) {
    errorLine(ctx, refused.reason ?? "The Hub refused the token.", refused.fix);
    return 1;
  }
  // Legacy rows (gpt2, DialoGPT) fail for reasons that are never the token's: they count
  // only when asked for by name with --only.
  const failed = data.rows.filter((r) =>
    r.verdict === "failed" &&
    (!r.legacy || (only ?? []).some((p) => r.id === p || r.id.startsWith(p + ".")))
  );
  if (v.strict === true && failed.length > 0) {
    errorLine(
      ctx,
      `${failed.length} probe${failed.length === 1 ? "" : "s"} failed (--strict): ${
        failed.map((r) => r.id).join(", ")
      }.`,
      "each row above says why and how to fix it; --skip ID leaves out probes you do not need.",
    );
    return 1;
  }
  return 0;
}
