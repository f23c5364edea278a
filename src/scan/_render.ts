/**
 * Renderers of the scan report (pure: data → HTML / text). Both group the findings by token,
 * say whether each token is live (with `--check`) and give the fix, a live token's first.
 * HTML uses inline styles only (the sanitizer-proof palette of `display/_style.ts`); every
 * value is escaped. Text goes through the one text cleaner.
 *
 * @module
 */

import { cleanText } from "../_text.ts";
import { html, type SafeHtml } from "../display/_html.ts";
import { badge, hfnaRoot, INLINE, sx, type Tone } from "../display/_style.ts";
import type { ScanData, ScanFinding, ScanToken } from "./scan_report.ts";

/** Where tokens are revoked. */
export const SETTINGS_URL = "https://huggingface.co/settings/tokens";

const KIND_LABEL: Record<ScanToken["kind"], string> = {
  "user": "user access token",
  "oauth": "OAuth token",
  "org-legacy": "legacy org API token",
};

/** Notes of one kind shown in the text report before the rest are counted. */
const NOTES_PER_CODE = 5;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MB`;
  return `${(bytes / 2 ** 30).toFixed(2)} GB`;
}

/** The one-line status of a token (`live: alice (read, "laptop")`, `revoked`, …). */
export function statusLine(token: ScanToken): string {
  const s = token.status;
  if (!s) return "not checked (run with --check)";
  if (s.state === "live") {
    const facts = [s.role, s.tokenName ? `"${s.tokenName}"` : undefined].filter(Boolean);
    return `LIVE: ${s.account ?? "?"}${facts.length ? ` (${facts.join(", ")})` : ""}`;
  }
  return s.state === "revoked" ? `revoked or invalid: ${s.reason}` : `unknown: ${s.reason}`;
}

function statusTone(token: ScanToken): Tone {
  const s = token.status?.state;
  return s === "live" ? "error" : s === "revoked" ? "ok" : s === "unknown" ? "warn" : "muted";
}

/** What to do first about a token, when anything (live: revoke). */
export function tokenAdvice(token: ScanToken): string | undefined {
  if (token.status?.state === "live") {
    return `This token still works: revoke it first at ${SETTINGS_URL}, then clean every ` +
      `place below${
        token.inUse ? " (it is the token this machine uses: set a new one after)" : ""
      }.`;
  }
  if (!token.status) {
    return `If it may still work, revoke it at ${SETTINGS_URL} (\`hf scan --check\` asks the Hub).`;
  }
  return undefined;
}

function findingsOf(data: ScanData, token: ScanToken): ScanFinding[] {
  return data.findings.filter((f) => f.tokenId === token.id);
}

function headline(data: ScanData): string {
  const where = `${plural(data.files, "file")}${data.staged ? " staged for commit" : ""}, ${
    size(data.bytes)
  }`;
  if (data.findings.length === 0) return `No Hugging Face token found in ${where}.`;
  return `Found ${plural(data.tokens.length, "Hugging Face token")} in ${
    plural(data.findings.length, "place")
  } (${where} searched).`;
}

function removedNote(f: ScanFinding): string {
  return f.removed === "removed"
    ? " [removed]"
    : f.removed === "would-remove"
    ? " [--fix would remove it]"
    : "";
}

/** The text report. */
export function renderScanText(data: ScanData): string {
  const lines = [headline(data)];
  for (const token of data.tokens) {
    lines.push("");
    lines.push(
      `${token.id}  ${token.masked}  ${KIND_LABEL[token.kind]} · ${statusLine(token)}` +
        (token.inUse ? " · the token this machine uses now" : ""),
    );
    const advice = tokenAdvice(token);
    if (advice) lines.push(`    ${token.status?.state === "live" ? "!" : "·"} ${advice}`);
    for (const f of findingsOf(data, token)) {
      lines.push(`    ${cleanText(f.file)}: ${cleanText(f.where)}${removedNote(f)}`);
      lines.push(`        fix: ${cleanText(f.fix)}`);
    }
  }
  if (data.changes.length > 0) {
    lines.push("");
    for (const c of data.changes) {
      const what = c.removed.map((r) => `cell ${r.cell} output ${r.output}`).join(", ");
      lines.push(
        `${c.written ? "fixed" : "--fix would change"} ${cleanText(c.file)}: ` +
          `${c.written ? "removed" : "remove"} ${what} (${size(c.bytes.before)} → ${
            size(c.bytes.after)
          })`,
      );
    }
  }
  if (data.notices.length > 0) {
    lines.push("", "Notes:");
    // A tree of many binary files would bury the rest: at most NOTES_PER_CODE of each kind.
    const shown = new Map<string, number>();
    for (const n of data.notices) {
      const count = (shown.get(n.code) ?? 0) + 1;
      shown.set(n.code, count);
      if (count <= NOTES_PER_CODE) lines.push(`  ${cleanText(n.file)}: ${cleanText(n.message)}`);
    }
    for (const [code, count] of shown) {
      if (count > NOTES_PER_CODE) {
        lines.push(
          `  … and ${count - NOTES_PER_CODE} more "${code}" notes (--json lists every one)`,
        );
      }
    }
  }
  if (data.findings.length > 0 && data.mode === "none" && data.findings.some((f) => f.fixable)) {
    lines.push("", "`hf scan --fix` removes the outputs marked fixable; `--dry-run` shows what.");
  }
  return lines.join("\n");
}

