/**
 * The command line: `deno task hf <command>` (or `deno run -A src/cli.ts …`)
 * checks a Hugging Face token from a shell or a CI job, with no notebook:
 * `whoami`, `probe`, `login`, `logout`, `sources`, `switch`, `scan`. Exit codes: 0 ok,
 * 1 token not found / not valid (or a failed probe with `--strict`), 2 usage
 * error, 130 prompt cancelled. Tokens are only ever printed masked.
 *
 * @example The commands, from a script
 * ```ts
 * import { main } from "@hf-notebook/auth/cli";
 * import assert from "node:assert/strict";
 *
 * let out = "";
 * assert.equal(await main(["--help"], { env: {}, stdout: (s) => out += s }), 0);
 * assert.match(out, /whoami/);
 * ```
 *
 * @module
 */

import { envNonEmpty } from "./_env.ts";
import { HfAuthError, InvalidTokenError, TokenNotFoundError, TokenStorageError } from "./errors.ts";
import { resolveEndpoints } from "./hub/endpoints.ts";
import { sessionState } from "./resolve/session_cache.ts";
import { ALL_TOKEN_NAMES } from "./sources/env_vars.ts";
import { tokenPaths } from "./store/paths.ts";
import { readActive, readStoredFile } from "./store/save_token.ts";
import { type Command, parseCommandLine, UsageError } from "./cli/_args.ts";
import { paint, useColor } from "./cli/_color.ts";
import { type Context, errorLine, type ExitCode } from "./cli/_context.ts";
import { helpText } from "./cli/_help.ts";
import { type CliIO, Output, resolveIO } from "./cli/_io.ts";
import { runLogin } from "./cli/_login.ts";
import { runLogout } from "./cli/_logout.ts";
import { runProbe } from "./cli/_probe.ts";
import { runSources } from "./cli/_sources.ts";
import { runScan } from "./cli/_scan.ts";
import { runSwitch } from "./cli/_switch.ts";
import { PromptCancelledError } from "./cli/_token.ts";
import { runWhoami } from "./cli/_whoami.ts";

export type { CliIO } from "./cli/_io.ts";
export type { EnvLike } from "./_env.ts";
export type { PromptOutcome } from "./sources/prompt.ts";

const RUN: Record<Command, (ctx: Context) => Promise<ExitCode>> = {
  whoami: runWhoami,
  probe: runProbe,
  login: runLogin,
  logout: runLogout,
  sources: runSources,
  switch: runSwitch,
  scan: runScan,
};

/**
 * Learns the stored tokens so that they are masked even if some message quotes one. Both files
 * are read with the library's one secret-file reader (a FIFO or a /dev/zero link is refused, not
 * waited on or read whole); a file that cannot be read is reported by the command that reads it.
 */
async function learnStoredTokens(out: Output, ctx: Pick<Context, "env">): Promise<void> {
  const { tokenPath, storedTokensPath } = tokenPaths({ env: ctx.env });
  out.addSecret(await readActive(tokenPath).catch(() => undefined));
  const stored = await readStoredFile(storedTokensPath).catch(() => undefined);
  for (const section of stored?.sections ?? []) {
    out.addSecret(section.fields.hf_token);
    out.addSecret(section.fields.refresh_token);
  }
}

function endpointFlag(value: unknown, flag: string): string | undefined {
  if (typeof value !== "string") return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(
      `${flag} must be an http(s) URL, not ${JSON.stringify(value)}.`,
      `e.g. ${flag} http://127.0.0.1:8080 (\`deno task sandbox\` prints one).`,
    );
  }
  return value;
}

function reportError(out: Output, error: unknown, debug: boolean): ExitCode {
  let code: ExitCode = 1;
  if (error instanceof UsageError) {
    errorLine({ out }, error.message, error.hint);
    code = 2;
  } else if (error instanceof PromptCancelledError) {
    errorLine({ out }, error.message);
    code = 130;
  } else if (error instanceof TokenNotFoundError) {
    errorLine(
      { out },
      error.message.split(/\n| Sources tried/)[0],
      "set HF_TOKEN, or run `deno task hf login --persist` in a terminal; " +
        "`deno task hf sources` shows every place looked at.",
    );
  } else if (error instanceof InvalidTokenError) {
    errorLine(
      { out },
      error.message,
      `fix or remove the value in ${error.source}; \`deno task hf sources\` lists every source.`,
    );
  } else if (error instanceof TokenStorageError) {
    errorLine({ out }, error.message, `check ${error.path} and its permissions.`);
  } else if (error instanceof HfAuthError) {
    errorLine({ out }, error.message);
  } else {
    const e = error instanceof Error ? error : new Error(String(error));
    errorLine(
      { out },
      `unexpected ${e.name}: ${e.message}`,
      debug ? undefined : "run again with --debug for details.",
    );
  }
  if (debug && error instanceof Error && !(error instanceof UsageError)) {
    out.err(`debug: ${error.stack ?? error.message}`);
    if (error.cause instanceof Error) out.err(`debug: caused by ${error.cause.stack}`);
  }
  return code;
}

