/**
 * The command line's streams and environment (replaceable in tests), and the
 * output writer that masks every known token before anything is written.
 *
 * @module
 */

import { envGet, type EnvLike } from "../_env.ts";
import { redact } from "../_mask.ts";
import { cleanTerminal } from "../_text.ts";
import type { PromptOutcome } from "../sources/prompt.ts";

/** What {@linkcode main} reads and writes; every field has a real default. */
export interface CliIO {
  /** Receives standard output text (default: `Deno.stdout`). */
  stdout?: (text: string) => void;
  /** Receives standard error text (default: `Deno.stderr`). */
  stderr?: (text: string) => void;
  /** Environment (default `Deno.env`). */
  env?: EnvLike;
  /** Working directory for `.env` files (default `Deno.cwd()`). */
  cwd?: string;
  /** Whether standard input is a terminal (a hidden prompt is possible). Default: asked. */
  stdinIsTty?: boolean;
  /** Whether standard output is a terminal (colours are possible). Default: asked. */
  stdoutIsTty?: boolean;
  /** Asks for the token when no source has one and stdin is a terminal (default: hidden input). */
  prompt?: (message: string) => Promise<PromptOutcome>;
  /** fetch used for every request (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /**
   * Asks to pick one of `choices` on the terminal; `undefined` = cancelled
   * (default: a menu with arrow keys or a number, on stderr).
   */
  choose?: (question: string, choices: readonly string[]) => Promise<number | undefined>;
}

/** {@linkcode CliIO} with every default filled in. */
export type ResolvedIO = Required<Omit<CliIO, "fetch" | "cwd">> & {
  fetch?: typeof fetch;
  cwd?: string;
};

function writeAllSync(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = new TextEncoder().encode(text);
  try {
    while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
  } catch (error) {
    // A closed pipe (`hf probe --json | head -1`) is not worth a crash.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

function isTerminal(stream: { isTerminal(): boolean }): boolean {
  try {
    return stream.isTerminal();
  } catch {
    return false;
  }
}

/** Fills in the defaults of `io`. */
export function resolveIO(io: CliIO = {}): ResolvedIO {
  return {
    stdout: io.stdout ?? ((text) => writeAllSync(Deno.stdout, text)),
    stderr: io.stderr ?? ((text) => writeAllSync(Deno.stderr, text)),
    env: io.env ?? Deno.env,
    cwd: io.cwd,
    stdinIsTty: io.stdinIsTty ?? isTerminal(Deno.stdin),
    stdoutIsTty: io.stdoutIsTty ?? isTerminal(Deno.stdout),
    prompt: io.prompt ?? (async (message) => {
      const { promptForToken } = await import("../sources/prompt.ts");
      return await promptForToken({ message, kernel: false, tty: true });
    }),
    fetch: io.fetch,
    choose: io.choose ?? (async (question, choices) => {
      const { chooseOne } = await import("./_choose.ts");
      return await chooseOne(question, choices);
    }),
  };
}

/**
 * Writes to stdout/stderr through `redact()` and `cleanTerminal()`: every token the command has
 * seen (resolved, stored, in the environment) is masked, whatever the text.
 */
export class Output {
  readonly #io: ResolvedIO;
  readonly #secrets = new Set<string>();

  /**
   * Creates the writer and learns the token-like environment variables.
   *
   * @param io The streams.
   * @param envNames Variables whose values are secrets.
   */
  constructor(io: ResolvedIO, envNames: readonly string[]) {
    this.#io = io;
    for (const name of envNames) this.addSecret(envGet(io.env, name)?.trim());
  }

  /**
   * Adds a secret to mask from now on.
   *
   * @param secret A token (ignored when empty or undefined).
   */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.#secrets.add(secret);
  }

  /**
   * Masks the known secrets in `text`.
   *
   * @param text Any text.
   * @returns The text with every known token masked.
   */
  clean(text: string): string {
    return redact(text, this.#secrets);
  }

  /**
   * Writes lines to stdout (a newline is added).
   *
   * @param text The text.
   */
  out(text: string): void {
    this.#io.stdout(cleanTerminal(this.clean(text)) + "\n");
  }

  /**
   * Writes lines to stderr (a newline is added).
   *
   * @param text The text.
   */
  err(text: string): void {
    this.#io.stderr(cleanTerminal(this.clean(text)) + "\n");
  }
}
