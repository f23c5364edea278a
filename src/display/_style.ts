/**
 * The shared look of every displayable (validation card, probe table, sources table, …).
 *
 * Two layers:
 * - **inline styles** ({@linkcode INLINE}, {@linkcode badge}, {@linkcode hfnaRoot}, …) carry the
 *   whole look: badges, accents, layout, tints. They use only plain values that JupyterLab's
 *   `Sanitizer` keeps (no `var(…)`, no `currentColor`, no `overflow-wrap`), and a palette that
 *   reads on light and dark backgrounds: body text inherits the notebook's own colour, muted
 *   text is that colour at reduced opacity, coloured labels are white on a solid colour, and
 *   tints and lines are translucent. So an output saved in a notebook and reopened untrusted
 *   (sanitized: `<style>` removed) keeps its badges, colours and layout.
 * - **one `<style>` block** ({@linkcode STYLE}), scoped under `.hfna`, only as an enhancement
 *   where it is kept: JupyterLab's fonts and text colour through its `--jp-*` variables.
 *
 * No scripts, no images, no external resources.
 *
 * @module
 */

import { html, type SafeHtml } from "./_html.ts";

/** Colour role of a badge or card accent. */
export type Tone = "ok" | "error" | "warn" | "info" | "muted";

/** Severity of a finding, as used by diagnostics and probes. */
export type SeverityLike = "error" | "warning" | "info";

/**
 * The solid colours of badges and accents: white text on each has a contrast of at least
 * 4.5:1, and each stands out on white and on JupyterLab's dark `#111`–`#212121`.
 */
export const PALETTE: Readonly<Record<Tone | "pro", string>> = {
  ok: "#1a7f37",
  error: "#cf222e",
  warn: "#9a6700",
  info: "#0969da",
  muted: "#6e7781",
  pro: "#8250df",
};

/** Translucent tints of each tone, for backgrounds that must work on light and dark pages. */
export const TINT: Readonly<Record<Tone, string>> = {
  ok: "rgba(26,127,55,0.08)",
  error: "rgba(207,34,46,0.09)",
  warn: "rgba(191,135,0,0.10)",
  info: "rgba(9,105,218,0.08)",
  muted: "rgba(128,128,128,0.07)",
};

/** A hairline that reads on light and dark backgrounds. */
export const LINE = "rgba(128,128,128,0.38)";

const MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";

/**
 * Inline styles of the shared roles, as plain `property:value` lists that JupyterLab's
 * `Sanitizer` keeps (checked in `tests/sanitized_output_test.ts`). Use them as
 * `style="${INLINE.code}"` next to the role's class.
 */
export const INLINE = {
  head: "display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px;margin:0 0 6px",
  title: "font-weight:600;font-size:14px",
  /** Secondary text: the inherited colour, fainter (reads on any background). */
  muted: "opacity:0.78",
  code: `font-family:${MONO};font-size:12px;background-color:rgba(128,128,128,0.16);` +
    "padding:0 4px;border-radius:4px;word-wrap:break-word",
  section: "font-size:12px;font-weight:600;text-transform:uppercase;letter-spacing:.04em;" +
    "opacity:0.78;margin:10px 0 4px;padding:0",
  kv: "display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 12px;margin:4px 0 8px",
  dt: "opacity:0.78;margin:0;padding:0;float:none;width:auto;font-weight:normal;text-align:left",
  dd: "margin:0;padding:0;min-width:0;float:none;width:auto",
  table: "border-collapse:collapse;width:100%;margin:4px 0 6px;font-size:12.5px;" +
    "table-layout:auto;background-color:transparent",
  th: `border:1px solid ${LINE};padding:3px 8px;text-align:left;vertical-align:top;` +
    "background-color:rgba(128,128,128,0.12);font-weight:600;white-space:nowrap",
  /** Rows keep no stripes of their own (notebooks stripe and colour rows of outputs). */
  tr: "background-color:transparent",
  td: `border:1px solid ${LINE};padding:3px 8px;text-align:left;vertical-align:top;` +
    "background-color:transparent;word-wrap:break-word",
  list: "list-style:none;margin:4px 0 0;padding:0",
  item: "display:grid;grid-template-columns:1.6em minmax(0,1fr);gap:0 4px;margin:0 0 6px;padding:0",
  reason: "margin:2px 0 6px",
  foot: "margin-top:6px;font-size:11.5px;opacity:0.78",
  summary: "cursor:pointer;padding:2px 0",
  nowrap: "white-space:nowrap",
} as const;

/** A `style` attribute value that is one of {@linkcode INLINE}'s roles plus extra rules. */
export function sx(...parts: (string | false | undefined)[]): string {
  return parts.filter(Boolean).join(";");
}

// The stylesheet only adds what needs JupyterLab's variables (its fonts and text colour, also on
// code and table cells, which classic Notebook paints black); every other rule is inline. `.hfna dl dt/dd` override JupyterLab's 20%/80% floats in old versions.
const CSS = `
.hfna{font-family:var(--jp-ui-font-family,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);
color:var(--jp-ui-font-color1,inherit)}
.hfna code,.hfna .hfna-code{font-family:var(--jp-code-font-family,${MONO})}
.hfna code,.hfna th,.hfna td,.hfna summary{color:var(--jp-ui-font-color1,inherit)}
.hfna summary::-webkit-details-marker{color:inherit}
`.replace(/\n/g, "");

/**
 * The shared stylesheet as a `<style>` block: an enhancement only (JupyterLab's fonts and text
 * colour); outputs look right without it. Every rule is scoped under the `.hfna` class, so
 * including it (once per output) never restyles the rest of the notebook.
 *
 * @example Usage
 * ```ts
 * import { STYLE } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * assert.ok(STYLE.startsWith("<style>") && STYLE.includes(".hfna"));
 * assert.ok(!STYLE.includes("@import") && !STYLE.includes("url("));
 * ```
 */
