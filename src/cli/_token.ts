/**
 * Finds the token for a command: the usual sources without prompting, then a
 * hidden prompt only when standard input is a terminal.
 *
 * @module
 */

import { type EnvLike, envNonEmpty } from "../_env.ts";
import { maskToken } from "../_mask.ts";
import { ALL_TOKEN_NAMES } from "../sources/env_vars.ts";
import { TokenNotFoundError } from "../errors.ts";
import { PROMPT_MESSAGE } from "../sources/prompt.ts";
import { normalizeToken } from "../sources/normalize_token.ts";
import { detectPlatform } from "../sources/platform.ts";
import { Resolution } from "../resolve/resolution.ts";
import { resolveToken } from "../resolve/resolve_token.ts";
import { type Context, debugLine } from "./_context.ts";

/** The person cancelled the prompt (exit code 130). */
export class PromptCancelledError extends Error {
  /** Creates it. */
  constructor() {
    super("The token prompt was cancelled; nothing was checked or saved.");
    this.name = "PromptCancelledError";
  }
}

/**
 * Resolves the token; asks for it (hidden input) when no source has one and
 * stdin is a terminal. The token is added to the output's secrets at once.
 *
 * @param ctx The command's context.
 * @returns The resolution.
 * @throws {TokenNotFoundError} when there is no token and no one to ask (or an empty answer).
 * @throws {PromptCancelledError} on Ctrl-C / Ctrl-D at the prompt.
 */
export async function findToken(ctx: Context): Promise<Resolution> {
  const env = ctx.env;
  try {
    const resolution = await resolveToken({
      env,
      cwd: ctx.io.cwd,
      fetch: ctx.io.fetch,
      prompt: false,
      refresh: true,
    });
    ctx.out.addSecret(resolution.token);
    debugLine(ctx, `token ${resolution.masked} from ${resolution.source}`);
    return resolution;
  } catch (error) {
    if (!(error instanceof TokenNotFoundError)) throw error;
    debugLine(ctx, "no source has a token");
    if (!ctx.io.stdinIsTty) {
      throw new TokenNotFoundError(
        "No Hugging Face token found, and standard input is not a terminal, so none was asked for.",
        { cause: error },
      );
    }
  }
  const outcome = await ctx.io.prompt(PROMPT_MESSAGE);
  if (outcome.kind === "answered") {
    const source = `prompt:${outcome.via}`;
    const clean = normalizeToken(outcome.value, "the prompt");
    ctx.out.addSecret(outcome.value.trim());
    ctx.out.addSecret(clean.token);
    return new Resolution({
      token: clean.token,
      source,
      attempts: [{ source, outcome: "found", masked: maskToken(clean.token) }],
      warnings: clean.warnings,
      platform: detectPlatform({ env }),
    });
  }
  if (outcome.kind === "dismissed" && /cancel/i.test(outcome.reason)) {
    throw new PromptCancelledError();
  }
  throw new TokenNotFoundError(`No Hugging Face token was entered (${outcome.reason}).`);
}

/**
 * The token variables set in the environment: they win over the token file,
 * so saving, switching or forgetting stored tokens does not change what is used.
 *
 * @param env The environment.
 * @returns Names of the set variables, in resolution order.
 */
export function tokenVariablesSet(env: EnvLike): string[] {
  return ALL_TOKEN_NAMES.filter((name) => envNonEmpty(env, name) !== undefined);
}