function tokenRows(data: ScanData, token: ScanToken): SafeHtml[] {
  const found = findingsOf(data, token);
  const advice = tokenAdvice(token);
  const head = html`
    <td style="${INLINE.td}" rowspan="${found.length}">
      <code style="${INLINE.code}">${token.masked}</code>
      <div style="${INLINE.muted}">${KIND_LABEL[token.kind]}</div>
    </td>
  `;
  const live = html`
    <td style="${INLINE.td}" rowspan="${found.length}">
      ${badge(token.status?.state ?? "not checked", statusTone(token))}
      <div style="${INLINE.muted}">${token.status ? statusLine(token) : "use check: true"}</div>
      ${token.inUse ? html`<div>the token this machine uses now</div>` : ""}
      ${advice ? html`<div style="${sx(INLINE.reason)}">${advice}</div>` : ""}
    </td>
  `;
  return found.map((f, i) =>
    html`
      <tr style="${INLINE.tr}">
        ${i === 0 ? head : ""}
        <td style="${INLINE.td}"><code style="${INLINE.code}">${f.file}</code></td>
        <td style="${INLINE.td}">${f.where}${f.removed
          ? html`
            ${badge(f.removed === "removed" ? "removed" : "--fix removes", "ok")}
          `
          : ""}</td>
        ${i === 0 ? live : ""}
        <td style="${INLINE.td}">${f.fix}</td>
      </tr>
    `
  );
}

/** The HTML report. */
export function renderScanHtml(data: ScanData): string {
  const tone: Tone = data.findings.length === 0
    ? "ok"
    : data.tokens.some((t) => t.status?.state === "live")
    ? "error"
    : "warn";
  const th = (label: string) => html`<th style="${INLINE.th}">${label}</th>`;
  const table = data.findings.length === 0 ? "" : html`
    <table style="${INLINE.table}">
      <thead>
        <tr style="${INLINE.tr}">
        ${th("token")}${th("file")}${th("where")}${th("live?")}${th("fix")}
      </tr>
      </thead>
      <tbody>${data.tokens.map((t) => tokenRows(data, t))}</tbody>
    </table>
  `;
  const notices = data.notices.length === 0 ? "" : html`
    <div style="${INLINE.section}">notes</div>
    <ul style="${INLINE.list}">${data.notices.map((n) =>
      html`<li style="${INLINE.reason}"><code style="${INLINE.code}">${n.file}</code> ${n.message}</li>`
    )}</ul>
  `;
  const changes = data.changes.length === 0 ? "" : html`
    <div style="${INLINE.section}">${data.mode === "fix" ? "fixed" : "--fix would change"}</div>
    <ul style="${INLINE.list}">${data.changes.map((c) =>
      html`<li style="${INLINE.reason}"><code style="${INLINE.code}">${c.file}</code>: ${
        c.removed.map((r) => `cell ${r.cell} output ${r.output}`).join(", ")
      }</li>`
    )}</ul>
  `;
  const inner = html`
    <div style="${INLINE.head}">
      <span style="${INLINE.title}">hf scan</span>
      ${badge(data.findings.length ? plural(data.tokens.length, "token") : "clean", tone)}
    </div>
    <div style="${INLINE.reason}">${headline(data)}</div>
    ${table}${changes}${notices}
  `;
  return hfnaRoot(inner, tone, "token scan", { maxWidth: 1100, tint: false });
}
