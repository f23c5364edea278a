/**
 * Pure renderers of a token validation: a compact HTML card for notebooks and
 * an aligned plain-text card for terminals. Every string that came from the
 * network or a file goes through the escaping html`` tag (HTML) or has its
 * control characters neutralised (text). Only the masked token is ever shown.
 *
 * @module
 */

import { daysUntil } from "../_days.ts";
import type { Diagnostic, PermissionGroup, ValidationData, Verdict } from "../hub/types.ts";
import { cleanText } from "../_text.ts";
import { html, type SafeHtml } from "./_html.ts";
import {
  badge,
  hfnaRoot,
  INLINE,
  PALETTE,
  severityIcon,
  severityIconHtml,
  severityTone,
  sx,
  TINT,
  type Tone,
} from "./_style.ts";

const LABELS: Record<Verdict, string> = {
  valid: "valid",
  invalid: "invalid",
  expired: "expired",
  offline: "offline · not checked",
  "network-error": "network error",
  "rate-limited": "rate-limited",
  "server-error": "server error",
};

/**
 * The badge tone of a verdict: green for `valid`, grey for `offline`, red for
 * every failure.
 *
 * @example Usage
 * ```ts
 * import { verdictTone } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(verdictTone("valid"), "ok");
 * assert.deepEqual(verdictTone("offline"), "muted");
 * assert.deepEqual(verdictTone("expired"), "error");
 * ```
 *
 * @param verdict A verdict.
 * @returns Its tone.
 */
export function verdictTone(verdict: Verdict): Tone {
  return verdict === "valid" ? "ok" : verdict === "offline" ? "muted" : "error";
}

function roleLabel(data: ValidationData): string | undefined {
  const t = data.token;
  if (!t) return undefined;
  if (t.role === "fineGrained") return "fine-grained";
  if (t.role) return t.role;
  if (t.authType?.startsWith("app_token")) return "app (OAuth)";
  if (data.source?.startsWith("oidc:")) return "Trusted Publisher (OIDC, short-lived)";
  if (data.browserLogin || t.authType === "oauth") return "browser login (OAuth)";
  return undefined;
}

/** "yes, automatically" / "no: …" for a browser login; `undefined` for other tokens. */
function renewsLabel(data: ValidationData): string | undefined {
  const login = data.browserLogin;
  if (!login) return undefined;
  switch (login.refresh) {
    case "refreshed":
      return "yes, automatically (renewed just now)";
    case "adopted":
      return "yes, automatically (renewed by another process)";
    case "revoked":
      return "no: the Hub refused to renew it (log in again)";
    case "failed":
      return "yes, automatically (the last try failed; retried in 5 minutes)";
    default:
      return login.renews
        ? "yes, automatically when less than a day is left"
        : "no (no refresh token stored)";
  }
}

function day(isoDate: string | undefined): string | undefined {
  if (!isoDate) return undefined;
  const t = Date.parse(isoDate);
  return Number.isNaN(t) ? isoDate : new Date(t).toISOString().slice(0, 10);
}

function expiryLabel(data: ValidationData): string | undefined {
  const t = data.token;
  const expiresAt = t?.expiresAt ?? data.browserLogin?.expiresAt;
  if (!t && !expiresAt) return undefined;
  if (!expiresAt) return data.verdict === "valid" && t?.role ? "never" : undefined;
  const days = daysUntil(expiresAt, data.checkedAt);
  const when = day(expiresAt);
  if (days === undefined) return when;
  if (days < 0) return `${when} (expired ${-days} day${days === -1 ? "" : "s"} ago)`;
  if (days === 0) return `${when} (today)`;
  return `${when} (in ${days} day${days === 1 ? "" : "s"})`;
}

function orgsLabel(data: ValidationData): string | undefined {
  const orgs = data.identity?.orgs ?? [];
  if (orgs.length === 0) return undefined;
  return orgs.map((o) => (o.role ? `${o.name} (${o.role})` : o.name)).join(", ");
}

function accountLabel(data: ValidationData): string | undefined {
  const id = data.identity;
  if (!id) return undefined;
  return id.fullname && id.fullname !== id.name ? `${id.name} — ${id.fullname}` : id.name;
}

