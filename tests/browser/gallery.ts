/**
 * The display gallery: every displayable of the module in every state, rendered by the real code
 * into one static page, `artifacts/gallery/index.html` (`deno task gallery`).
 *
 * States come from the real code paths: `whoami()` and `probe()` against an in-process sandbox
 * (personas and faults), `sources()` over injected environments, `getToken()` failing with
 * `TokenNotFoundError`, the device-login client (`requestDeviceCode()`, `pollDeviceToken()`,
 * `browserLogin()` approved in the sandbox), and the renderers fed with diagnoses made by
 * `diagnoseFailure()`. Nothing
 * here writes card or table markup by hand; the page only adds headings, section colours (light,
 * dark through JupyterLab's `--jp-*` variables) and a narrow 600 px column.
 *
 * The page itself has no scripts and loads nothing: `tests/browser/gallery_test.ts` opens it in
 * Chromium, screenshots every state and checks overflow, contrast, wrapping and that no fragment
 * carries scripts, images or external resources.
 *
 * @module
 */
import {
  browserLogin,
  clearToken,
  DeviceCodeError,
  getToken,
  type ProbeFailureCode,
  type ProbeFailureFacts,
  type ProbeRow,
  ProbeTable,
  sources,
  whoami,
} from "../../mod.ts";
import { renderLoginHtml } from "../../src/display/mod.ts";
import { pollDeviceToken, requestDeviceCode } from "../../src/_oauth_device.ts";
import { qrModules } from "../../src/_qr.ts";
import { diagnoseFailure } from "../../src/diagnose.ts";
import { escapeHtml } from "../../src/display/_html.ts";
import { type PersonaName, PERSONAS, startSandbox } from "../../src/sandbox/mod.ts";
import { probe } from "../../src/probes/probe.ts";
import { darkThemeCss, lightThemeCss } from "./_browser.ts";
import { sanitizeLikeJupyterLab } from "../_sanitize.ts";

/** One state of one displayable. */
export interface GalleryState {
  /** Stable id (used in element ids and screenshot file names). */
  id: string;
  /** Group heading: "Validation card", "Probe table", … */
  group: string;
  /** What this state shows. */
  title: string;
  /** The fragment exactly as the displayable renders it for `text/html`. */
  html: string;
}

/** A section of the gallery page (every state is shown once per section). */
export interface GallerySection {
  /** Id prefix of the section (`light`, `dark`, `narrow`, `narrow-dark`). */
  id: string;
  /** Heading. */
  title: string;
  /** Column width in CSS px. */
  width: number;
  /** Palette: JupyterLab light or dark `--jp-*` variables, or none (classic/plain fallbacks). */
  theme: "light" | "dark" | "plain";
  /**
   * Show every fragment as JupyterLab shows it in an untrusted notebook (one reopened from
   * disk): passed through its real `Sanitizer`, which removes the `<style>` block.
   */
  sanitized?: boolean;
}

/** The sections of the page. */
export const SECTIONS: readonly GallerySection[] = [
  { id: "light", title: "JupyterLab light theme", width: 1000, theme: "light" },
  { id: "dark", title: "JupyterLab dark theme", width: 1000, theme: "dark" },
  {
    id: "narrow",
    title: "Narrow 600 px column, no theme variables (plain HTML fallbacks)",
    width: 600,
    theme: "plain",
  },
  { id: "narrow-dark", title: "Narrow 600 px column, dark theme", width: 600, theme: "dark" },
  {
    id: "sanitized",
    title: "Untrusted notebook (JupyterLab's Sanitizer applied), light theme",
    width: 1000,
    theme: "light",
    sanitized: true,
  },
  {
    id: "sanitized-dark",
    title: "Untrusted notebook (JupyterLab's Sanitizer applied), dark theme",
    width: 1000,
    theme: "dark",
    sanitized: true,
  },
  {
    id: "sanitized-narrow-dark",
    title: "Untrusted notebook, narrow 600 px column, dark theme",
    width: 600,
    theme: "dark",
    sanitized: true,
  },
];

/** A model id long enough to need wrapping in any column. */
export const LONG_MODEL_ID =
  "sandbox-organisation-with-a-long-name/an-extremely-long-model-identifier-" +
  "without-spaces-Instruct-v0.3-GGUF-Q4_K_M-finetuned-for-gallery-wrapping-checks";

