/**
 * Kaggle user secrets (Add-ons → Secrets), read over HTTP exactly as Kaggle's
 * own `kaggle_secrets.UserSecretsClient` does: `POST
 * {KAGGLE_URL_BASE}/requests/GetUserSecretByLabelRequest` with `{"Label": name}`
 * and `X-Kaggle-Authorization: Bearer $KAGGLE_USER_SECRETS_TOKEN`.
 *
 * @module
 */

import { JSON_BODY_LIMIT, readBoundedText, redirectText, tooLargeText } from "../_body.ts";
import { envNonEmpty } from "../_env.ts";
import { shorten } from "../_text.ts";
import { SecretAccessError } from "../errors.ts";
import type { SecretStore } from "./secret_store.ts";
import type { SourceContext } from "./types.ts";

/** Kaggle's default base URL (override with `KAGGLE_URL_BASE`). */
export const KAGGLE_DEFAULT_URL_BASE = "https://www.kaggle.com";
const ENDPOINT = "/requests/GetUserSecretByLabelRequest";

/**
 * The Kaggle user-secrets store. Available when `KAGGLE_USER_SECRETS_TOKEN` is set.
 *
 * @example Usage (against a stand-in for Kaggle's service)
 * ```ts
 * import { kaggleSecretStore } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * const fetch: typeof globalThis.fetch = () =>
 *   Promise.resolve(Response.json({ wasSuccessful: true, result: { secret: "hf_sandbox_read_alice" } }));
 * const ctx = { env: { KAGGLE_USER_SECRETS_TOKEN: "jwt" }, cwd: ".", fetch };
 * assert.deepEqual(await kaggleSecretStore.get("HF_TOKEN", ctx), "hf_sandbox_read_alice");
 * ```
 */
export const kaggleSecretStore: SecretStore = {
  id: "kaggle",
  remote: true,
  available(ctx: SourceContext): boolean {
    return envNonEmpty(ctx.env, "KAGGLE_USER_SECRETS_TOKEN") !== undefined;
  },
  describe(ctx: SourceContext): string {
    return `Kaggle user secrets at ${
      envNonEmpty(ctx.env, "KAGGLE_URL_BASE") ?? KAGGLE_DEFAULT_URL_BASE
    }`;
  },
  async get(name: string, ctx: SourceContext): Promise<string | undefined> {
    const jwt = envNonEmpty(ctx.env, "KAGGLE_USER_SECRETS_TOKEN");
    if (!jwt) return undefined;
    const base = (envNonEmpty(ctx.env, "KAGGLE_URL_BASE") ?? KAGGLE_DEFAULT_URL_BASE).replace(
      /\/+$/,
      "",
    );
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "X-Kaggle-Authorization": `Bearer ${jwt}`,
    };
    const iap = envNonEmpty(ctx.env, "KAGGLE_IAP_TOKEN");
    if (iap) headers["Authorization"] = `Bearer ${iap}`;
    const where = `Kaggle user secrets (${base})`;
    const secrets = [jwt, iap];
    let response: Response;
    let body: string;
    try {
      response = await ctx.fetch(base + ENDPOINT, {
        method: "POST",
        headers,
        body: JSON.stringify({ Label: name }),
        signal: ctx.signal ?? AbortSignal.timeout(40_000),
        // The JWT and the label must not follow a redirect to another origin, and another
        // origin's answer must not become the token.
        redirect: "manual",
      });
      const redirect = redirectText(response);
      if (redirect !== undefined) {
        response.body?.cancel().catch(() => {});
        throw new SecretAccessError(
          name,
          "kaggle",
          `${where} answered a redirect (${
            shorten(redirect, 200, secrets)
          }): refused, because the request carries the notebook's Kaggle secrets token. ` +
            `Check KAGGLE_URL_BASE (it should be Kaggle's own address), or copy the token into ` +
            `an environment variable instead.`,
        );
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        body = "";
      } else {
        const read = await readBoundedText(response, JSON_BODY_LIMIT);
        if (read.truncated) {
          throw new SecretAccessError(
            name,
            "kaggle",
            `${where} sent ${tooLargeText(JSON_BODY_LIMIT)}; nothing of it is used. Try again ` +
              `in a moment; if it persists, copy the token into an environment variable instead.`,
          );
        }
        body = read.text;
      }
    } catch (error) {
      if (error instanceof SecretAccessError) throw error;
      throw new SecretAccessError(
        name,
        "kaggle",
        `${where} could not be reached: ${shorten(String(error), 200, secrets)}. Check that ` +
          `the notebook has Internet on (Settings → Internet) or re-run the cell.`,
        { cause: error },
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new SecretAccessError(
        name,
        "kaggle",
        `${where} refused the request (HTTP ${response.status}): the notebook's secrets token ` +
          `was not accepted. Restart the Kaggle session so it gets a fresh one.`,
      );
    }
    if (!response.ok) {
      throw new SecretAccessError(
        name,
        "kaggle",
        `${where} answered HTTP ${response.status}. Try again in a moment; if it persists, ` +
          `copy the token into an environment variable instead.`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new SecretAccessError(
        name,
        "kaggle",
        `${where} answered with something that is not JSON (${body.length} bytes${
          // Only an HTML page is quoted: any other body might be the secret itself.
          /^\s*</.test(body)
            ? `, starting ${JSON.stringify(shorten(body.slice(0, 40), 40, secrets))}`
            : ""}). Kaggle's service may be down; try again.`,
      );
    }
    const parsed = json as {
      wasSuccessful?: boolean;
      result?: { secret?: unknown };
      errors?: unknown;
    };
    if (parsed.wasSuccessful && typeof parsed.result?.secret === "string") {
      return parsed.result.secret;
    }
    if (parsed.wasSuccessful === false || parsed.result?.secret === undefined) {
      // Kaggle answers wasSuccessful=false when the secret is not attached to this notebook.
      return undefined;
    }
    throw new SecretAccessError(
      name,
      "kaggle",
      `${where} answered an unexpected shape (no result.secret string).`,
    );
  },
};
