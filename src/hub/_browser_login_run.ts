/**
 * The browser login's flow (internal, loaded on first use by `browserLogin()`
 * and `getToken({ method: "browser" })`): device code → live view → polling →
 * whoami-v2 → save.
 *
 * @module
 */

import { jupyterApi, type JupyterDisplay } from "../_jupyter.ts";
import { maskToken, redact } from "../_mask.ts";
import { deviceClientId, pollDeviceToken, requestDeviceCode } from "../_oauth_device.ts";
import type { DeviceCodeInfo, PollEvent } from "../_oauth_device.ts";
import { qrModules } from "../_qr.ts";
import { JUPYTER_DISPLAY, type MimeBundle } from "../display/displayable.ts";
import {
  type LoginCardData,
  renderLoginHtml,
  renderLoginText,
  renderLoginWaitingLine,
  verificationLink,
} from "../display/login_card.ts";
import { DeviceCodeError } from "../errors.ts";
import { REFRESH_MARGIN_MS } from "../resolve/browser_login_refresh.ts";
import { type BrowserLoginInfo, Resolution } from "../resolve/resolution.ts";
import { envFlag, envNonEmpty } from "../_env.ts";
import { ALL_TOKEN_NAMES } from "../sources/env_vars.ts";
import { sessionState } from "../resolve/session_cache.ts";
import { validateTokenName } from "../store/stored_tokens_ini.ts";
import { detectPlatform } from "../sources/platform.ts";
import { BROWSER_LOGIN_SOURCE, type BrowserLoginOptions } from "./browser_login.ts";
import { resolveEndpoints } from "./endpoints.ts";
import type { Diagnostic, ValidationData } from "./types.ts";
import { Validation } from "./validation.ts";
import { whoami } from "./whoami.ts";

/** A view of the login: shown once, updated in place, closed with the outcome. */
interface LoginView {
  show(card: LoginCardData): void;
  tick(card: LoginCardData): void;
  success(validation: Validation): Promise<void>;
  fail(card: LoginCardData): Promise<void>;
  /** Empties the live output (its card is shown as the cell's value instead). */
  blank(): void;
}

let counter = 0;

function kernelView(jupyter: JupyterDisplay): LoginView & { id: string } {
  const id = `hfna-login-${Date.now().toString(36)}-${++counter}`;
  let chain: Promise<void> = Promise.resolve();
  let shown = false;
  const send = (bundle: MimeBundle) => {
    const update = shown;
    shown = true;
    chain = chain.then(() => jupyter.display(bundle, { raw: true, update, display_id: id }))
      .catch(() => {});
  };
  const card = (c: LoginCardData) => ({
    "text/html": renderLoginHtml(c),
    "text/plain": renderLoginText(c, { qr: false }),
  });
  return {
    id,
    show: (c) => send(card(c)),
    tick: (c) => send(card(c)),
    async success(v) {
      send({ "text/html": v.toHtml(), "text/plain": v.toString() });
      await chain;
    },
    async fail(c) {
      send(card(c));
      await chain;
    },
    blank() {
      send({ "text/html": "", "text/plain": "" });
    },
  };
}

function terminalView(write: (text: string) => void, live: boolean, qr: boolean): LoginView {
  let waiting = false;
  let lastLine = "";
  const endLine = () => {
    if (waiting && live) write("\n");
    waiting = false;
  };
  return {
    show(c) {
      write(renderLoginText(c, { qr }) + "\n\n");
      lastLine = renderLoginWaitingLine(c.secondsLeft, c.status);
      write(live ? `\r\x1b[2K${lastLine}` : `${lastLine}\n`);
      waiting = true;
    },
    tick(c) {
      const line = renderLoginWaitingLine(c.secondsLeft, c.status);
      if (line === lastLine) return;
      lastLine = line;
      if (live) write(`\r\x1b[2K${line}`);
      else if (c.status) write(`${line}\n`);
    },
    success() {
      endLine();
      return Promise.resolve();
    },
    blank() {},
    fail(c) {
      endLine();
      write(renderLoginText(c) + "\n");
      return Promise.resolve();
    },
  };
}

