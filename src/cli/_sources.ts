/**
 * `hf sources`: the sources table (which source wins, which are shadowed).
 *
 * @module
 */

import { sources } from "../resolve/sources_table.ts";
import { type Context, errorLine, type ExitCode } from "./_context.ts";

/** Runs `hf sources`. */
export async function runSources(ctx: Context): Promise<ExitCode> {
  const table = await sources({ env: ctx.env, cwd: ctx.io.cwd, fetch: ctx.io.fetch });
  ctx.out.out(
    ctx.values.json === true ? JSON.stringify(table.toJSON(), null, 2) : table.toString(),
  );
  if (table.data.active !== undefined) return 0;
  errorLine(
    ctx,
    "No source has a Hugging Face token.",
    "set HF_TOKEN, or run `deno task hf login --persist` in a terminal.",
  );
  return 1;
}
