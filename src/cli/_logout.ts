/**
 * `hf logout`: forget the active token file, one named token, or all of them
 * (forgetToken semantics: nothing else is touched), and say what changed.
 *
 * @module
 */

import { maskToken } from "../_mask.ts";
import { cleanText } from "../_text.ts";
import { displayPath, tokenPaths } from "../store/paths.ts";
import {
  forgetToken,
  listStoredTokens,
  readActive,
  type StoredTokenInfo,
} from "../store/save_token.ts";
import { showTokenName } from "../store/stored_tokens_ini.ts";
import { UsageError } from "./_args.ts";
import type { Context, ExitCode } from "./_context.ts";
import { tokenVariablesSet } from "./_token.ts";

/** The active token, masked (read with the library's secret-file reader: never a FIFO). */
async function activeMasked(path: string): Promise<string | undefined> {
  const token = await readActive(path).catch(() => undefined);
  return token ? maskToken(token) : undefined;
}

/** The names, cleaned (a section name written by another tool may hold controls). */
function describe(list: StoredTokenInfo[]): string {
  return list.map((t) => `${cleanText(t.name)}${t.active ? " (active)" : ""}`).join(", ");
}

/** Runs `hf logout`. */
export async function runLogout(ctx: Context): Promise<ExitCode> {
  const name = ctx.values.name as string | undefined;
  const all = ctx.values.all === true;
  if (name !== undefined && all) {
    throw new UsageError("--name and --all cannot be used together.", "pick one.");
  }
  const env = ctx.env;
  const { tokenPath, storedTokensPath } = tokenPaths({ env });
  const show = (p: string) => displayPath(p, env);
  const before = await listStoredTokens({ env }).catch(() => [] as StoredTokenInfo[]);
  const activeBefore = await activeMasked(tokenPath);

  const result = await forgetToken({ env, ...(name !== undefined ? { name } : {}), all });
  const after = await listStoredTokens({ env }).catch(() => [] as StoredTokenInfo[]);
  const removedActive = result.changed.includes(tokenPath) && activeBefore !== undefined;
  const ok = ctx.paint.green("✔");

  if (all) {
    if (result.changed.length === 0) {
      ctx.out.out(`Nothing to forget: no token file or stored tokens (${show(tokenPath)}).`);
    } else {
      const names = before.map((t) => cleanText(t.name));
      ctx.out.out(
        `${ok} Forgot ${
          names.length ? `every stored token (${names.join(", ")})` : "no named token"
        }` +
          `${
            removedActive ? ` and the active token file ${show(tokenPath)} (${activeBefore})` : ""
          }.`,
      );
    }
  } else if (name !== undefined) {
    const gone = before.find((t) => t.name === name);
    ctx.out.out(
      `${ok} Forgot ${showTokenName(name)}${gone ? ` (${gone.masked})` : ""} from ${
        show(storedTokensPath)
      }.`,
    );
    if (removedActive) {
      ctx.out.out(`  It was the active token: removed ${show(tokenPath)} too.`);
    }
    ctx.out.out(`  Still stored: ${after.length ? describe(after) : "(none)"}.`);
  } else if (removedActive) {
    ctx.out.out(`${ok} Removed the active token file ${show(tokenPath)} (${activeBefore}).`);
    if (after.length) {
      ctx.out.out(
        `  Named tokens kept: ${describe(after)} — \`deno task hf switch NAME\` activates one.`,
      );
    }
  } else {
    ctx.out.out(`Nothing to forget: there is no active token file (${show(tokenPath)}).`);
  }
  const vars = tokenVariablesSet(env);
  if (vars.length) {
    ctx.out.out(
      `${ctx.paint.yellow("!")} ${vars.join(", ")} ${vars.length === 1 ? "is" : "are"} still ` +
        `set in the environment and still provide${vars.length === 1 ? "s" : ""} a token.`,
    );
  }
  return 0;
}