const silentView: LoginView = {
  show() {},
  tick() {},
  blank() {},
  success: () => Promise.resolve(),
  fail: () => Promise.resolve(),
};

function pickView(options: BrowserLoginOptions): LoginView {
  const mode = options.display ?? "auto";
  if (mode === "none") return silentView;
  const jupyter = mode === "terminal" ? undefined : jupyterApi();
  if (jupyter) return kernelView(jupyter);
  if (mode === "jupyter") return silentView;
  const write = options.write ?? ((text: string) => {
    Deno.stderr.writeSync(new TextEncoder().encode(text));
  });
  let live = options.live;
  if (live === undefined) {
    try {
      live = Deno.stderr.isTerminal();
    } catch {
      live = false;
    }
  }
  return terminalView(write, live, options.qr ?? live);
}

/** The link between a finished login's live output and the validation it returns. */
interface LiveLink {
  active: boolean;
  blank(): void;
}

/**
 * The validation a browser login returns. In a Deno kernel the live output
 * already became this card; when the object is the cell's value right away
 * (`await browserLogin()`), the live copy is blanked so the notebook keeps
 * exactly one card (the same rule as the live probe table).
 */
class LoginValidation extends Validation {
  #linked: LiveLink | undefined;
  constructor(data: ValidationData, linked?: LiveLink) {
    super(data);
    this.#linked = linked;
  }
  override [JUPYTER_DISPLAY](): MimeBundle {
    if (this.#linked?.active) {
      this.#linked.active = false;
      this.#linked.blank();
    }
    return super[JUPYTER_DISPLAY]();
  }
}

/** The card's failure: what happened, and the error's own next step apart (said once). */
function loginFailure(error: DeviceCodeError): NonNullable<LoginCardData["failure"]> {
  return { code: error.code, message: error.happened, next: error.next };
}

function withDiagnostics(v: Validation, extra: Diagnostic[]): ValidationData {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const diagnostics = [...v.diagnostics, ...extra]
    .map((x, i) => ({ x, i }))
    .sort((a, b) => rank[a.x.severity] - rank[b.x.severity] || a.i - b.i)
    .map(({ x }) => x);
  return { ...v.toJSON(), diagnostics };
}

/**
 * The section name for a browser login: the caller's, else the token's Hub `displayName` when
 * `saveToken` would accept it (a name with a control or bidi character, brackets or a line
 * break — a right-to-left mark is common in right-to-left names — is not used), else
 * `oauth-<user>` as huggingface_hub names it.
 */
function loginName(v: Validation, given: string | undefined): string {
  if (given) return given;
  const display = v.token?.displayName?.trim();
  if (display && isStorableName(display)) return display;
  const fallback = `oauth-${v.identity?.name ?? "user"}`;
  return isStorableName(fallback) ? fallback : "oauth-user";
}

function isStorableName(name: string): boolean {
  try {
    validateTokenName(name);
    return true;
  } catch {
    return false;
  }
}

/** Listens for Ctrl-C / a kernel interrupt (SIGINT) while the login waits. */
function onInterrupt(abort: () => void): () => void {
  try {
    Deno.addSignalListener("SIGINT", abort);
    return () => {
      try {
        Deno.removeSignalListener("SIGINT", abort);
      } catch { /* already gone */ }
    };
  } catch {
    return () => {}; // not allowed (no --allow-run needed, but some hosts refuse signals)
  }
}

/** The outcome of a device login, before it is shown as a validation. */
export interface DeviceLoginOutcome {
  /** The resolution (source `oauth:device`). */
  resolution: Resolution;
  /** The validation, with the `token-saved` / `session-only` diagnostic. */
  validation: Validation;
}

