/**
 * `sources()`: every place a token can come from, what each holds (masked),
 * which one is in use, and where sources disagree.
 *
 * @module
 */

import { maskToken } from "../_mask.ts";
import { Displayable } from "../display/displayable.ts";
import {
  renderSourcesHtml,
  renderSourcesText,
  type SourceRow,
  type SourcesData,
} from "../display/sources_table.ts";
import { colabExplanation } from "../sources/colab.ts";
import { normalizeToken } from "../sources/normalize_token.ts";
import { detectPlatform, inJupyterKernel } from "../sources/platform.ts";
import { shadowedTokenWarning, type TokenWarning } from "./resolution.ts";
import type { ResolveOptions } from "./resolve_token.ts";
import { sessionState } from "./session_cache.ts";
import { buildSourceList, sourceContext } from "./source_list.ts";
import { envNonEmpty } from "../_env.ts";
import { tokenFileSource } from "../sources/token_file.ts";
import { tokenPaths } from "../store/paths.ts";
import { browserLoginInfo, describeBrowserLogin, readStoredFile } from "../store/save_token.ts";

/**
 * The sources table: a displayable (HTML in Jupyter, text in terminals, JSON for programs).
 *
 * @example Usage
 * ```ts
 * import { SourcesTable } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const table = new SourcesTable({ rows: [], warnings: [], platform: "terminal" });
 * assert.match(table.toString(), /in use: none/);
 * ```
 */
export class SourcesTable extends Displayable {
  /** The data. */
  readonly data: SourcesData;
  /** Wraps the data. */
  constructor(data: SourcesData) {
    super();
    this.data = data;
  }
  /** HTML rendering. */
  toHtml(): string {
    return renderSourcesHtml(this.data);
  }
  /** Text rendering. */
  toString(): string {
    return renderSourcesText(this.data);
  }
  /** The data (masked values only). */
  toJSON(): SourcesData {
    return this.data;
  }
}

/**
 * Surveys every token source (it does not stop at the first hit and never
 * prompts) and reports which one wins and which are shadowed.
 *
 * @example Usage
 * ```ts
 * import { sources } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const table = await sources({
 *   env: { HF_TOKEN: "hf_sandbox_read_alice", HF_API_KEY: "hf_sandbox_write_bob" },
 *   mountedSecretDirs: [], dotenv: false, tokenFile: false,
 * });
 * assert.deepEqual(table.data.active, "env:HF_TOKEN");
 * assert.deepEqual(table.data.warnings[0].code, "shadowed-token");
 * ```
 *
 * @param options The same options as `resolveToken`.
 * @returns The table.
 */
export async function sources(options: ResolveOptions = {}): Promise<SourcesTable> {
  const env = options.env ?? Deno.env;
  const platform = options.platform ?? detectPlatform({ env });
  const ctx = sourceContext(options);
  const session = sessionState().resolution;
  const rows: SourceRow[] = [];
  const tokens: { source: string; token: string }[] = [];
  const oidcResource = envNonEmpty(env, "HF_OIDC_RESOURCE")?.trim();
  if (oidcResource) {
    // Trusted Publishers come first; sources() does not run the exchange (a network call).
    const oidcId = `oidc:${oidcResource}`;
    const inSession = session?.source === oidcId;
    rows.push({
      source: oidcId,
      status: inSession ? "found" : "not-found",
      masked: inSession ? session.masked : undefined,
      active: false,
      shadowed: false,
      detail: inSession
        ? "short-lived token from the OIDC exchange (Trusted Publishers), renewed before it expires"
        : "HF_OIDC_RESOURCE is set: resolution exchanges the CI's OIDC id token first " +
          "(a failure is an error)",
    });
    if (inSession) tokens.push({ source: oidcId, token: session.token });
  }
  const tokenFileId = tokenFileSource({ env: options.env }).id;
  if (session && session.source.startsWith("explicit")) {
    rows.push({
      source: session.source,
      status: "found",
      masked: session.masked,
      active: true,
      shadowed: false,
    });
    tokens.push({ source: session.source, token: session.token });
  }
  for (const source of buildSourceList(options)) {
    const hit = await source.lookup(ctx);
    const id = hit.source ?? source.id;
    if (hit.outcome === "found" && hit.value !== undefined) {
      try {
        const { token } = normalizeToken(hit.value, id);
        let login: string | undefined;
        if (id === tokenFileId) {
          // A browser login (hf auth login >= 1.20): say so, with its expiry and renewal.
          const file = await readStoredFile(tokenPaths({ env: options.env }).storedTokensPath)
            .catch(() => undefined);
          const section = file?.sections.find((s) => s.fields.hf_token === token);
          const info = section ? browserLoginInfo(section.fields) : undefined;
          if (section && info) login = `${describeBrowserLogin(info)} ("${section.name}")`;
        }
        rows.push({
          source: id,
          status: "found",
          masked: maskToken(token),
          active: false,
          shadowed: false,
          detail: [login, hit.warnings?.map((w) => w.message).join(" ")].filter(Boolean)
            .join(" · ") || undefined,
        });
        tokens.push({ source: id, token });
      } catch (error) {
        rows.push({
          source: id,
          status: "invalid",
          active: false,
          shadowed: false,
          detail: (error as Error).message,
        });
      }
    } else {
      const na = hit.detail === "not available here" || hit.detail === "not set";
      rows.push({
        source: id,
        status: hit.outcome === "error" ? "error" : na ? "n/a" : "not-found",
        active: false,
        shadowed: false,
        detail: hit.detail,
      });
    }
  }
  if (platform === "colab") {
    // Colab's vault answers only its Python kernel: say so, with the bridge, where people look.
    const at = rows.findIndex((r) =>
      !r.source.startsWith("secret:") && !r.source.startsWith("oidc:")
    );
    rows.splice(at, 0, {
      source: "secret:colab:HF_TOKEN",
      status: "n/a",
      active: false,
      shadowed: false,
      detail: colabExplanation("HF_TOKEN"),
    });
  }
  // The session's source is "in use" only if it still holds that token (the environment may
  // have changed since); explicit and prompted tokens live in the session itself.
  const sessionStillThere = session &&
    (session.source.startsWith("explicit") || session.source.startsWith("prompt:") ||
      tokens.some((t) => t.source === session.source && t.token === session.token));
  const activeSource = sessionStillThere ? session.source : tokens[0]?.source;
  const promptable = inJupyterKernel() || platform === "terminal";
  rows.push({
    source: "prompt",
    status: promptable ? "not-found" : "n/a",
    active: (sessionStillThere && session?.source.startsWith("prompt:")) ?? false,
    shadowed: false,
    masked: session?.source.startsWith("prompt:") ? session.masked : undefined,
    detail: promptable
      ? "asks when nothing else has a token (hidden input)"
      : "no one can be asked here (no terminal, not in a kernel)",
  });

  const winner = tokens.find((t) => t.source === activeSource) ?? tokens[0];
  const warnings: TokenWarning[] = [];
  for (const row of rows) {
    if (row.source === activeSource) row.active = true;
    else if (row.status === "found" && winner) {
      row.shadowed = true;
      const other = tokens.find((t) => t.source === row.source);
      if (other && other.token !== winner.token) {
        warnings.push(shadowedTokenWarning(winner, other));
      }
    }
  }
  return new SourcesTable({ rows, active: activeSource, warnings, platform });
}
