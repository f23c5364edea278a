/**
 * `hf login`: check the token the sources have and print the card (with
 * `--persist`, save it like `hf auth login` — never a token the Hub refused,
 * unless `--force`). When no source has one: on a terminal, ask "browser or
 * paste a token"; without one, log in through the browser and print the URL
 * and the code, as `hf auth login` does. `--browser` / `--paste` decide up front.
 *
 * @module
 */

import { DeviceCodeError, TokenNotFoundError } from "../errors.ts";
import type { Resolution } from "../resolve/resolution.ts";
import { resolveToken } from "../resolve/resolve_token.ts";
import { join } from "../sources/_path.ts";
import { displayPath } from "../store/paths.ts";
import { saveToken } from "../store/save_token.ts";
import { showTokenName, validateTokenName } from "../store/stored_tokens_ini.ts";
import { UsageError } from "./_args.ts";
import { type Context, errorLine, type ExitCode } from "./_context.ts";
import { findToken, PromptCancelledError, tokenVariablesSet } from "./_token.ts";
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

/**
 * `"<cwd>/.env (HF_TOKEN)"` for a token that came from a project's dotenv file
 * (source id `dotenv:<file>:<VAR>`), `undefined` for any other source.
 */
function dotenvOrigin(source: string, cwd: string | undefined): string | undefined {
  const hit = /^dotenv:(.+):([A-Za-z_][A-Za-z0-9_]*)$/.exec(source);
  if (!hit) return undefined;
  let dir = cwd;
  try {
    dir ??= Deno.cwd();
  } catch { /* no --allow-read: name the file relative to the working directory */ }
  return `${dir ? join(dir, hit[1]) : hit[1]} (${hit[2]})`;
}

/** The menu of `hf login` on a terminal (as huggingface_hub's `_prompt_login_method`). */
export const LOGIN_CHOICES = ["Log in with your browser", "Paste an access token"] as const;

/** A browser login from the command line: the card, or exit 1 (denied, expired) / 130 (Ctrl-C). */
async function runBrowserLogin(ctx: Context, name: string | undefined): Promise<ExitCode> {
  const { runDeviceLogin } = await import("../hub/_browser_login_run.ts");
  try {
    const { resolution, validation } = await runDeviceLogin({
      env: ctx.env,
      hubUrl: ctx.hubUrl,
      inferenceUrl: ctx.inferenceUrl,
      fetch: ctx.io.fetch,
      display: "terminal",
      write: (text) => ctx.io.stdout(ctx.out.clean(text)),
      live: ctx.io.stdoutIsTty,
      qr: ctx.io.stdoutIsTty,
      name,
      persist: true,
    });
    ctx.out.addSecret(resolution.token);
    printValidation(ctx, validation, false);
    return verdictExit(ctx, validation);
  } catch (error) {
    if (!(error instanceof DeviceCodeError)) throw error;
    if (error.code === "cancelled") {
      errorLine(ctx, "The browser login was cancelled; nothing was saved.");
      return 130;
    }
    errorLine(ctx, `browser login failed (${error.code}).`, "run `deno task hf login` again.");
    return 1;
  }
}

/** Runs `hf login`. */
export async function runLogin(ctx: Context): Promise<ExitCode> {
  const persist = ctx.values.persist === true;
  const force = ctx.values.force === true;
  const browser = ctx.values.browser === true;
  const paste = ctx.values.paste === true;
  const given = ctx.values.name as string | undefined;
  if (given !== undefined && usableName(given) === undefined) {
    throw new UsageError(
      `--name ${showTokenName(given)} cannot be stored.`,
      "use a non-empty name of visible characters, without brackets, control or bidi " +
        "characters, or surrounding spaces.",
    );
  }
  if (browser && paste) {
    throw new UsageError("--browser and --paste exclude each other.", "pick one of them.");
  }
  if (browser && (persist || force)) {
    throw new UsageError(
      `--${persist ? "persist" : "force"} does not apply to --browser.`,
      "a browser login is always saved, and only once the Hub accepted it; leave the option out.",
    );
  }
  if (!browser && !persist && (given !== undefined || force)) {
    throw new UsageError(
      `--${given !== undefined ? "name" : "force"} only makes sense with --persist.`,
      "add --persist to save the token, or leave the option out.",
    );
  }
  if (browser) return await runBrowserLogin(ctx, given);

  let resolution: Resolution | undefined;
  if (!paste) {
    try {
      resolution = await resolveToken({
        env: ctx.env,
        cwd: ctx.io.cwd,
        fetch: ctx.io.fetch,
        prompt: false,
        refresh: true,
      });
      ctx.out.addSecret(resolution.token);
    } catch (error) {
      if (!(error instanceof TokenNotFoundError)) throw error;
      if (!ctx.io.stdinIsTty) return await runBrowserLogin(ctx, given);
      const choice = await ctx.io.choose("How would you like to log in?", LOGIN_CHOICES);
      if (choice === undefined) throw new PromptCancelledError();
      if (choice === 0) return await runBrowserLogin(ctx, given);
    }
  }
  resolution ??= await findToken(ctx);
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
  const project = dotenvOrigin(resolution.source, ctx.io.cwd);
  ctx.out.out(
    `${ctx.paint.green("✔")} Saved as ${showTokenName(name)} (${result.masked}) in ${stored}` +
      (!active ? "." : project
        // A project's .env token becomes every program's token on this machine: say so.
        ? `; the machine's active token (${active}) is now the token from ${project}: hf, ` +
          `huggingface_hub and every notebook on this machine use it, not only this project.`
        : `; it is now the active token (${active}).`),
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
