/**
 * `hf switch NAME`: make a stored named token the active one.
 *
 * @module
 */

import { displayPath, tokenPaths } from "../store/paths.ts";
import {
  describeBrowserLogin,
  listStoredTokens,
  type StoredTokenInfo,
  switchToken,
} from "../store/save_token.ts";
import { UsageError } from "./_args.ts";
import { type Context, errorLine, type ExitCode } from "./_context.ts";
import { tokenVariablesSet } from "./_token.ts";

function names(list: StoredTokenInfo[]): string {
  return list.map((t) => {
    const notes = [
      ...(t.active ? ["active"] : []),
      ...(t.browserLogin ? [describeBrowserLogin(t.browserLogin)] : []),
    ];
    return `${t.name}${notes.length ? ` (${notes.join("; ")})` : ""}`;
  }).join(", ");
}

/** Runs `hf switch`. */
export async function runSwitch(ctx: Context): Promise<ExitCode> {
  const env = ctx.env;
  const stored = await listStoredTokens({ env }).catch(() => [] as StoredTokenInfo[]);
  const name = ctx.positionals[0];
  const saveHint = (n: string) => `save one with \`deno task hf login --persist --name ${n}\`.`;
  if (name === undefined) {
    throw new UsageError(
      "switch needs the NAME of a stored token.",
      stored.length
        ? `stored names: ${names(stored)}.`
        : `no token is stored yet; ${saveHint("NAME")}`,
    );
  }
  if (!stored.some((t) => t.name === name)) {
    errorLine(
      ctx,
      `No stored token is named ${JSON.stringify(name)}; nothing was changed.`,
      stored.length
        ? `stored names: ${names(stored)}.`
        : `no token is stored yet (${displayPath(tokenPaths({ env }).storedTokensPath, env)}); ${
          saveHint(name)
        }`,
    );
    return 1;
  }
  const result = await switchToken(name, { env });
  const login = stored.find((t) => t.name === name)?.browserLogin;
  ctx.out.out(
    `${ctx.paint.green("✔")} "${name}" (${result.masked}) is now the active token ` +
      `(${displayPath(result.changed[0], env)})${login ? `: ${describeBrowserLogin(login)}` : ""}.`,
  );
  const vars = tokenVariablesSet(env);
  if (vars.length) {
    ctx.out.out(
      `${ctx.paint.yellow("!")} ${vars[0]} is set in the environment and wins over the token ` +
        `file: unset it to use "${name}".`,
    );
  }
  return 0;
}
