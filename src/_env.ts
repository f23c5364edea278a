/**
 * Environment access that tests can replace: every function that reads the
 * environment takes an `env` option (a plain record or anything with `get`).
 *
 * @module
 */

/** Where environment variables are read from: `Deno.env`, or a plain record in tests. */
export type EnvLike =
  | { get(name: string): string | undefined }
  | Readonly<Record<string, string | undefined>>;

/** Reads one variable; an unset or unreadable variable reads as `undefined`. */
export function envGet(env: EnvLike | undefined, name: string): string | undefined {
  const source = env ?? Deno.env;
  try {
    if (typeof (source as { get?: unknown }).get === "function") {
      return (source as { get(name: string): string | undefined }).get(name);
    }
    const value = (source as Readonly<Record<string, string | undefined>>)[name];
    return typeof value === "string" ? value : undefined;
  } catch {
    // No --allow-env for this variable: treat as unset rather than crash a notebook.
    return undefined;
  }
}

/** Reads a variable and treats empty/whitespace values as unset. */
export function envNonEmpty(env: EnvLike | undefined, name: string): string | undefined {
  const value = envGet(env, name);
  return value !== undefined && value.trim() !== "" ? value : undefined;
}

/** True for the usual truthy spellings (`1`, `true`, `yes`, `on`), like huggingface_hub. */
export function envFlag(env: EnvLike | undefined, name: string): boolean {
  const value = envGet(env, name)?.trim().toLowerCase();
  return value === "1" || value === "true" || value === "yes" || value === "on";
}

/**
 * The Hub base URL for OAuth requests made below the hub layer: the `hubUrl` option, else
 * `HF_ENDPOINT`, else huggingface.co; trimmed, no trailing slash.
 */
export function hubBaseUrl(options: { hubUrl?: string; env?: EnvLike }): string {
  const raw = options.hubUrl ?? envNonEmpty(options.env, "HF_ENDPOINT") ??
    "https://huggingface.co";
  return raw.trim().replace(/\/+$/, "");
}