/**
 * Runs the whole flow and returns the resolution and the validation (used by
 * `browserLogin()` and by `getToken({ method: "browser" })`).
 *
 * @param options See {@linkcode BrowserLoginOptions}.
 * @returns The outcome.
 */
export async function runDeviceLogin(
  options: BrowserLoginOptions = {},
): Promise<DeviceLoginOutcome> {
  const { hubUrl } = resolveEndpoints(options);
  const now = options.now ?? Date.now;
  const controller = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, controller.signal])
    : controller.signal;
  const stopListening = onInterrupt(() => controller.abort(new Error("interrupted (SIGINT)")));
  const view = pickView(options);
  const flow = {
    hubUrl,
    fetch: options.fetch,
    signal,
    env: options.env,
    clientId: options.clientId ?? deviceClientId(options.env),
    // The session's current token is masked too in anything built from the server's words.
    secrets: [sessionState().resolution?.token],
    now,
    sleep: options.sleep,
  };
  let info: DeviceCodeInfo | undefined;
  let card: LoginCardData | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  try {
    try {
      if (envFlag(options.env, "HF_HUB_OFFLINE")) {
        throw new DeviceCodeError(
          "offline",
          "HF_HUB_OFFLINE is set, so no browser login was started (no request made).",
          { next: "Unset it to log in, or set HF_TOKEN to a token you already have." },
        );
      }
      info = await requestDeviceCode(flow);
    } catch (error) {
      if (error instanceof DeviceCodeError) {
        await view.fail({
          state: error.code === "cancelled" ? "cancelled" : "failed",
          hubUrl,
          userCode: "",
          verificationUri: "",
          verificationUriComplete: "",
          secondsLeft: 0,
          failure: loginFailure(error),
        });
      }
      throw error;
    }
    const shown = info.verificationUriComplete;
    const link = verificationLink(shown, hubUrl);
    card = {
      state: "waiting",
      hubUrl,
      userCode: info.userCode,
      verificationUri: info.verificationUri,
      verificationUriComplete: shown,
      secondsLeft: info.expiresIn,
      qr: link ? await qrModules(link) : undefined,
      notes: info.notes,
    };
    view.show(card);
    options.onCode?.({ userCode: info.userCode, verificationUri: shown });
    const expiresAt = info.expiresAt;
    const refresh = () => {
      if (!card) return;
      card = { ...card, secondsLeft: Math.max(0, (expiresAt - now()) / 1000) };
      view.tick(card);
    };
    ticker = setInterval(refresh, 1000);
    const onPoll = (event: PollEvent) => {
      if (!card) return;
      const status = event.kind === "slow-down"
        ? `the Hub asked to poll less often (every ${event.interval} s)`
        : event.kind === "transient"
        ? `no answer yet (${event.reason}); still trying`
        : undefined;
      card = { ...card, status };
      refresh();
    };
    let tokens;
    try {
      tokens = await pollDeviceToken(info, { ...flow, onPoll });
    } catch (error) {
      clearInterval(ticker);
      ticker = undefined;
      if (error instanceof DeviceCodeError) {
        await view.fail({
          ...card,
          state: error.code === "cancelled" ? "cancelled" : "failed",
          secondsLeft: 0,
          failure: loginFailure(error),
        });
      }
      throw error;
    }
    clearInterval(ticker);
    ticker = undefined;

    const secrets = [tokens.accessToken, tokens.refreshToken, info.deviceCode];
    const resolution = new Resolution({
      token: tokens.accessToken,
      source: BROWSER_LOGIN_SOURCE,
      attempts: [{
        source: BROWSER_LOGIN_SOURCE,
        outcome: "found",
        masked: maskToken(tokens.accessToken),
      }],
      platform: detectPlatform(options.env ? { env: options.env } : {}),
    });
    const checked = await whoami({ ...options, signal, resolution, refresh: true });
    const extra: Diagnostic[] = [];
    const persist = options.persist ?? true;
    let final = resolution;
    let loginInfo: BrowserLoginInfo | undefined;
    if (!checked.ok) {
      extra.push({
        code: "not-saved",
        severity: "error",
        message: `The browser login gave a token, but checking it with the Hub failed ` +
          `(verdict "${checked.verdict}": ${checked.reason}), so nothing was saved.`,
        fix: "Fix what the card says and run the login again, or paste a token instead: " +
          'login({ method: "token" }).',
      });
    } else if (!persist) {
      extra.push({
        code: "session-only",
        severity: "info",
        message: "Browser login kept for this session only (persist: false): nothing was written.",
        fix: "Nothing to do; run browserLogin() again without persist: false to save it.",
      });
    } else {
      const name = loginName(checked, options.name);
      try {
        const { saveToken } = await import("../store/save_token.ts");
        const expiresAt = tokens.expiresIn !== undefined
          ? Math.floor(Date.now() / 1000) + tokens.expiresIn
          : undefined;
        const result = await saveToken(tokens.accessToken, {
          name,
          env: options.env,
          ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
          ...(expiresAt !== undefined ? { expiresAt } : {}),
        });
        loginInfo = {
          name,
          ...(expiresAt !== undefined
            ? { expiresAt: new Date(expiresAt * 1000).toISOString() }
            : {}),
          renews: tokens.refreshToken !== undefined,
          refresh: "not-due",
        };
        final = new Resolution({
          token: tokens.accessToken,
          source: BROWSER_LOGIN_SOURCE,
          attempts: resolution.attempts,
          platform: resolution.platform,
          browserLogin: loginInfo,
          // A kernel that stays up: a day before expiry the session resolves again, from the
          // token file just written, and that resolution renews the login (no prompt).
          ...(expiresAt !== undefined && tokens.refreshToken
            ? { recheckAt: expiresAt * 1000 - REFRESH_MARGIN_MS }
            : {}),
        });
        const shadowing = ALL_TOKEN_NAMES.filter((n) => envNonEmpty(options.env, n) !== undefined);
        if (shadowing.length > 0) {
          extra.push({
            code: "shadowed-login",
            severity: "warning",
            message: `${shadowing[0]} is set in the environment: it wins over the saved browser ` +
              `login for hf, Python and later sessions here.`,
            fix: `Unset ${shadowing[0]} to use the browser login from now on.`,
          });
        }
        const { displayPath } = await import("../store/paths.ts");
        const where = result.changed.map((p) => displayPath(p, options.env)).join(" and ");
        extra.push({
          code: "token-saved",
          severity: "info",
          message: `Browser login saved as "${name}" in ${where}` +
            (tokens.refreshToken ? " with its refresh token (it renews itself)" : "") +
            "; it is now the active token for hf, Python and this module.",
          fix:
            `To undo: forgetToken({ name: ${
              JSON.stringify(name)
            } }) here, or \`hf auth logout --token-name ${name}\` ` +
            `(\`deno task hf logout --name ${name}\`) in a shell.`,
        });
      } catch (error) {
        const message = redact(error instanceof Error ? error.message : String(error), secrets);
        extra.push({
          code: "save-failed",
          severity: "error",
          message: `The browser login worked but could not be saved: ${message}`,
          fix: "Check that HF_HOME (or ~/.cache/huggingface) is writable; the token stays " +
            "usable for this session.",
        });
      }
    }
    if (checked.ok || checked.verdict === "offline") sessionState().resolution = final;
    const linked: LiveLink = { active: true, blank: () => view.blank() };
    const validation = new LoginValidation(
      { ...withDiagnostics(checked, extra), ...(loginInfo ? { browserLogin: loginInfo } : {}) },
      linked,
    );
    await view.success(validation);
    const timer = setTimeout(() => linked.active = false, 1500);
    try {
      Deno.unrefTimer(timer);
    } catch { /* not Deno */ }
    return { resolution: final, validation };
  } finally {
    if (ticker !== undefined) clearInterval(ticker);
    stopListening();
  }
}
