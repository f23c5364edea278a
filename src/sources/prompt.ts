/**
 * The secure prompt, last in the order: a masked password box inside a Deno
 * Jupyter kernel, hidden input on a terminal, and nothing at all where nobody
 * can answer (the caller then gets a `TokenNotFoundError` with the fix).
 *
 * @module
 */

import { inJupyterKernel, stdinIsTerminal } from "./platform.ts";
import { PromptCancelled, readHiddenLine } from "./_hidden_input.ts";

/**
 * The default prompt text.
 *
 * @example Usage
 * ```ts
 * import { PROMPT_MESSAGE } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * assert.match(PROMPT_MESSAGE, /input hidden/);
 * ```
 */
export const PROMPT_MESSAGE =
  "Hugging Face token (input hidden; create one at https://huggingface.co/settings/tokens): ";

/** How a prompt ended. */
export type PromptOutcome =
  | { kind: "answered"; value: string; via: "jupyter" | "terminal" }
  | { kind: "unavailable"; reason: string }
  | { kind: "dismissed"; via: "jupyter" | "terminal"; reason: string };

/** Options of {@linkcode promptForToken}. */
export interface PromptOptions {
  /** Prompt text. */
  message?: string;
  /** Override kernel detection (tests). */
  kernel?: boolean;
  /** Override terminal detection (tests). */
  tty?: boolean;
}

type PasswordPrompt = (message: string, defaultValue: string, options: { password: boolean }) =>
  | string
  | null;

/**
 * Asks for the token where someone can answer.
 *
 * @example Headless: nobody to ask
 * ```ts
 * import { promptForToken } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * const outcome = await promptForToken({ kernel: false, tty: false });
 * assert.deepEqual(outcome.kind, "unavailable");
 * ```
 *
 * @param options Message and detection overrides.
 * @returns What happened.
 */
export async function promptForToken(options: PromptOptions = {}): Promise<PromptOutcome> {
  const message = options.message ?? PROMPT_MESSAGE;
  if (options.kernel ?? inJupyterKernel()) {
    // In the Deno kernel, prompt() sends a password input_request; it returns
    // null when the frontend does not allow stdin (nbclient, papermill).
    const ask = globalThis.prompt as unknown as PasswordPrompt;
    const value = ask(message, "", { password: true });
    if (value === null) {
      return {
        kind: "dismissed",
        via: "jupyter",
        reason: "the notebook frontend did not allow input (stdin is disabled, as under " +
          "nbclient/papermill or a non-interactive run)",
      };
    }
    if (value.trim() === "") {
      return { kind: "dismissed", via: "jupyter", reason: "the password box was left empty" };
    }
    return { kind: "answered", value, via: "jupyter" };
  }
  if (!(options.tty ?? stdinIsTerminal())) {
    return {
      kind: "unavailable",
      reason:
        "standard input is not a terminal (CI, a pipe, or a notebook runner), so no one can " +
        "be asked",
    };
  }
  try {
    const value = await readHiddenLine(message);
    if (value.trim() === "") {
      return { kind: "dismissed", via: "terminal", reason: "an empty line was entered" };
    }
    return { kind: "answered", value, via: "terminal" };
  } catch (error) {
    if (error instanceof PromptCancelled) {
      return { kind: "dismissed", via: "terminal", reason: "the prompt was cancelled (Ctrl-C)" };
    }
    throw error;
  }
}