const VALIDATION_PERSONAS: [PersonaName, string][] = [
  ["read", "valid · read token"],
  ["write", "valid · write token"],
  ["fineGrainedInference", "valid · fine-grained with Inference Providers"],
  ["fineGrainedNoInference", "valid · fine-grained without Inference Providers"],
  ["fineGrainedOrg", "valid · fine-grained, org-scoped"],
  ["orgApp", "valid · app (OAuth) token"],
  ["pro", "valid · PRO account"],
  ["expiringSoon", "valid · expiring soon"],
  ["expired", "expired"],
  ["revoked", "invalid (revoked)"],
  ["rateLimited", "rate-limited (429)"],
  ["serverError", "server error (500)"],
  ["xss", "hostile display name (xss persona)"],
];

/** Facts for each diagnosis class of `diagnoseFailure()` (what a probe would observe). */
function diagnosisFacts(hubUrl: string): [ProbeFailureCode, string, ProbeFailureFacts][] {
  const fineGrained = {
    verdict: "valid" as const,
    token: { role: "fineGrained" as const, permissions: [], canReadGatedRepos: false },
  };
  const read = { verdict: "valid" as const, token: { role: "read" as const, permissions: [] } };
  const json = "application/json";
  const inputError = (message: string) => Object.assign(new Error(message), { name: "InputError" });
  return [
    ["invalid-token", "Authentication (whoami)", {
      area: "hub",
      response: { status: 401, contentType: json, body: '{"error":"Invalid credentials"}' },
      validation: { verdict: "invalid" },
    }],
    ["expired-token", "Chat completion", {
      area: "inference",
      target: "meta-llama/Llama-3.1-8B-Instruct",
      response: { status: 401, contentType: json, body: '{"error":"Unauthorized"}' },
      validation: { verdict: "expired" },
    }],
    ["missing-inference-permission", "Text classification", {
      area: "inference",
      target: "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
      response: { status: 403, contentType: json, body: '{"error":"Forbidden"}' },
      validation: fineGrained,
    }],
    ["inference-forbidden", "Chat completion", {
      area: "inference",
      target: "meta-llama/Llama-3.1-8B-Instruct",
      response: {
        status: 403,
        contentType: json,
        body: '{"error":"You cannot call Inference Providers on behalf of app sandbox-app"}',
      },
      validation: read,
    }],
    ["missing-gated-permission", "Gated model access", {
      area: "hub",
      target: "meta-llama/Llama-3.2-1B",
      response: { status: 403, errorCode: "GatedRepo", contentType: json, body: "{}" },
      validation: fineGrained,
    }],
    ["gated-model", "Gated model access", {
      area: "hub",
      target: "meta-llama/Llama-3.2-1B",
      response: { status: 403, errorCode: "GatedRepo", contentType: json, body: "{}" },
      validation: read,
    }],
    ["missing-repo-permission", "Read a private model", {
      area: "hub",
      target: "alice-private-org/internal-evaluation-model",
      response: { status: 403, contentType: json, body: '{"error":"Forbidden"}' },
      validation: fineGrained,
    }],
    ["forbidden", "Read a public model", {
      area: "hub",
      target: "sandbox/forbidden-model",
      response: {
        status: 403,
        contentType: json,
        body: '{"error":"Access to this repo is disabled"}',
      },
      validation: read,
    }],
    ["repo-not-found", "Read a model", {
      area: "hub",
      target: "sandbox/private-model",
      response: { status: 404, errorCode: "RepoNotFound", contentType: json, body: "{}" },
      validation: read,
    }],
    ["no-provider", "Text generation", {
      area: "inference",
      target: LONG_MODEL_ID,
      error: inputError(`No Inference Provider available for model ${LONG_MODEL_ID}.`),
    }],
    ["legacy-model", "Text generation (legacy)", {
      area: "inference",
      target: "gpt2",
      legacy: true,
      error: inputError("No Inference Provider available for model gpt2."),
    }],
    ["provider-not-serving", "Chat completion", {
      area: "inference",
      target: "sandbox/tiny-completion",
      provider: "together",
      error: inputError(
        "We have not been able to find inference provider information for model " +
          "sandbox/tiny-completion.",
      ),
    }],
    ["unsupported-task", "Text generation", {
      area: "inference",
      target: "sandbox/tiny-chat",
      provider: "together",
      error: inputError(
        "Model sandbox/tiny-chat is not supported for task text-generation and provider " +
          "together. Supported task: conversational.",
      ),
    }],
    ["provider-rate-limited", "Feature extraction", {
      area: "inference",
      target: "sentence-transformers/all-MiniLM-L6-v2",
      response: { status: 429, retryAfter: "7", contentType: json, body: '{"error":"Too Many"}' },
    }],
    ["model-loading", "Token classification", {
      area: "inference",
      target: "sandbox/loading-model",
      response: {
        status: 503,
        contentType: json,
        body: '{"error":"Model sandbox/loading-model is currently loading","estimated_time":20.4}',
      },
    }],
    ["server-error", "Read a public model", {
      area: "hub",
      target: "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
      response: { status: 500, contentType: json, body: '{"error":"Internal Error"}' },
    }],
    ["timeout", "Chat completion", {
      area: "inference",
      target: "meta-llama/Llama-3.1-8B-Instruct",
      timedOut: true,
      timeoutMs: 15_000,
    }],
    ["cancelled", "Chat completion", {
      area: "inference",
      target: "meta-llama/Llama-3.1-8B-Instruct",
      cancelled: true,
    }],
    ["offline", "Read a public model", {
      area: "hub",
      target: "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
      error: new TypeError(
        "error sending request for url (https://huggingface.co/api/models/x): dns error: " +
          "failed to lookup address information: Name or service not known",
      ),
    }],
    ["connection-failed", "Feature extraction", {
      area: "inference",
      target: "sentence-transformers/all-MiniLM-L6-v2",
      error: new TypeError("error sending request: connection reset by peer"),
    }],
    ["unexpected-response", "Read a public model", {
      area: "hub",
      target: "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
      response: {
        status: 502,
        contentType: "text/html",
        body: "<!doctype html><html><body><script>alert(1)</script>Bad gateway</body></html>",
      },
    }],
    ["unknown", "Text classification", {
      area: "inference",
      target: "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
      response: { status: 418, contentType: json, body: `{"error":"I'm a teapot <b>"}` },
    }],
  ].map(([code, capability, facts]) => [
    code as ProbeFailureCode,
    capability as string,
    { ...(facts as ProbeFailureFacts), hubUrl },
  ]);
}