/**
 * Runs the command line with `args` and returns the exit code (it never exits
 * the process itself; `deno run src/cli.ts` does, with this code).
 *
 * Commands: `whoami [--json]`, `probe [--only ID]… [--skip ID]… [--model ID
 * --task TASK [--provider P]]… [--timeout S] [--concurrency N] [--dry-run]
 * [--strict] [--json]`, `login [--persist] [--name NAME] [--force]`,
 * `logout [--name NAME | --all]`, `sources [--json]`, `switch NAME`, `scan [PATH…]
 * [--check] [--fix] [--dry-run] [--staged] [--no-ignore] [--json]`; global
 * flags `--hub-url`, `--inference-url`, `--debug`, `--no-color`, `--help`.
 * Every line written goes through `redact()` with every token the run has
 * seen, so a token is never printed unmasked, not even with `--debug`. Called
 * in-process, it neither uses nor changes the session's token.
 *
 * @example Help, captured
 * ```ts
 * import { main } from "@hf-notebook/auth/cli";
 * import assert from "node:assert/strict";
 *
 * let out = "";
 * assert.equal(await main(["--help"], { stdout: (s) => out += s }), 0);
 * assert.match(out, /Usage: deno task hf <command>/);
 *
 * let err = "";
 * assert.equal(await main(["whoamii"], { stderr: (s) => err += s }), 2);
 * assert.match(err, /^error: unknown command "whoamii"\.\nhint: did you mean `whoami`/);
 * ```
 *
 * @example whoami against the sandbox, as JSON
 * ```ts
 * import { main } from "@hf-notebook/auth/cli";
 * import { PERSONAS, startSandbox } from "@hf-notebook/auth/sandbox";
 * import assert from "node:assert/strict";
 *
 * await using hub = startSandbox({ quiet: true });
 * const home = await Deno.makeTempDir();
 * let out = "";
 * const code = await main(["whoami", "--json"], {
 *   env: { ...hub.env, HF_HOME: home, HF_TOKEN: PERSONAS.read.token },
 *   stdout: (s) => out += s,
 *   stdinIsTty: false,
 * });
 * assert.equal(code, 0);
 * assert.equal(JSON.parse(out).verdict, "valid");
 * assert.ok(!out.includes(PERSONAS.read.token));
 * await Deno.remove(home, { recursive: true });
 * ```
 *
 * @param args The arguments, without the program name (`Deno.args`).
 * @param io Streams, environment and terminal facts (defaults: the real ones).
 * @returns The exit code: 0 ok, 1 token problem (or a failed probe with
 *   `--strict`), 2 usage error, 130 prompt cancelled.
 */
export async function main(args: string[], io: CliIO = {}): Promise<number> {
  const rio = resolveIO(io);
  const out = new Output(rio, ALL_TOKEN_NAMES);
  const debug = args.includes("--debug");
  // A command sees only its own environment, never the host's session token (when main() is
  // called in-process, e.g. from a notebook or a test), and leaves that session as it was.
  const state = sessionState();
  const saved = { resolution: state.resolution, pending: state.pending };
  state.resolution = undefined;
  state.pending = undefined;
  try {
    const parsed = parseCommandLine(args);
    if (parsed.kind === "help") {
      out.out(helpText(parsed.command));
      return 0;
    }
    const env = rio.env;
    await learnStoredTokens(out, { env });
    const endpoints = resolveEndpoints({
      hubUrl: endpointFlag(parsed.values["hub-url"], "--hub-url"),
      inferenceUrl: endpointFlag(parsed.values["inference-url"], "--inference-url"),
      env,
    });
    const color = useColor({
      stdoutIsTty: rio.stdoutIsTty,
      env,
      noColorFlag: parsed.values["no-color"] === true,
    });
    const ctx: Context = {
      command: parsed.command,
      io: rio,
      env,
      out,
      color,
      paint: paint(color),
      debug,
      hubUrl: endpoints.hubUrl,
      inferenceUrl: endpoints.inferenceUrl,
      values: parsed.values,
      positionals: parsed.positionals,
      order: parsed.order,
    };
    if (debug) {
      out.err(
        `debug: ${parsed.command}: hub ${ctx.hubUrl}, router ${ctx.inferenceUrl}, colour ${
          color ? "on" : "off"
        }, stdin ${rio.stdinIsTty ? "a terminal" : "not a terminal"}` +
          (envNonEmpty(env, "HF_HUB_OFFLINE") ? ", HF_HUB_OFFLINE set" : ""),
      );
    }
    return await RUN[parsed.command](ctx);
  } catch (error) {
    return reportError(out, error, debug);
  } finally {
    state.resolution = saved.resolution;
    state.pending = saved.pending;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