function kindLabel(data: ValidationData): string | undefined {
  const kind = data.identity?.kind;
  if (!kind) return undefined;
  return kind === "app" ? "app" : kind === "org" ? "organisation" : "user";
}

function kvRow(label: string, value: SafeHtml | string | undefined): SafeHtml | "" {
  if (value === undefined || value === "") return "";
  return html`
    <dt style="${INLINE.dt}">${label}</dt>
    <dd style="${INLINE.dd}">${value}</dd>
  `;
}

function permissionsTable(groups: PermissionGroup[]): SafeHtml {
  const rows = groups.map((g) => {
    const codes = g.permissions.map((p) =>
      html`
        <code style="${INLINE.code}">${p}</code>
      `
    );
    const cell = codes.length
      ? codes
      : html`<span class="hfna-muted" style="${INLINE.muted}">none</span>`;
    return html`
      <tr style="${INLINE.tr}">
        <td style="${INLINE.td}"><code style="${INLINE.code}">${g.scope}</code></td>
        <td style="${INLINE.td}">${cell}</td>
      </tr>
    `;
  });
  return html`
    <table class="hfna-table" style="${INLINE.table}">
      <thead>
        <tr style="${INLINE.tr}">
          <th style="${INLINE.th}">Scope</th>
          <th style="${INLINE.th}">Permissions</th>
        </tr>
      </thead>
      <tbody>${rows}</tbody>
    </table>
  `;
}

function diagnosticsList(diagnostics: Diagnostic[], next: Diagnostic | undefined): SafeHtml {
  const items = diagnostics.map((d) => {
    const icon = severityIconHtml(d.severity);
    const fix = d === next
      ? html`<div class="hfna-fix" style="${INLINE.muted}">Fix: the next step above.</div>`
      : html`<div class="hfna-fix" style="${INLINE.muted}">Fix: ${d.fix}</div>`;
    return html`
      <li data-code="${d.code}" data-severity="${d.severity}" style="${INLINE.item}">
        ${icon}
        <div>
          <div>${d.message}</div>
          ${fix}
        </div>
      </li>
    `;
  });
  return html`<ul class="hfna-diags" style="${INLINE.list}">${items}</ul>`;
}

/**
 * The single most important next step of a validation: the fix of its most severe error or
 * warning (diagnostics come most severe first), if there is one.
 *
 * @example Usage
 * ```ts
 * import { nextStep } from "./validation_card.ts";
 * import assert from "node:assert/strict";
 *
 * const d = { code: "x", severity: "warning" as const, message: "m", fix: "Do this." };
 * assert.equal(nextStep({ diagnostics: [d] })?.fix, "Do this.");
 * assert.equal(nextStep({ diagnostics: [{ ...d, severity: "info" }] }), undefined);
 * ```
 *
 * @param data The validation (its diagnostics).
 * @returns The diagnostic whose fix is the next step.
 */
export function nextStep(data: Pick<ValidationData, "diagnostics">): Diagnostic | undefined {
  return data.diagnostics.find((d) => d.severity === "error" || d.severity === "warning");
}

/**
 * Renders a validation as a compact, self-contained HTML card (scoped styles,
 * no scripts, no images, no external resources): verdict badge, account,
 * token facts with the masked token, fine-grained permissions by scope, and
 * diagnostics with fixes. Failures render as a red card with the reason and
 * fix. Every value is escaped.
 *
 * @example Usage
 * ```ts
 * import { renderValidationHtml } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const out = renderValidationHtml({
 *   verdict: "valid",
 *   reason: "The Hub accepted the token.",
 *   masked: "hf_sa…ice",
 *   identity: { kind: "user", name: "mallory", fullname: "<img src=x>", orgs: [] },
 *   diagnostics: [],
 *   warnings: [],
 *   hubUrl: "https://huggingface.co",
 *   checkedAt: "2030-01-01T00:00:00Z",
 * });
 * assert.ok(out.includes("&lt;img src=x&gt;") && !out.includes("<img"));
 * ```
 *
 * @param data The validation data.
 * @returns An HTML fragment for `text/html`.
 */