/** Builds every state from the real code (starts and closes its own sandbox). */
export async function buildGalleryStates(): Promise<GalleryState[]> {
  const states: GalleryState[] = [];
  await using hub = startSandbox({ quiet: true });
  const net = { hubUrl: hub.url, inferenceUrl: hub.inferenceUrl, env: {}, refresh: true };

  // --- Validation cards ------------------------------------------------------------------
  const card = "Validation card";
  for (const [persona, title] of VALIDATION_PERSONAS) {
    const v = await whoami({ ...net, token: PERSONAS[persona].token });
    states.push({ id: `validation-${persona}`, group: card, title, html: v.toHtml() });
  }
  const read = PERSONAS.read.token;
  const offline = await whoami({ ...net, token: read, env: { HF_HUB_OFFLINE: "1" } });
  states.push({ id: "validation-offline", group: card, title: "offline", html: offline.toHtml() });
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closedUrl = `http://127.0.0.1:${(closed.addr as Deno.NetAddr).port}`;
  closed.close();
  const refused = await whoami({ ...net, token: read, hubUrl: closedUrl });
  states.push({
    id: "validation-network-error",
    group: card,
    title: "network error (connection refused)",
    html: refused.toHtml(),
  });
  for (
    const [fault, title] of [
      ["hang", "network error (timeout)"],
      ["html-error", "HTML error page instead of JSON"],
      ["truncated-json", "truncated JSON"],
      ["reset", "connection reset"],
    ] as const
  ) {
    hub.setFault({ match: { path: "/api/whoami-v2" }, fault, times: 1 });
    const v = await whoami({ ...net, token: read, timeoutMs: 500 });
    hub.clearFaults();
    states.push({ id: `validation-fault-${fault}`, group: card, title, html: v.toHtml() });
  }

  // --- Probe tables ---------------------------------------------------------------------
  const table = "Probe table";
  let running: string | undefined;
  const fg = await probe({
    ...net,
    token: PERSONAS.fineGrainedNoInference.token,
    display: false,
    onRow: (_row, t) => {
      // a snapshot while some rows are finished and others still pending
      if (!running && t.counts.pending > 2 && t.counts.pending < t.rows.length) {
        running = t.toHtml();
      }
    },
  });
  if (running) {
    states.push({
      id: "probe-running",
      group: table,
      title: "running: finished and pending rows",
      html: running,
    });
  }
  states.push({
    id: "probe-fine-grained-no-inference",
    group: table,
    title: "finished · fine-grained token without Inference Providers",
    html: fg.toHtml(),
  });
  const readTable = await probe({ ...net, token: read, display: false });
  states.push({
    id: "probe-read",
    group: table,
    title: "finished · read token (inferred write row predicted to fail)",
    html: readTable.toHtml(),
  });
  const expiredTable = await probe({ ...net, token: PERSONAS.expired.token, display: false });
  states.push({
    id: "probe-expired",
    group: table,
    title: "finished · expired token",
    html: expiredTable.toHtml(),
  });
  const dry = await probe({ ...net, token: read, dryRun: true, display: false });
  states.push({ id: "probe-dry-run", group: table, title: "dry run", html: dry.toHtml() });
  // The model search failing: inference rows say they use their pinned model, and why.
  hub.setFault({ match: { path: /^\/api\/models\?.*pipeline_tag=/ }, fault: "502", times: 5 });
  const pinned = await probe({ ...net, token: read, only: ["inference"], display: false });
  states.push({
    id: "probe-pinned-fallback",
    group: table,
    title: "model search failed: pinned models, with the reason",
    html: pinned.toHtml(),
  });
  const pendingRows = fg.rows.map((r): ProbeRow => ({
    id: r.id,
    capability: r.capability,
    ...(r.target ? { target: r.target } : {}),
    ...(r.provider ? { provider: r.provider } : {}),
    verdict: "pending",
    inferred: r.inferred,
    legacy: r.legacy,
  }));
  const pending = new ProbeTable({
    rows: pendingRows,
    masked: fg.toJSON().masked,
    source: "explicit:token",
    hubUrl: hub.url,
    inferenceUrl: hub.inferenceUrl,
  });
  states.push({
    id: "probe-pending",
    group: table,
    title: "just started: every row pending",
    html: pending.toHtml(),
  });

  // --- Probe diagnoses: one row per failure class, as probe() builds it --------------------
  const diagGroup = "Probe diagnosis";
  const diagRows: ProbeRow[] = [];
  for (const [code, capability, facts] of diagnosisFacts(hub.url)) {
    const d = diagnoseFailure(facts);
    if (d.code !== code) {
      throw new Error(`gallery: facts for ${code} were diagnosed as ${d.code}; update the facts`);
    }
    const row: ProbeRow = {
      id: `diagnosis.${code}`,
      capability,
      ...(facts.target ? { target: facts.target } : {}),
      ...(facts.area === "inference" ? { provider: facts.provider ?? "auto" } : {}),
      verdict: "failed",
      ...(d.status !== undefined ? { status: d.status } : {}),
      latencyMs: 42,
      code: d.code,
      reason: d.reason,
      fix: d.fix,
      inferred: false,
      legacy: facts.legacy ?? false,
    };
    diagRows.push(row);
    const one = new ProbeTable({
      rows: [row],
      masked: "hf_sa…ice",
      source: "env:HF_TOKEN",
      hubUrl: hub.url,
      inferenceUrl: hub.inferenceUrl,
      startedAt: "2030-01-01T00:00:00.000Z",
    });
    one.complete(42);
    states.push({ id: `diagnosis-${code}`, group: diagGroup, title: code, html: one.toHtml() });
  }
  const all = new ProbeTable({
    rows: diagRows,
    masked: "hf_sa…ice",
    hubUrl: hub.url,
    inferenceUrl: hub.inferenceUrl,
    startedAt: "2030-01-01T00:00:00.000Z",
  });
  all.complete(420);
  states.push({
    id: "diagnosis-all",
    group: diagGroup,
    title: "every class in one table",
    html: all.toHtml(),
  });

  // --- Sources table --------------------------------------------------------------------
  const src = "Sources table";
  const isolated = { mountedSecretDirs: [], dotenv: false as const, tokenFile: false };
  clearToken();
  const shadowed = await sources({
    ...isolated,
    env: {
      HF_TOKEN: PERSONAS.read.token,
      HUGGING_FACE_HUB_TOKEN: PERSONAS.write.token,
      HF_API_KEY: PERSONAS.read.token,
    },
  });
  states.push({
    id: "sources-shadowing",
    group: src,
    title: "token in use, shadowed sources, disagreement warning",
    html: shadowed.toHtml(),
  });
  const quickstart = await sources({ ...isolated, env: { HF_TOKEN: PERSONAS.read.token } });
  states.push({
    id: "sources-quickstart",
    group: src,
    title: "one token in use (HF_TOKEN), every other place empty",
    html: quickstart.toHtml(),
  });
  const none = await sources({ ...isolated, env: {} });
  states.push({ id: "sources-none", group: src, title: "no token anywhere", html: none.toHtml() });

  // --- Browser login card ------------------------------------------------------------------
  // The real protocol client against injected answers: the waiting card with its live link (on
  // the Hub's origin, the only `href` this page allows) and its QR code (the only `<svg>`), the
  // address off the Hub's origin, a denial, an expired code, a cancel; and the success, which is
  // the validation card the live output turns into, from a real login against the sandbox.
  const loginGroup = "Browser login";
  const answer = (body: unknown, status = 200) => () =>
    Promise.resolve(Response.json(body, { status })) as Promise<Response>;
  const loginHub = "https://huggingface.co";
  const device = await requestDeviceCode({
    hubUrl: loginHub,
    env: {},
    fetch: answer({
      device_code: "dc_gallery_0123456789",
      user_code: "WDJB-MJHT",
      verification_uri: "https://login.example.net/device?user_code=WDJB-MJHT",
      expires_in: 900,
      interval: 0,
    }),
  });
  const waitingCard = {
    state: "waiting" as const,
    hubUrl: loginHub,
    userCode: device.userCode,
    verificationUri: device.verificationUri,
    verificationUriComplete: device.verificationUriComplete,
    secondsLeft: 754,
    notes: device.notes,
  };
  const onHub = await requestDeviceCode({
    hubUrl: loginHub,
    env: {},
    fetch: answer({
      device_code: "dc_gallery_9876543210",
      user_code: "WDJB-MJHT",
      verification_uri: `${loginHub}/oauth/device`,
      verification_uri_complete: `${loginHub}/oauth/device?user_code=WDJB-MJHT`,
      expires_in: 900,
      interval: 5,
    }),
  });
  const qr = await qrModules(onHub.verificationUriComplete, 30_000);
  if (!qr) throw new Error("gallery: the QR encoder (npm uqr) did not load");
  states.push({
    id: "login-waiting",
    group: loginGroup,
    title: "waiting: the link, the code in large type, a QR code and the time left",
    html: renderLoginHtml({
      state: "waiting",
      hubUrl: loginHub,
      userCode: onHub.userCode,
      verificationUri: onHub.verificationUri,
      verificationUriComplete: onHub.verificationUriComplete,
      secondsLeft: 871,
      qr,
      notes: onHub.notes,
    }),
  });
  states.push({
    id: "login-off-origin",
    group: loginGroup,
    title: "waiting; the address is not on the Hub, so it is text with a warning",
    html: renderLoginHtml({ ...waitingCard, status: "no answer yet (HTTP 503); still trying" }),
  });
  for (
    const [id, title, body] of [
      ["login-denied", "denied in the browser", { error: "access_denied" }],
      ["login-expired", "the code expired", { error: "expired_token" }],
    ] as const
  ) {
    try {
      await pollDeviceToken(device, { hubUrl: loginHub, env: {}, fetch: answer(body, 400) });
      throw new Error("gallery: the poll did not fail");
    } catch (e) {
      if (!(e instanceof DeviceCodeError)) throw e;
      states.push({
        id,
        group: loginGroup,
        title,
        html: renderLoginHtml({
          ...waitingCard,
          state: "failed",
          failure: { code: e.code, message: e.happened, next: e.next },
        }),
      });
    }
  }
  const stop = new AbortController();
  stop.abort();
  try {
    await pollDeviceToken(device, { hubUrl: loginHub, env: {}, signal: stop.signal });
  } catch (e) {
    if (!(e instanceof DeviceCodeError)) throw e;
    states.push({
      id: "login-cancelled",
      group: loginGroup,
      title: "cancelled (Ctrl-C, kernel interrupt, signal)",
      html: renderLoginHtml({
        ...waitingCard,
        state: "cancelled",
        failure: { code: e.code, message: e.happened, next: e.next },
      }),
    });
  }

  {
    clearToken();
    await using oauthHub = startSandbox({ quiet: true, oauth: { interval: 1 } });
    const home = await Deno.makeTempDir({ prefix: "hfna-gallery-login-" });
    try {
      const card = await browserLogin({
        env: { ...oauthHub.env, HF_HOME: home },
        display: "none",
        onCode: ({ userCode }) => oauthHub.approveDevice(userCode),
      });
      states.push({
        id: "login-success",
        group: loginGroup,
        title: "approved: the live output becomes the new token's validation card",
        html: card.toHtml(),
      });
    } finally {
      clearToken();
      await Deno.remove(home, { recursive: true });
    }
  }

  // --- TokenNotFoundError -----------------------------------------------------------------
  clearToken();
  try {
    await getToken({ ...isolated, env: {}, prompt: false, refresh: true, platform: "jupyter" });
    throw new Error("gallery: getToken() found a token in an empty environment");
  } catch (e) {
    if (!(e instanceof Error) || e.name !== "TokenNotFoundError") throw e;
    states.push({
      id: "error-token-not-found",
      group: "Errors",
      title: "TokenNotFoundError (as the notebook shows a thrown error)",
      html: `<pre class="gallery-error">${escapeHtml(`${e.name}: ${e.message}`)}</pre>`,
    });
  } finally {
    clearToken();
  }
  return states;
}

