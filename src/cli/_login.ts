/**
 * `hf login`: resolve (hidden prompt on a terminal), validate, print the card,
 * and with `--persist` save the token like `hf auth login` — never a token the
 * Hub refused, unless `--force`.
 *
 * @module
 */

import { displayPath } from "../store/paths.ts";
import { saveToken } from "../store/save_token.ts";
import { validateTokenName } from "../store/stored_tokens_ini.ts";
import { UsageError } from "./_args.ts";
import { type Context, errorLine, type ExitCode } from "./_context.ts";
import { findToken, tokenVariablesSet } from "./_token.ts";
import { printValidation, validate, validationHint, verdictExit } from "./_whoami.ts";

function usableName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  try {
    validateTokenName(name);
    return name;
  } catch {
    return undefined;
  }
}

/** Runs `hf login`. */
export async function runLogin(ctx: Context): Promise<ExitCode> {
  const persist = ctx.values.persist === true;
  const force = ctx.values.force === true;
  const given = ctx.values.name as string | undefined;
  if (given !== undefined && usableName(given) === undefined) {
    throw new UsageError(
      `--name ${JSON.stringify(given)} cannot be stored.`,
      "use a non-empty name without brackets, line breaks or surrounding spaces.",
    );
  }
  if (!persist && (given !== undefined || force)) {
    throw new UsageError(
      `--${given !== undefined ? "name" : "force"} only makes sense with --persist.`,
      "add --persist to save the token, or leave the option out.",
    );
  }

  const resolution = await findToken(ctx);
  const validation = await validate(ctx, resolution);
  printValidation(ctx, validation, false);
  if (!persist) return verdictExit(ctx, validation);

  if (!validation.ok && !force) {
    const fix = (validationHint(validation) ?? "Fix the token").replace(/[.\s]+$/, "");
    errorLine(
      ctx,
      `Nothing was saved (verdict: ${validation.verdict}). ${validation.reason}`,
      `${fix}; or add --force to save it anyway.`,
    );
    return 1;
  }
  const name = given ?? usableName(validation.token?.displayName) ?? "default";
  const result = await saveToken(resolution.token, { name, env: ctx.env });
  const [stored, active] = result.changed.map((p) => displayPath(p, ctx.env));
  ctx.out.out(
    `${ctx.paint.green("✔")} Saved as "${name}" (${result.masked}) in ${stored}` +
      (active ? `; it is now the active token (${active}).` : "."),
  );
  const shadows = tokenVariablesSet(ctx.env);
  if (shadows.length && !resolution.source.startsWith("env:")) {
    ctx.out.out(
      `${ctx.paint.yellow("!")} ${shadows[0]} is set in the environment and wins over the token ` +
        `file: unset it to use the saved token.`,
    );
  }
  return verdictExit(
    ctx,
    validation,
    `it was saved anyway as "${name}" because of --force.`,
  );
}
