/**
 * `hf whoami`: resolve, validate, print the validation card (or its JSON).
 *
 * @module
 */

import { renderValidationText } from "../display/validation_card.ts";
import type { Validation } from "../hub/validation.ts";
import { whoami } from "../hub/whoami.ts";
import type { Resolution } from "../resolve/resolution.ts";
import { type Context, errorLine, type ExitCode } from "./_context.ts";
import { findToken } from "./_token.ts";

/**
 * Checks the token of `resolution` with the Hub (always a fresh request).
 *
 * @param ctx The context.
 * @param resolution The token and its source.
 * @returns The validation.
 */
export function validate(ctx: Context, resolution: Resolution): Promise<Validation> {
  return whoami({
    resolution,
    hubUrl: ctx.hubUrl,
    inferenceUrl: ctx.inferenceUrl,
    env: ctx.env,
    fetch: ctx.io.fetch,
    refresh: true,
  });
}

/**
 * Prints the card (text, coloured when allowed) or the JSON form on stdout.
 *
 * @param ctx The context.
 * @param validation The validation.
 * @param json Print JSON instead.
 */
export function printValidation(ctx: Context, validation: Validation, json: boolean): void {
  ctx.out.out(
    json
      ? JSON.stringify(validation.toJSON(), null, 2)
      : renderValidationText(validation.toJSON(), { color: ctx.color }),
  );
}

/** The fix to show for a validation that failed: the first error's, else the first one. */
export function validationHint(validation: Validation): string | undefined {
  const d = validation.diagnostics.find((x) => x.severity === "error") ?? validation.diagnostics[0];
  return d?.fix;
}

/**
 * `0` for a valid token; otherwise prints the one-line reason (and fix) on
 * stderr and returns `1`.
 *
 * @param ctx The context.
 * @param validation The validation.
 * @param hint Overrides the hint.
 * @returns The exit code.
 */
export function verdictExit(ctx: Context, validation: Validation, hint?: string): ExitCode {
  if (validation.ok) return 0;
  errorLine(ctx, validation.reason, hint ?? validationHint(validation));
  return 1;
}

/** Runs `hf whoami`. */
export async function runWhoami(ctx: Context): Promise<ExitCode> {
  const resolution = await findToken(ctx);
  const validation = await validate(ctx, resolution);
  printValidation(ctx, validation, ctx.values.json === true);
  return verdictExit(ctx, validation);
}