export function renderValidationHtml(data: ValidationData): string {
  const tone = verdictTone(data.verdict);
  const worst = data.diagnostics[0]?.severity;
  const accent: Tone = tone !== "ok"
    ? tone
    : worst === "error"
    ? "error"
    : worst === "warning"
    ? "warn"
    : "ok";
  const id = data.identity;
  const t = data.token;

  const source = data.source
    ? html`<span class="hfna-sub" style="${INLINE.muted}">from ${data.source}</span>`
    : "";
  const pro = id?.isPro ? badge("PRO", "pro") : "";
  const verdict = badge(LABELS[data.verdict], tone);
  const title = html`<span class="hfna-title" style="${INLINE.title}">Hugging Face token</span>`;
  const next = nextStep(data);
  const nextTone = next ? severityTone(next.severity) : "ok";
  const nextHtml = next
    ? html`<div class="hfna-next" data-code="${next.code}" style="${
      sx(
        `border-left:3px solid ${PALETTE[nextTone]}`,
        `background-color:${TINT[nextTone]}`,
        "padding:4px 10px;margin:0 0 6px;border-radius:4px;font-weight:600",
      )
    }">Next step: ${next.fix}</div>`
    : "";
  const head = html`
    <div class="hfna-head"
      style="${INLINE.head}">${title}${verdict}${pro}<code style="${INLINE
        .code}">${data.masked}</code>${source}</div>
    <div class="hfna-reason" style="${INLINE.reason}">${data.reason}</div>
    ${nextHtml}
  `;

  const whoRows = [
    kvRow("Name", accountLabel(data)),
    kvRow("Kind", kindLabel(data)),
    kvRow("Orgs", orgsLabel(data)),
    id?.isPro !== undefined ? kvRow("PRO", id.isPro ? "yes" : "no") : "",
  ];
  const who = id
    ? html`
      <h4 class="hfna-section" style="${INLINE.section}">Account</h4>
      <dl class="hfna-kv" style="${INLINE.kv}">${whoRows}</dl>
    `
    : "";

  const scope = t?.appScope;
  const tokenRows = [
    kvRow("Name", t?.displayName ?? data.browserLogin?.name),
    kvRow("Role", roleLabel(data)),
    kvRow("Token", html`<code style="${INLINE.code}">${data.masked}</code>`),
    kvRow("Source", data.source),
    kvRow("Created", day(t?.createdAt)),
    kvRow("Expires", expiryLabel(data)),
    kvRow("Renews", renewsLabel(data)),
    scope
      ? kvRow("App scope", `${scope.role ?? "?"} on ${scope.entities.join(", ") || "no entities"}`)
      : "",
    t?.canReadGatedRepos !== undefined
      ? kvRow("Gated repos", t.canReadGatedRepos ? "readable" : "not readable")
      : "",
  ];
  const tokenSection = html`
    <h4 class="hfna-section" style="${INLINE.section}">Token</h4>
    <dl class="hfna-kv" style="${INLINE.kv}">${tokenRows}</dl>
  `;

  const permsBody = t?.permissions.length
    ? permissionsTable(t.permissions)
    : html`<div class="hfna-muted" style="${INLINE.muted}">No permissions at all.</div>`;
  const perms = t?.role === "fineGrained"
    ? html`
      <h4 class="hfna-section" style="${INLINE.section}">Fine-grained permissions</h4>${permsBody}
    `
    : "";

  const diags = data.diagnostics.length
    ? html`
      <h4 class="hfna-section" style="${INLINE.section}">Diagnostics</h4>${diagnosticsList(
        data.diagnostics,
        next,
      )}
    `
    : "";

  const checked = data.checkedAt.replace("T", " ").replace(/\.\d+Z$/, "Z");
  const status = data.status !== undefined ? ` · HTTP ${data.status}` : "";
  const foot = html`
    <div class="hfna-muted hfna-foot"
      style="${INLINE.foot}">Checked ${checked} against ${data.hubUrl}${status}</div>
  `;

  return hfnaRoot(
    html`${head}${who}${tokenSection}${perms}${diags}${foot}`,
    accent,
    `Hugging Face token: ${LABELS[data.verdict]}`,
  );
}

/** One line of untrusted text: controls shown escaped ({@linkcode cleanText}), newlines as spaces. */
function clean(text: string): string {
  return cleanText(text).replace(/\n/g, " ");
}