const PAGE_CSS = `
body{margin:0;padding:16px 24px;font-family:system-ui,sans-serif;background:#ffffff;color:#1f2328}
h1{font-size:20px}
nav{columns:3;font-size:12px;margin-bottom:16px}
nav a{color:#0550ae}
section.gallery-section{padding:12px 16px;margin:0 0 24px;border-radius:8px}
section.gallery-section>h2{font-size:18px;margin:4px 0 12px}
section.gallery-plain,section.gallery-light{background:#ffffff;color:#1f2328;border:1px solid #d0d7de}
${lightThemeCss("section.gallery-light")}
${darkThemeCss("section.gallery-dark")}
section.gallery-dark>h2,section.gallery-dark h3{color:#e6e6e6}
.gallery-column{margin:0}
article.gallery-state{margin:0 0 18px}
article.gallery-state>h3{font-size:13px;font-weight:600;margin:0 0 4px;font-family:monospace}
.gallery-output{width:100%;overflow:hidden}
pre.gallery-error{white-space:pre-wrap;overflow-wrap:anywhere;margin:0;padding:6px 8px;
font-size:12px;background:#fdd;color:#1f2328;border-radius:4px}
section.gallery-dark pre.gallery-error{background:#3b1c1c;color:#f0d0d0}
`;

