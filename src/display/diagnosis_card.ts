/**
 * The diagnosis card of `explain()` and `HfCallError` (pure): what failed, whose fault it
 * is, the fix, and the facts to quote (status, provider, model, request id). HTML escapes
 * everything; the text form passes every server string through the one text cleaner.
 *
 * @module
 */

import { html } from "./_html.ts";
import { badge, hfnaRoot, INLINE, type Tone } from "./_style.ts";
import { cleanText } from "../_text.ts";

/** What a diagnosis card shows (`Diagnosis#toJSON()` returns this). */
export interface DiagnosisData {
  /** The failure class (see `FAILURE_CLASSES`), e.g. `provider-rate-limited`. */
  code: string;
  /** The class's short title. */
  title: string;
  /** What went wrong, in one or two sentences (masked, never the token). */
  reason: string;
  /** What to do. */
  fix: string;
  /** `true` when the token itself is to blame; `false` when it is not. */
  tokenFault: boolean;
  /** The HTTP status that decided it (for a stream error: the status the event stands for). */
  status?: number;
  /** The server's request id (masked like every server string): quote it when reporting. */
  requestId?: string;
  /** The provider that answered (or was asked). */
  provider?: string;
  /** The model the call was about. */
  model?: string;
  /** Seconds the answer asked to wait (429 `Retry-After` / `RateLimit`, 503 `estimated_time`). */
  waitSeconds?: number;
  /** The URL that answered (no query string). */
  url?: string;
}

function facts(data: DiagnosisData): [string, string][] {
  const out: [string, string][] = [];
  if (data.status !== undefined) out.push(["status", String(data.status)]);
  if (data.provider) out.push(["provider", data.provider]);
  if (data.model) out.push(["model", data.model]);
  if (data.waitSeconds !== undefined) out.push(["asked to wait", `${data.waitSeconds} s`]);
  if (data.requestId) out.push(["request id", data.requestId]);
  if (data.url) out.push(["url", data.url]);
  return out;
}

function fault(data: DiagnosisData): [string, Tone] {
  return data.tokenFault
    ? ["the token is to blame", "error"]
    : data.code === "unknown"
    ? ["cause not recognised", "warn"]
    : ["not your token's fault", "info"];
}

/**
 * The diagnosis as an HTML card.
 *
 * @example Usage
 * ```ts
 * import { renderDiagnosisHtml } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const out = renderDiagnosisHtml({
 *   code: "provider-rate-limited", title: "Rate limited by the provider",
 *   reason: "<b>429</b>", fix: "Wait.", tokenFault: false, status: 429,
 * });
 * assert.ok(out.includes("&lt;b&gt;429&lt;/b&gt;"));
 * ```
 *
 * @param data The diagnosis.
 * @returns Self-contained HTML.
 */
export function renderDiagnosisHtml(data: DiagnosisData): string {
  const [who, tone] = fault(data);
  const rows = facts(data);
  const inner = html`
    <div class="hfna-head"
      style="${INLINE.head}"><span class="hfna-title" style="${INLINE.title}">${data
        .title}</span>${badge(who, tone)}${badge(data.code, "muted")}</div>
    <p class="hfna-reason" style="${INLINE.reason}">${data.reason}</p>
    <p style="${INLINE.reason}"><b>Fix:</b> ${data.fix}</p>${rows.length
      ? html`<dl class="hfna-kv" style="${INLINE.kv}">${
        rows.map(([k, v]) =>
          html`
            <dt style="${INLINE.dt}">${k}</dt>
            <dd style="${INLINE.dd}"><code style="${INLINE.code}">${v}</code></dd>
          `
        )
      }</dl>`
      : ""}
  `;
  return hfnaRoot(inner, data.tokenFault ? "error" : "warn", `Diagnosis: ${data.title}`, {
    tint: data.tokenFault,
  });
}

/**
 * The diagnosis as terminal text (every server string cleaned: no escape sequences).
 *
 * @example Usage
 * ```ts
 * import { renderDiagnosisText } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const out = renderDiagnosisText({
 *   code: "unknown", title: "Unknown failure", reason: "said \x1b]52;c;x\x07", fix: "Retry.",
 *   tokenFault: false,
 * });
 * assert.ok(!out.includes("\x1b"));
 * ```
 *
 * @param data The diagnosis.
 * @returns Lines of text.
 */
export function renderDiagnosisText(data: DiagnosisData): string {
  const [who] = fault(data);
  const lines = [
    `✗ ${data.title} (${data.code}) — ${who}`,
    `  ${data.reason}`,
    `  Fix: ${data.fix}`,
    ...facts(data).map(([k, v]) => `  ${k}: ${v}`),
  ];
  return cleanText(lines.join("\n"));
}