export const STYLE: string = `<style>${CSS}</style>`;

/**
 * A small rounded label (`valid`, `PRO`, `403`, …) in a colour that reads on
 * light and dark backgrounds. The label is escaped.
 *
 * @example Usage
 * ```ts
 * import { badge } from "./_style.ts";
 * import assert from "node:assert/strict";
 *
 * const out = badge("<ok>", "ok").toString();
 * assert.match(out, /^\s*<span class="hfna-badge hfna-ok"\s+style="[^"]*#1a7f37[^"]*"\s*>&lt;ok&gt;<\/span>\s*$/);
 * ```
 *
 * @param label The text on the badge.
 * @param tone Its colour role.
 * @returns Safe markup.
 */
export function badge(label: string, tone: Tone | "pro" = "muted"): SafeHtml {
  return html`
    <span class="hfna-badge hfna-${tone}"
      style="${BADGE};background-color:${PALETTE[tone]}">${label}</span>
  `;
}

const BADGE = "display:inline-block;padding:0 8px;border-radius:999px;font-size:11.5px;" +
  "font-weight:600;line-height:18px;white-space:nowrap;color:#ffffff";

/**
 * Maps a severity to its tone (`error` → `error`, `warning` → `warn`, `info` → `info`).
 *
 * @example Usage
 * ```ts
 * import { severityTone } from "./_style.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(severityTone("warning"), "warn");
 * ```
 *
 * @param severity A diagnostic severity.
 * @returns The matching tone.
 */
export function severityTone(severity: SeverityLike): Tone {
  return severity === "error" ? "error" : severity === "warning" ? "warn" : "info";
}

const ICONS: Record<SeverityLike, string> = { error: "✖", warning: "▲", info: "ℹ" };

/**
 * The one-character icon of a severity, as plain text (`✖`, `▲`, `ℹ`).
 *
 * @example Usage
 * ```ts
 * import { severityIcon } from "./_style.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(severityIcon("error"), "✖");
 * ```
 *
 * @param severity A diagnostic severity.
 * @returns The icon character.
 */
export function severityIcon(severity: SeverityLike): string {
  return ICONS[severity];
}

/**
 * The coloured severity icon as markup, with the severity as its tooltip.
 *
 * @example Usage
 * ```ts
 * import { severityIconHtml } from "./_style.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(severityIconHtml("warning").toString().includes("hfna-warn"));
 * ```
 *
 * @param severity A diagnostic severity.
 * @returns Safe markup.
 */
export function severityIconHtml(severity: SeverityLike): SafeHtml {
  return toneIcon(ICONS[severity], severityTone(severity), severity);
}

/**
 * A one-character icon as a small solid disc of its tone with a white glyph, so it reads on
 * any background (a coloured glyph alone cannot reach 4.5:1 on both white and dark).
 *
 * @example Usage
 * ```ts
 * import { toneIcon } from "./_style.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(toneIcon("✔", "ok", "works").toString().includes("#1a7f37"));
 * ```
 *
 * @param glyph The character.
 * @param tone Its colour role.
 * @param title Tooltip.
 * @returns Safe markup.
 */
export function toneIcon(glyph: string, tone: Tone, title?: string): SafeHtml {
  return html`
    <span class="hfna-icon hfna-${tone}" title="${title ?? tone}"
      style="${ICON}background-color:${PALETTE[tone]}">${glyph}</span>
  `;
}

const ICON = "display:inline-block;width:1.5em;height:1.5em;line-height:1.5em;border-radius:50%;" +
  "text-align:center;font-size:11px;font-weight:700;color:#ffffff;vertical-align:middle;";

/**
 * Wraps already-safe inner markup in the root `.hfna` element (with the
 * stylesheet in front), accented with a tone. Use it for every displayable's
 * `toHtml()` so all cards and tables look alike.
 *
 * @example Usage
 * ```ts
 * import { badge, hfnaRoot } from "./_style.ts";
 * import assert from "node:assert/strict";
 *
 * const out = hfnaRoot(badge("valid", "ok"), "ok");
 * assert.ok(out.includes('<div class="hfna hfna-tone-ok" style="'));
 * ```
 *
 * @param inner Safe markup built with the html`` tag.
 * @param tone The accent of the card's left border.
 * @param label Accessible label of the card.
 * @param options Extra class, maximum width in px (default 760), and whether an error card is
 *   tinted (default `true`).
 * @returns An HTML string ready for `text/html`.
 */
export function hfnaRoot(
  inner: SafeHtml,
  tone: Tone = "muted",
  label?: string,
  options: { className?: string; maxWidth?: number; tint?: boolean } = {},
): string {
  const cls = `hfna hfna-tone-${tone}${options.className ? ` ${options.className}` : ""}`;
  const style = rootStyle(tone, options.maxWidth, options.tint ?? true);
  const root = label
    ? html`<div class="${cls}" role="group" aria-label="${label}" style="${style}">${inner}</div>`
    : html`<div class="${cls}" style="${style}">${inner}</div>`;
  return STYLE + root.toString();
}

/** The root's inline look: a tone accent on the left, a faint tint, no fixed text colour. */
function rootStyle(tone: Tone, maxWidth: number | undefined, tint: boolean): string {
  return "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:13px;" +
    `line-height:1.45;background-color:${tint && tone === "error" ? TINT.error : "transparent"};` +
    `border:1px solid ${LINE};border-left:4px solid ${PALETTE[tone]};border-radius:6px;` +
    `max-width:${maxWidth ?? 760}px;padding:10px 14px;margin:4px 0;box-sizing:border-box;` +
    "word-wrap:break-word;text-align:left";
}