/** Renders the gallery page (no scripts; every state in every section). */
export function renderGalleryPage(states: readonly GalleryState[]): string {
  const nav = states.map((s) =>
    `<li><a href="#light--${s.id}">${escapeHtml(s.group)}: ${escapeHtml(s.title)}</a></li>`
  ).join("\n");
  const sections = SECTIONS.map((section) => {
    let group = "";
    const articles = states.map((s) => {
      const heading = s.group !== group
        ? `<h2 class="gallery-group">${escapeHtml(s.group)}</h2>`
        : "";
      group = s.group;
      return `${heading}<article class="gallery-state" id="${section.id}--${s.id}" ` +
        `data-state="${s.id}" data-section="${section.id}">` +
        `<h3>${escapeHtml(s.id)} — ${escapeHtml(s.title)}</h3>` +
        `<div class="gallery-output">${
          section.sanitized ? sanitizeLikeJupyterLab(s.html) : s.html
        }</div></article>`;
    }).join("\n");
    return `<section id="${section.id}" class="gallery-section gallery-${section.theme}" style="width:${
      section.width + 32
    }px"><h2>${escapeHtml(section.title)}</h2>` +
      `<div class="gallery-column" style="width:${section.width}px">${articles}</div></section>`;
  }).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hf-notebook-auth display gallery</title>
<style>${PAGE_CSS}</style></head>
<body><h1>hf-notebook-auth — display gallery</h1>
<p>Every displayable in every state, rendered by the real code (generated by
<code>deno task gallery</code>). Sections: ${
    SECTIONS.map((s) => `<a href="#${s.id}">${escapeHtml(s.title)}</a>`).join(" · ")
  }.</p>
<nav><ul>${nav}</ul></nav>
${sections}
</body></html>
`;
}

/** Builds the states and writes `<dir>/index.html` (and `states.json`); returns the states. */
export async function writeGallery(dir: string): Promise<GalleryState[]> {
  const states = await buildGalleryStates();
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/index.html`, renderGalleryPage(states));
  await Deno.writeTextFile(
    `${dir}/states.json`,
    JSON.stringify(states.map(({ id, group, title }) => ({ id, group, title })), null, 2),
  );
  return states;
}

if (import.meta.main) {
  const dir = new URL("../../artifacts/gallery", import.meta.url).pathname;
  const states = await writeGallery(dir);
  console.log(`gallery: ${states.length} states × ${SECTIONS.length} sections → ${dir}/index.html`);
}