const ANSI = {
  reset: "\x1b[0m",
  bold: "\x1b[1m",
  dim: "\x1b[2m",
  red: "\x1b[31m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  blue: "\x1b[34m",
  grey: "\x1b[90m",
};

/** Options of {@linkcode renderValidationText}. */
export interface ValidationTextOptions {
  /** Use ANSI colours. Default: `false`. */
  color?: boolean;
}

/**
 * Renders a validation as an aligned plain-text card for terminals and logs
 * (colours only with `color: true`). Control characters from the network are
 * replaced, so a crafted display name cannot move the cursor or recolour the
 * terminal.
 *
 * @example Usage
 * ```ts
 * import { renderValidationText } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const out = renderValidationText({
 *   verdict: "offline",
 *   reason: "HF_HUB_OFFLINE is set: the token was not checked with the Hub.",
 *   masked: "hf_sa…ice",
 *   source: "env:HF_TOKEN",
 *   diagnostics: [],
 *   warnings: [],
 *   hubUrl: "https://huggingface.co",
 *   checkedAt: "2030-01-01T00:00:00Z",
 * });
 * assert.ok(out.startsWith("Hugging Face token · OFFLINE"));
 * assert.ok(!out.includes("\x1b["));
 * ```
 *
 * @param data The validation data.
 * @param options `color` to add ANSI colours.
 * @returns Multi-line text.
 */
export function renderValidationText(
  data: ValidationData,
  options: ValidationTextOptions = {},
): string {
  const c = (code: keyof typeof ANSI, text: string) =>
    options.color ? `${ANSI[code]}${text}${ANSI.reset}` : text;
  const tone = verdictTone(data.verdict);
  const verdictColor = tone === "ok" ? "green" : tone === "muted" ? "grey" : "red";
  const lines: string[] = [];
  lines.push(
    `${c("bold", "Hugging Face token")} · ${c(verdictColor, LABELS[data.verdict].toUpperCase())}${
      data.identity?.isPro ? ` · ${c("blue", "PRO")}` : ""
    }`,
  );
  const next = nextStep(data);
  const rows: [string, string | undefined][] = [
    ["Reason", data.reason],
    ["Next step", next?.fix],
    ["Account", accountLabel(data)],
    ["Kind", kindLabel(data)],
    ["Orgs", orgsLabel(data)],
    ["Token", data.masked],
    ["Source", data.source],
    ["Name", data.token?.displayName ?? data.browserLogin?.name],
    ["Role", roleLabel(data)],
    ["Created", day(data.token?.createdAt)],
    ["Expires", expiryLabel(data)],
    ["Renews", renewsLabel(data)],
    [
      "App scope",
      data.token?.appScope
        ? `${data.token.appScope.role ?? "?"} on ${data.token.appScope.entities.join(", ")}`
        : undefined,
    ],
  ];
  const width = 12;
  for (const [label, value] of rows) {
    if (value === undefined || value === "") continue;
    lines.push(`  ${c("dim", label.padEnd(width))}${clean(value)}`);
  }
  if (data.token?.role === "fineGrained") {
    lines.push(`  ${c("dim", "Permissions")}`);
    const groups = data.token.permissions;
    if (groups.length === 0) lines.push(`    (none)`);
    const scopeWidth = Math.max(...groups.map((g) => clean(g.scope).length), 6) + 2;
    for (const g of groups) {
      lines.push(
        `    ${clean(g.scope).padEnd(scopeWidth)}${
          g.permissions.length ? clean(g.permissions.join(", ")) : "(none)"
        }`,
      );
    }
  }
  if (data.diagnostics.length) {
    lines.push(`  ${c("dim", "Diagnostics")}`);
    for (const d of data.diagnostics) {
      const color = d.severity === "error" ? "red" : d.severity === "warning" ? "yellow" : "blue";
      lines.push(`    ${c(color, severityIcon(d.severity))} ${clean(d.message)}`);
      lines.push(`      Fix: ${d === next ? "the next step above." : clean(d.fix)}`);
    }
  }
  lines.push(
    `  ${c("dim", "Checked".padEnd(width))}${
      data.checkedAt.replace("T", " ").replace(/\.\d+Z$/, "Z")
    } against ${clean(data.hubUrl)}${data.status !== undefined ? ` (HTTP ${data.status})` : ""}`,
  );
  return lines.join("\n");
}
