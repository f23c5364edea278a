/**
 * The browser-login card: the link to open, the code in large type, a QR
 * code for a phone and the time left; or why the login ended and what to do
 * next. Pure functions of data: HTML for Jupyter (the shared inline palette of
 * `_style.ts`, so the card reads on light and dark pages and survives
 * JupyterLab's sanitizer, like every other card), text for terminals
 * (the QR code drawn with Unicode half blocks).
 *
 * Everything from the server is escaped, and a link (and a QR code) is made
 * only for an http(s) URL on the configured Hub's origin; anything else is
 * shown as text with a warning.
 *
 * @module
 */

import { cleanText } from "../_text.ts";
import { escapeHtml, html, SafeHtml } from "./_html.ts";
import { badge, hfnaRoot, INLINE, LINE, PALETTE, sx, type Tone, toneIcon } from "./_style.ts";

/** State of a browser login, as the card shows it. */
export type LoginCardState = "waiting" | "failed" | "cancelled";

/** What the login card shows. */
export interface LoginCardData {
  /** Waiting for the person, or ended without a token. */
  state: LoginCardState;
  /** The configured Hub (its origin decides whether the link is live). */
  hubUrl: string;
  /** The code to confirm, as the server sent it. */
  userCode: string;
  /** The page where the code is entered, as the server sent it. */
  verificationUri: string;
  /** The page with the code filled in, as the server sent it. */
  verificationUriComplete: string;
  /** Seconds until the code expires. */
  secondsLeft: number;
  /**
   * QR modules of the link (`true` = dark), rows of equal length. Shown only
   * when the link is live.
   */
  qr?: boolean[][];
  /** A note on the latest poll (e.g. "the Hub asked to slow down"). */
  status?: string;
  /** Server values that were adjusted (missing or out of bounds). */
  notes?: string[];
  /**
   * Why the login ended (state `failed` / `cancelled`): the error's `code`, what happened
   * (`message`), and the error's own next step when it gave one apart (`next`). The card says
   * the next step once: its own for a code it knows, else `next`, else none when only a
   * `message` (that ends with what to do) is given.
   */
  failure?: { code: string; message: string; next?: string };
}

/**
 * The URL to link to, or `undefined` when `uri` must stay text: only an
 * http(s) URL on the Hub's own origin becomes a link (or a QR code).
 *
 * @example Usage
 * ```ts
 * import { verificationLink } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const hub = "https://huggingface.co";
 * assert.equal(verificationLink("https://huggingface.co/oauth/device?user_code=AB-CD", hub),
 *   "https://huggingface.co/oauth/device?user_code=AB-CD");
 * assert.equal(verificationLink("javascript:alert(1)", hub), undefined);
 * assert.equal(verificationLink("https://evil.example/device", hub), undefined);
 * ```
 *
 * @param uri The URI the server sent.
 * @param hubUrl The configured Hub base URL.
 * @returns The normalized URL, or `undefined`.
 */
