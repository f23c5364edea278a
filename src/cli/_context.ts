/**
 * What every command gets: the parsed options, the endpoints, the masked
 * output writer and the colour setting.
 *
 * @module
 */

import type { EnvLike } from "../_env.ts";
import type { Command } from "./_args.ts";
import type { Paint } from "./_color.ts";
import type { Output, ResolvedIO } from "./_io.ts";

/** The context of one command run. */
export interface Context {
  /** The command. */
  command: Command;
  /** Streams and environment. */
  io: ResolvedIO;
  /** The environment. */
  env: EnvLike;
  /** Masked stdout/stderr writer. */
  out: Output;
  /** Whether stdout gets colours. */
  color: boolean;
  /** Styling functions (no-ops without colours). */
  paint: Paint;
  /** `--debug`. */
  debug: boolean;
  /** Hub base URL. */
  hubUrl: string;
  /** Router base URL. */
  inferenceUrl: string;
  /** Option values. */
  values: Record<string, string | boolean | string[] | undefined>;
  /** Positional arguments after the command. */
  positionals: string[];
  /** Option tokens in command-line order. */
  order: { name: string; value?: string }[];
}

/** What a command ends with. */
export type ExitCode = 0 | 1 | 2 | 130;

/** Prints a debug line on stderr (only with `--debug`). */
export function debugLine(ctx: Context, text: string): void {
  if (ctx.debug) ctx.out.err(`debug: ${text}`);
}

/**
 * Prints the one-line error (and at most one hint line) on stderr.
 *
 * @param ctx The context.
 * @param message What went wrong (only its first line is printed).
 * @param hint What to do.
 */
export function errorLine(ctx: Pick<Context, "out">, message: string, hint?: string): void {
  ctx.out.err(`error: ${firstLine(message)}`);
  if (hint) ctx.out.err(`hint: ${firstLine(hint)}`);
}

/** The first non-empty line of `text`, trimmed. */
export function firstLine(text: string): string {
  return text.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";
}
