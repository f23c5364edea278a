/**
 * The browser-login card: the link to open, the code in large type, a QR
 * code for a phone and the time left; or why the login ended and what to do
 * next. Pure functions of data: HTML for Jupyter (inline styles with plain
 * values, so the card survives JupyterLab's sanitizer), text for terminals
 * (the QR code drawn with Unicode half blocks).
 *
 * Everything from the server is escaped, and a link (and a QR code) is made
 * only for an http(s) URL on the configured Hub's origin; anything else is
 * shown as text with a warning.
 *
 * @module
 */

import { escapeHtml, html, SafeHtml } from "./_html.ts";

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
  /** Why the login ended (state `failed` / `cancelled`). */
  failure?: { code: string; message: string };
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

function nextStep(code: string): string {
  return NEXT_STEP[code] ??
    'Run the login again, or paste a token instead: login({ method: "token" }).';
}

function shownUri(data: LoginCardData): { text: string; link?: string } {
  const complete = data.verificationUriComplete || data.verificationUri;
  const link = verificationLink(complete, data.hubUrl);
  return { text: complete, link };
}

const FONT = "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif";
const MONO = "ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";

/** The QR code as one SVG path (4-module quiet zone), crisp at any size. */
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
      `viewBox="0 0 ${total} ${total}" width="148" height="148" shape-rendering="crispEdges" ` +
      `style="display:block;background:#ffffff"><rect width="${total}" height="${total}" ` +
      `fill="#ffffff"/><path fill="#000000" d="${escapeHtml(d)}"/></svg>`,
  );
}

function validQr(qr: boolean[][] | undefined): qr is boolean[][] {
  return Array.isArray(qr) && qr.length > 0 && qr.length <= 177 &&
    qr.every((row) => Array.isArray(row) && row.length === qr.length);
}

/**
 * The card as HTML (one self-contained fragment, inline styles only).
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
  const accent = data.state === "failed"
    ? "#cf222e"
    : data.state === "cancelled"
    ? "#6e7781"
    : "#0969da";
  const box =
    `font-family:${FONT};font-size:13px;line-height:1.45;color:#1f2328;background:#ffffff;` +
    `border:1px solid #d0d7de;border-left:4px solid ${accent};border-radius:6px;max-width:760px;` +
    `padding:10px 14px;margin:4px 0;box-sizing:border-box;overflow-wrap:anywhere`;
  const title = data.state === "waiting"
    ? "Log in to Hugging Face in your browser"
    : data.state === "cancelled"
    ? "Browser login cancelled"
    : "Browser login failed";
  const warnings: SafeHtml[] = [];
  if (!link && !failed) {
    warnings.push(html`
      <p
        style="margin:6px 0;color:#9a6700">⚠ The Hub sent a login address that is not an http(s) page of ${data
          .hubUrl} (the Hub you use), so it is shown as text, not as a link. Open ${data
          .hubUrl}/oauth/device yourself and enter the code, or paste a token instead.</p>
    `);
  }
  const uriHtml = link
    ? html`
      <a href="${link}" target="_blank" rel="noopener noreferrer"
        style="color:#0969da;font-weight:600;text-decoration:underline">${text}</a>
    `
    : html`
      <code
        style="font-family:${MONO};background:#f6f8fa;color:#1f2328;padding:0 4px;border-radius:4px">${text}</code>
    `;
  const code = html`
    <div
      style="font-family:${MONO};font-size:28px;font-weight:700;letter-spacing:4px;margin:6px 0;color:#1f2328"
      data-hfna="user-code">${data.userCode}</div>
  `;
  const qr = link && validQr(data.qr) && !failed
    ? html`
      <div style="flex:none;padding:4px;background:#ffffff;border:1px solid #d0d7de;border-radius:4px"
        title="Scan with a phone">${qrSvg(data.qr)}</div>
    `
    : null;
  const status = failed
    ? html`
      <p style="margin:8px 0 2px;color:${accent};font-weight:600">${data.failure?.message ??
        title}</p>
      <p style="margin:2px 0;color:#59636e">Next: ${nextStep(data.failure?.code ?? data.state)}</p>
    `
    : html`
      <p style="margin:8px 0 2px;color:#59636e"
        data-hfna="countdown">Waiting for approval… ${formatCountdown(
          data.secondsLeft,
        )} left${data.status ? ` · ${data.status}` : ""}</p>
    `;
  const notes = (failed ? [] : data.notes ?? []).map((n) =>
    html`<p style="margin:2px 0;color:#59636e;font-size:12px">Note: ${n}</p>`
  );
  const body = failed ? html`<div>${status}</div>` : html`
    <div
      style="display:flex;flex-wrap:wrap;gap:12px 18px;align-items:flex-start"><div style="flex:1 1 300px;min-width:0"><p style="margin:0 0 4px">1. Open ${uriHtml}</p><p style="margin:4px 0 0">2. Check that the page shows this code, then click <b>Authorize</b>:</p>${code}${status}</div>${qr}</div>
  `;
  return html`
    <div class="hfna-login" style="${box}" role="status"
      aria-label="${title}"><div style="font-weight:600;font-size:14px;margin:0 0 6px">${title}</div>${warnings}${body}${notes}</div>
  `
    .value;
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
  // deno-lint-ignore no-control-regex
  const plain = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  const lines: string[] = [];
  if (data.state !== "waiting") {
    lines.push(data.state === "cancelled" ? "Browser login cancelled." : "Browser login failed.");
    if (data.failure) lines.push(plain(data.failure.message));
    lines.push(`Next: ${nextStep(data.failure?.code ?? data.state)}`);
    return lines.join("\n");
  }
  lines.push("Log in to Hugging Face in your browser:");
  lines.push(`  1. Open ${plain(text)}`);
  if (!link) {
    lines.push(
      `     ! This address is not an http(s) page of ${data.hubUrl}: do not trust it; open ` +
        `${data.hubUrl}/oauth/device yourself.`,
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