export function verificationLink(uri: string, hubUrl: string): string | undefined {
  let url: URL;
  let hub: URL;
  try {
    url = new URL(uri);
    hub = new URL(hubUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.origin !== hub.origin || url.username || url.password) return undefined;
  return url.href;
}

/**
 * `m:ss` for a number of seconds (rounded up, never negative).
 *
 * @example Usage
 * ```ts
 * import { formatCountdown } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatCountdown(899.2), "15:00");
 * assert.equal(formatCountdown(-3), "0:00");
 * ```
 *
 * @param seconds Seconds left.
 * @returns The countdown text.
 */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

const NEXT_STEP: Record<string, string> = {
  access_denied:
    'Run the login again and click Authorize, or paste a token: login({ method: "token" }).',
  expired_token: "Run the login again and approve it before the time runs out.",
  unreachable: "Check the network (or HF_ENDPOINT), then run the login again.",
  network: "Check the network (or HF_ENDPOINT), then run the login again.",
  cancelled: "Nothing was saved. Run the login again when you are ready.",
  offline: "Unset HF_HUB_OFFLINE and run the login again, or set HF_TOKEN to a token you have.",
};

/**
 * The card's one "Next:" step: its own for a code it knows, else the error's own (given apart),
 * else none when the failure's message already ends with what to do.
 */
function nextStep(data: LoginCardData): string | undefined {
  const code = data.failure?.code ?? data.state;
  if (Object.hasOwn(NEXT_STEP, code)) return NEXT_STEP[code];
  if (data.failure) return data.failure.next;
  return 'Run the login again, or paste a token instead: login({ method: "token" }).';
}

function shownUri(data: LoginCardData): { text: string; link?: string } {
  const complete = data.verificationUriComplete || data.verificationUri;
  const link = verificationLink(complete, data.hubUrl);
  return { text: complete, link };
}

const MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";

/** The QR tile's size in CSS px (the SVG, quiet zone included). */
const QR_PX = 148;

/**
 * The QR code as one SVG path (4-module quiet zone), crisp at any size. No `style` attribute:
 * JupyterLab's sanitizer drops `<svg>` whole, and the tile around it keeps the layout.
 */
function qrSvg(modules: boolean[][]): SafeHtml {
  const size = modules.length;
  const margin = 4;
  const total = size + 2 * margin;
  let d = "";
  for (let y = 0; y < size; y++) {
    const row = modules[y];
    for (let x = 0; x < row.length; x++) {
      if (!row[x]) continue;
      let run = 1;
      while (x + run < row.length && row[x + run]) run++;
      d += `M${x + margin},${y + margin}h${run}v1h-${run}z`;
      x += run - 1;
    }
  }
  return new SafeHtml(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="QR code of the login link" ` +
      `viewBox="0 0 ${total} ${total}" width="${QR_PX}" height="${QR_PX}" ` +
      `shape-rendering="crispEdges"><rect width="${total}" height="${total}" ` +
      `fill="#ffffff"/><path fill="#000000" d="${escapeHtml(d)}"/></svg>`,
  );
}

// The QR code sits on its own white tile in every theme (scanners need dark modules on a light
// quiet zone). The tile has a fixed size, so the card keeps its layout when a sanitizer drops the
// `<svg>`; the note under the SVG (painted below it, so only seen without it) says why it is gone.
const QR_TILE = `flex:none;position:relative;z-index:0;width:${QR_PX}px;height:${QR_PX}px;` +
  `padding:4px;box-sizing:content-box;overflow:hidden;line-height:0;background-color:#ffffff;` +
  `border:1px solid ${LINE};border-radius:4px`;
const QR_NOTE = `position:absolute;top:4px;left:4px;width:${QR_PX}px;height:${QR_PX}px;` +
  "z-index:-1;display:flex;align-items:center;justify-content:center;text-align:center;" +
  "box-sizing:border-box;padding:10px;font-size:11px;line-height:1.35;color:#1f2328";

/** The link to open: white on the solid info colour, legible on light and dark pages. */
const LINK = "display:inline-block;max-width:100%;box-sizing:border-box;padding:1px 8px;" +
  `border-radius:6px;background-color:${PALETTE.info};color:#ffffff;font-weight:600;` +
  "text-decoration:underline;word-wrap:break-word";

const USER_CODE = `font-family:${MONO};font-size:28px;font-weight:700;letter-spacing:4px;` +
  "line-height:1.25;margin:6px 0;word-wrap:break-word";

function validQr(qr: boolean[][] | undefined): qr is boolean[][] {
  return Array.isArray(qr) && qr.length > 0 && qr.length <= 177 &&
    qr.every((row) => Array.isArray(row) && row.length === qr.length);
}

const TONE: Record<LoginCardState, Tone> = { waiting: "info", failed: "error", cancelled: "muted" };
const BADGE: Record<LoginCardState, string> = {
  waiting: "waiting",
  failed: "failed",
  cancelled: "cancelled",
};

/**
 * The card as HTML: one self-contained fragment in the shared look of every card (the palette
 * of `_style.ts`: inherited text colour, white on solid colours, translucent lines), so it reads
 * on light and dark pages and keeps its look when JupyterLab's sanitizer strips the `<style>`.
 *
 * @example Usage
 * ```ts
 * import { renderLoginHtml } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const card = renderLoginHtml({
 *   state: "waiting",
 *   hubUrl: "https://huggingface.co",
 *   userCode: "WDJB-MJHT",
 *   verificationUri: "https://huggingface.co/oauth/device",
 *   verificationUriComplete: "https://huggingface.co/oauth/device?user_code=WDJB-MJHT",
 *   secondsLeft: 899,
 * });
 * assert.match(card, /WDJB-MJHT/);
 * assert.match(card, /href="https:\/\/huggingface\.co\/oauth\/device\?user_code=WDJB-MJHT"/);
 * assert.match(card, /14:59 left/);
 * ```
 *
 * @param data What to show.
 * @returns An HTML fragment.
 */
export function renderLoginHtml(data: LoginCardData): string {
  const { text, link } = shownUri(data);
  const failed = data.state !== "waiting";
  const tone = TONE[data.state];
  const title = data.state === "waiting"
    ? "Log in to Hugging Face in your browser"
    : data.state === "cancelled"
    ? "Browser login cancelled"
    : "Browser login failed";
  const head = html`
    <div class="hfna-head" style="${INLINE.head}"><span class="hfna-title"
        style="${INLINE.title}">${title}</span>${badge(BADGE[data.state], tone)}</div>
  `;
  const warnings: SafeHtml[] = [];
  if (!link && !failed) {
    warnings.push(html`
      <div class="hfna-item"
        style="${INLINE.item}">${toneIcon(
          "▲",
          "warn",
          "warning",
        )}<span>The Hub sent a login address that is not an http(s) page of ${data
          .hubUrl} (the Hub you use), so it is shown as text, not as a link. Open ${data
          .hubUrl}/oauth/device yourself and enter the code, or paste a token instead.</span></div>
    `);
  }
  const uriHtml = link
    ? html`
      <a href="${link}" target="_blank" rel="noopener noreferrer" style="${LINK}">${text}</a>
    `
    : html`
      <code class="hfna-code" style="${INLINE.code}">${text}</code>
    `;
  const code = html`
    <div style="${USER_CODE}" data-hfna="user-code">${data.userCode}</div>
  `;
  const qr = link && validQr(data.qr) && !failed
    ? html`
      <div style="${QR_TILE}" title="Scan with a phone">${qrSvg(data.qr)}<span
          style="${QR_NOTE}">The QR code is hidden in an untrusted notebook: use the link.</span></div>
    `
    : null;
  const next = failed ? nextStep(data) : undefined;
  const status = failed
    ? html`
      <div class="hfna-item"
        style="${INLINE.item}">${toneIcon(
          data.state === "failed" ? "✖" : "■",
          tone,
          data.state,
        )}<span style="font-weight:600">${data.failure?.message ?? title}</span></div>
      ${next === undefined ? null : html`
        <p style="${sx(INLINE.muted, "margin:2px 0")}">Next: ${next}</p>
      `}
    `
    : html`
      <p style="${sx(INLINE.muted, "margin:8px 0 2px")}"
        data-hfna="countdown">Waiting for approval… ${formatCountdown(
          data.secondsLeft,
        )} left${data.status ? ` · ${data.status}` : ""}</p>
    `;
  const notes = (failed ? [] : data.notes ?? []).map((n) =>
    html`<p style="${sx(INLINE.muted, "margin:2px 0;font-size:12px")}">Note: ${n}</p>`
  );
  const body = failed ? html`<div>${status}</div>` : html`
    <div
      style="display:flex;flex-wrap:wrap;gap:12px 18px;align-items:flex-start"><div style="flex:1 1 300px;min-width:0"><p style="margin:0 0 4px">1. Open ${uriHtml}</p><p style="margin:4px 0 0">2. Check that the page shows this code, then click <b>Authorize</b>:</p>${code}${status}</div>${qr}</div>
  `;
  return hfnaRoot(html`${head}${warnings}${body}${notes}`, tone, title, {
    className: "hfna-login",
  });
}

function qrText(modules: boolean[][]): string[] {
  // Light modules are drawn (█), dark ones left blank: on the usual dark terminal that gives
  // dark modules on a light quiet zone, which every scanner reads. Two rows per line (▀ ▄).
  const margin = 2;
  const size = modules.length + 2 * margin;
  const dark = (x: number, y: number) => {
    const mx = x - margin, my = y - margin;
    return my >= 0 && my < modules.length && mx >= 0 && mx < modules.length && modules[my][mx];
  };
  const lines: string[] = [];
  for (let y = 0; y < size; y += 2) {
    let line = "";
    for (let x = 0; x < size; x++) {
      const top = !dark(x, y);
      const bottom = y + 1 < size ? !dark(x, y + 1) : false;
      line += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
    }
    lines.push(line);
  }
  return lines;
}

/** Options of {@linkcode renderLoginText}. */
export interface LoginTextOptions {
  /** Include the QR code (default true). */
  qr?: boolean;
}

/**
 * The card as terminal text: the address, the code, a QR code drawn with
 * Unicode blocks, and the waiting line (or why the login ended).
 *
 * @example Usage
 * ```ts
 * import { renderLoginText } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const text = renderLoginText({
 *   state: "failed",
 *   hubUrl: "https://huggingface.co",
 *   userCode: "WDJB-MJHT",
 *   verificationUri: "https://huggingface.co/oauth/device",
 *   verificationUriComplete: "https://huggingface.co/oauth/device?user_code=WDJB-MJHT",
 *   secondsLeft: 0,
 *   failure: { code: "access_denied", message: "The login was denied in the browser." },
 * });
 * assert.match(text, /denied/);
 * assert.match(text, /Next: Run the login again/);
 * ```
 *
 * @param data What to show.
 * @param options Whether to draw the QR code.
 * @returns Lines of text.
 */
export function renderLoginText(data: LoginCardData, options: LoginTextOptions = {}): string {
  const { text, link } = shownUri(data);
  const plain = (s: string) => cleanText(s).replace(/\n/g, " ");
  const lines: string[] = [];
  if (data.state !== "waiting") {
    lines.push(data.state === "cancelled" ? "Browser login cancelled." : "Browser login failed.");
    if (data.failure) lines.push(plain(data.failure.message));
    const next = nextStep(data);
    if (next !== undefined) lines.push(`Next: ${plain(next)}`);
    return lines.join("\n");
  }
  lines.push("Log in to Hugging Face in your browser:");
  lines.push(`  1. Open ${plain(text)}`);
  if (!link) {
    lines.push(
      `     ! This address is not an http(s) page of ${plain(data.hubUrl)}: do not trust it; ` +
        `open ${plain(data.hubUrl)}/oauth/device yourself.`,
    );
  }
  lines.push(`  2. Check that it shows the code ${plain(data.userCode)}, then click Authorize.`);
  if (link && options.qr !== false && validQr(data.qr)) {
    lines.push("", "  Or scan with a phone:", ...qrText(data.qr).map((l) => "  " + l));
  }
  for (const note of data.notes ?? []) lines.push(`  Note: ${plain(note)}`);
  return lines.join("\n");
}

/**
 * The live waiting line of a terminal (rewritten in place with `\r`).
 *
 * @example Usage
 * ```ts
 * import { renderLoginWaitingLine } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * assert.equal(renderLoginWaitingLine(75), "Waiting for approval… 1:15 left (Ctrl-C to cancel)");
 * ```
 *
 * @param secondsLeft Seconds until the code expires.
 * @param status A note on the latest poll.
 * @returns One line.
 */
export function renderLoginWaitingLine(secondsLeft: number, status?: string): string {
  return `Waiting for approval… ${formatCountdown(secondsLeft)} left` +
    (status ? ` · ${status}` : "") + " (Ctrl-C to cancel)";
}
