/**
 * Terminal colours: on only when stdout is a terminal, `NO_COLOR` is unset
 * (https://no-color.org) and `--no-color` was not given.
 *
 * @module
 */

import { type EnvLike, envNonEmpty } from "../_env.ts";

/**
 * Whether to colour the output.
 *
 * @param options What the terminal and the person said.
 * @returns `true` when colours may be used.
 */
export function useColor(
  options: { stdoutIsTty: boolean; env: EnvLike; noColorFlag: boolean },
): boolean {
  return options.stdoutIsTty && !options.noColorFlag && envNonEmpty(options.env, "NO_COLOR") ===
      undefined;
}

/** ANSI styling functions that do nothing when colours are off. */
export interface Paint {
  /** Bold. */
  bold(text: string): string;
  /** Dim. */
  dim(text: string): string;
  /** Red. */
  red(text: string): string;
  /** Green. */
  green(text: string): string;
  /** Yellow. */
  yellow(text: string): string;
}

/**
 * The styling functions for `enabled`.
 *
 * @param enabled Whether colours are on.
 * @returns Styling functions.
 */
export function paint(enabled: boolean): Paint {
  const wrap = (code: number) => (text: string) => enabled ? `\x1b[${code}m${text}\x1b[0m` : text;
  return { bold: wrap(1), dim: wrap(2), red: wrap(31), green: wrap(32), yellow: wrap(33) };
}
