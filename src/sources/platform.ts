/**
 * Where the code runs: Colab, Kaggle, a Hugging Face Space, a Jupyter kernel,
 * a terminal, or headless (no one can answer a prompt). Drives which prompt is
 * used and which fix an error message gives.
 *
 * @module
 */

import { type EnvLike, envNonEmpty } from "../_env.ts";

/**
 * True inside a Deno Jupyter kernel (`deno jupyter`).
 *
 * @example Usage
 * ```ts
 * import { inJupyterKernel } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * assert.equal(inJupyterKernel(), false); // a test run is not a kernel
 * ```
 */
export function inJupyterKernel(): boolean {
  try {
    // Outside the kernel, the getter itself throws.
    return typeof (Deno as unknown as { jupyter?: { broadcast?: unknown } }).jupyter
      ?.broadcast === "function";
  } catch {
    return false;
  }
}

/** True when Google Colab's runtime environment variables are present. */
export function isColab(env?: EnvLike): boolean {
  return envNonEmpty(env, "COLAB_RELEASE_TAG") !== undefined ||
    envNonEmpty(env, "COLAB_BACKEND_VERSION") !== undefined ||
    envNonEmpty(env, "COLAB_JUPYTER_IP") !== undefined;
}

/** True in a Kaggle notebook. */
export function isKaggle(env?: EnvLike): boolean {
  return envNonEmpty(env, "KAGGLE_KERNEL_RUN_TYPE") !== undefined ||
    envNonEmpty(env, "KAGGLE_USER_SECRETS_TOKEN") !== undefined;
}

/** True in a Hugging Face Space (`SPACE_ID` is set by Spaces). */
export function isSpace(env?: EnvLike): boolean {
  return envNonEmpty(env, "SPACE_ID") !== undefined ||
    envNonEmpty(env, "SPACE_HOST") !== undefined;
}

/** The platform the code runs on, as detected from the environment. */
export type Platform = "colab" | "kaggle" | "spaces" | "jupyter" | "terminal" | "headless";

/** Options of {@linkcode detectPlatform}. */
export interface DetectPlatformOptions {
  /** Environment to read. Default: `Deno.env`. */
  env?: EnvLike;
  /** Override kernel detection (tests). */
  kernel?: boolean;
  /** Override terminal detection (tests). */
  tty?: boolean;
}

/**
 * Detects the platform. Hosted platforms win over the generic kernel/terminal.
 *
 * @example Usage
 * ```ts
 * import { detectPlatform } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(detectPlatform({ env: { COLAB_RELEASE_TAG: "release-colab_2026" } }), "colab");
 * assert.deepEqual(detectPlatform({ env: {}, kernel: false, tty: false }), "headless");
 * ```
 *
 * @param options Environment and overrides.
 * @returns The platform.
 */
export function detectPlatform(options: DetectPlatformOptions = {}): Platform {
  const { env } = options;
  if (isColab(env)) return "colab";
  if (isKaggle(env)) return "kaggle";
  if (isSpace(env)) return "spaces";
  if (options.kernel ?? inJupyterKernel()) return "jupyter";
  return (options.tty ?? stdinIsTerminal()) ? "terminal" : "headless";
}

/** True when standard input is a terminal someone can type into. */
export function stdinIsTerminal(): boolean {
  try {
    return Deno.stdin.isTerminal();
  } catch {
    return false;
  }
}
