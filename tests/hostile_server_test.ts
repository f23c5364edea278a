/**
 * Issue 19, the network half, against hostile HTTP servers on loopback (`Deno.serve`, port 0):
 *
 * - row 3: an endless body is cut at 1 MiB and diagnosed ("an answer larger than 1 MiB …:
 *   a proxy or a broken server") by the device login (start and polling), the Kaggle
 *   lookup, the OIDC exchange (and GitHub's id-token service) and the refresh;
 * - redirects (row 10 for Kaggle): every request that carries a secret refuses a 3xx with a
 *   specific error, and the second origin is never called;
 * - row 6: a token a server sends passes the checks a pasted one does before anything is
 *   written (a refresh answer with "\n[injected]\nhf_token = x" changes no file);
 * - row 7: a server's words are masked with every secret of the session before they are cut;
 * - row 12: `expires_in: 1e300` is an unknown lifetime, never an impossible date.
 */
import assert from "node:assert/strict";
import { pollDeviceToken, requestDeviceCode } from "../src/_oauth_device.ts";
import { kaggleSecretStore } from "../src/sources/kaggle_secrets.ts";
import { oidcExchange } from "../src/sources/oidc.ts";
import { refreshAccessToken } from "../src/resolve/_refresh_request.ts";
import { browserLogin, clearToken, resolveToken } from "../mod.ts";
import { PERSONAS, startSandbox } from "../src/sandbox/mod.ts";
import { DeviceCodeError, OidcError, SecretAccessError } from "../src/errors.ts";
import { learnSecret, spoolOutput } from "./_leak_scanner.ts";

/** Obviously fake secrets of this file (taught to the suite's leak scan; no two share 8 characters). */
const DEVICE_CODE = "devcode_Q7x9Lm2Pz4KdRw";
const REFRESH = "hf_ref_Zr8Kq2Wm5Tn7Yu";
const ACCESS = "hf_acc_Vb3Np6Xc9Hj1Gt";
const ID_TOKEN = "eyJoidc.Ws4Ty7Ue1Io3Pa";
const KAGGLE_JWT = "kagglejwt_Fg5Hj8Kl2Mn4Qs";
const GH_REQUEST = "ghreq_Ab3Cd5EfGh7";
learnSecret(DEVICE_CODE, REFRESH, ACCESS, ID_TOKEN, KAGGLE_JWT, GH_REQUEST);

interface Loopback {
  url: string;
  hits: number;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A loopback server answering every request with `answer`, counting the requests. */
function serve(answer: (request: Request) => Response | Promise<Response>): Loopback {
  const state = { hits: 0 };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    state.hits++;
    return answer(request);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    get hits() {
      return state.hits;
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** An answer whose body never ends (64 KiB of JSON-looking text per chunk, forever). */
function endless(status = 200): Response {
  const chunk = new TextEncoder().encode(`{"pad":"${"x".repeat(65_536)}",`);
  let sent = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        // the reader stopped: nothing more is produced
        sent = -sent;
      },
    }),
    { status, headers: { "content-type": "application/json" } },
  );
}

/** Rejects with an error of `type` and `code`; returns it. */
async function rejects<E extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => E,
  pattern: RegExp,
): Promise<E> {
  const error = await promise.then(() => undefined, (e) => e);
  assert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
  assert.match(error.message, pattern);
  await spoolOutput(`hostile_server/${type.name}`, error);
  return error;
}

const TOO_LARGE = /larger than 1 MiB \(the limit here\): a proxy or a broken server/;
const INFO = {
  deviceCode: DEVICE_CODE,
  userCode: "ABCD-EFGH",
  verificationUri: "http://127.0.0.1/device",
  verificationUriComplete: "http://127.0.0.1/device",
  interval: 1,
  expiresIn: 30,
  expiresAt: Date.now() + 30_000,
  notes: [],
};
const noSleep = () => Promise.resolve();

// ------------------------------------------------------------------- row 3: endless bodies

Deno.test("row 3: the device login (start and polling) stops an endless answer at 1 MiB", async () => {
  await using hub = serve(() => endless());
  const start = await rejects(
    requestDeviceCode({ hubUrl: hub.url, env: {}, requestTimeoutMs: 60_000 }),
    DeviceCodeError,
    TOO_LARGE,
  );
  assert.equal((start as DeviceCodeError).code, "too-large");
  const poll = await rejects(
    pollDeviceToken({ ...INFO, expiresAt: Date.now() + 30_000 }, {
      hubUrl: hub.url,
      env: {},
      sleep: noSleep,
      requestTimeoutMs: 60_000,
    }),
    DeviceCodeError,
    TOO_LARGE,
  );
  assert.equal((poll as DeviceCodeError).code, "too-large");
  assert.equal(hub.hits, 2, "polling stops at the first endless answer");
});

Deno.test("row 3: the Kaggle lookup stops an endless answer at 1 MiB", async () => {
  await using kaggle = serve(() => endless());
  await rejects(
    kaggleSecretStore.get("HF_TOKEN", {
      env: { KAGGLE_USER_SECRETS_TOKEN: KAGGLE_JWT, KAGGLE_URL_BASE: kaggle.url },
      cwd: ".",
      fetch,
    }),
    SecretAccessError,
    TOO_LARGE,
  );
});

Deno.test("row 3: the OIDC exchange and GitHub's id-token service stop an endless answer at 1 MiB", async () => {
  await using hub = serve(() => endless());
  const exchange = await rejects(
    oidcExchange({
      hubUrl: hub.url,
      env: { HF_OIDC_RESOURCE: "sandbox-alice/m", HF_OIDC_ID_TOKEN: ID_TOKEN },
      timeoutMs: 60_000,
    }),
    OidcError,
    TOO_LARGE,
  );
  assert.equal((exchange as OidcError).code, "too-large");
  await using github = serve(() => endless());
  await rejects(
    oidcExchange({
      hubUrl: hub.url,
      env: {
        HF_OIDC_RESOURCE: "sandbox-alice/m",
        GITHUB_ACTIONS: "true",
        ACTIONS_ID_TOKEN_REQUEST_URL: `${github.url}/token`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: GH_REQUEST,
      },
      timeoutMs: 60_000,
    }),
    OidcError,
    TOO_LARGE,
  );
});

Deno.test("row 3: the refresh stops an endless answer at 1 MiB", async () => {
  await using hub = serve(() => endless());
  const error = await rejects(
    refreshAccessToken(REFRESH, { hubUrl: hub.url, env: {}, timeoutMs: 60_000 }),
    DeviceCodeError,
    TOO_LARGE,
  );
  assert.equal((error as DeviceCodeError).code, "too-large");
});

/** An answer that drips one byte every 50 ms, forever (never reaches the cap). */
function drip(): Response {
  let timer: ReturnType<typeof setInterval> | undefined;
  return new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("{"));
        timer = setInterval(() => controller.enqueue(new TextEncoder().encode(" ")), 50);
      },
      cancel() {
        clearInterval(timer);
      },
    }),
    { headers: { "content-type": "application/json" } },
  );
}

Deno.test("row 3: an answer that never ends slowly ends at each request's timeout, not never", async () => {
  await using hub = serve(() => drip());
  const env = { HF_OIDC_RESOURCE: "sandbox-alice/m", HF_OIDC_ID_TOKEN: ID_TOKEN };
  const calls: [string, () => Promise<unknown>][] = [
    ["device start", () => requestDeviceCode({ hubUrl: hub.url, env: {}, requestTimeoutMs: 300 })],
    ["refresh", () => refreshAccessToken(REFRESH, { hubUrl: hub.url, env: {}, timeoutMs: 300 })],
    ["oidc", () => oidcExchange({ hubUrl: hub.url, env, timeoutMs: 300 })],
    [
      "kaggle",
      () =>
        kaggleSecretStore.get("HF_TOKEN", {
          env: { KAGGLE_USER_SECRETS_TOKEN: KAGGLE_JWT, KAGGLE_URL_BASE: hub.url },
          cwd: ".",
          fetch,
          signal: AbortSignal.timeout(300),
        }),
    ],
  ];
  for (const [label, call] of calls) {
    const error = await call().then(() => undefined, (e) => e);
    assert.ok(error instanceof Error, `${label}: ended without an error`);
    assert.ok(!error.message.includes(REFRESH) && !error.message.includes(KAGGLE_JWT), label);
  }
});

// ------------------------------------------------------------------------- redirects

/** A server that redirects every request to `other` (302 and 307: 307 would resend the body). */
function redirecting(other: Loopback, status = 307): Loopback {
  return serve(() =>
    new Response(null, { status, headers: { location: `${other.url}/steal?x=1` } })
  );
}

Deno.test("redirects: refused for Kaggle (row 10): the JWT goes nowhere else and no answer becomes the token", async () => {
  for (const status of [301, 302, 307, 308]) {
    await using thief = serve(() =>
      Response.json({ wasSuccessful: true, result: { secret: "hf_stolen_ok" } })
    );
    await using kaggle = redirecting(thief, status);
    const error = await rejects(
      kaggleSecretStore.get("HF_TOKEN", {
        env: { KAGGLE_USER_SECRETS_TOKEN: KAGGLE_JWT, KAGGLE_URL_BASE: kaggle.url },
        cwd: ".",
        fetch,
      }),
      SecretAccessError,
      new RegExp(
        `answered a redirect \\(HTTP ${status} to http://127\\.0\\.0\\.1:\\d+\\): refused`,
      ),
    );
    assert.ok(!error.message.includes(KAGGLE_JWT));
    assert.equal(thief.hits, 0, `HTTP ${status}: the other origin was called`);
  }
});

Deno.test("redirects: refused by the OIDC exchange, GitHub's id-token request, the device flow and the refresh", async () => {
  await using thief = serve(() => Response.json({ access_token: "hf_stolen_ok", value: "x" }));
  await using hub = redirecting(thief);
  const oidc = await rejects(
    oidcExchange({
      hubUrl: hub.url,
      env: { HF_OIDC_RESOURCE: "sandbox-alice/m", HF_OIDC_ID_TOKEN: ID_TOKEN },
    }),
    OidcError,
    /answered a redirect \(HTTP 307 to http:\/\/127\.0\.0\.1:\d+\): refused/,
  );
  assert.equal(oidc.code, "redirect");
  const github = await rejects(
    oidcExchange({
      hubUrl: hub.url,
      env: {
        HF_OIDC_RESOURCE: "sandbox-alice/m",
        GITHUB_ACTIONS: "true",
        ACTIONS_ID_TOKEN_REQUEST_URL: `${hub.url}/token`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: GH_REQUEST,
      },
    }),
    OidcError,
    /GitHub's id-token service .* answered a redirect/,
  );
  assert.equal(github.code, "redirect");
  const start = await rejects(
    requestDeviceCode({ hubUrl: hub.url, env: {} }),
    DeviceCodeError,
    /answered a redirect .*refused/,
  );
  assert.equal(start.code, "redirect");
  const poll = await rejects(
    pollDeviceToken({ ...INFO, expiresAt: Date.now() + 30_000 }, {
      hubUrl: hub.url,
      env: {},
      sleep: noSleep,
    }),
    DeviceCodeError,
    /answered a redirect .*device code/,
  );
  assert.equal(poll.code, "redirect");
  const refresh = await rejects(
    refreshAccessToken(REFRESH, { hubUrl: hub.url, env: {} }),
    DeviceCodeError,
    /answered a redirect .*refresh token/,
  );
  assert.equal(refresh.code, "redirect");
  assert.equal(thief.hits, 0, "the other origin was called");
});

// ------------------------------------------------------------- row 6: tokens from servers

const INJECTED = "hf_new_token\n[injected]\nhf_token = x";

Deno.test("row 6: a token a server sends is checked as a pasted one (device flow, refresh, OIDC)", async () => {
  const bad = [
    INJECTED,
    "hf_has space",
    "hf_ctrl\x1b[2J",
    "hf_bidi\u202e",
    'hf_q"uote',
    "x".repeat(2000),
  ];
  for (const token of bad) {
    for (const field of ["access_token", "refresh_token"]) {
      const body = { access_token: "hf_fine_token_1234", refresh_token: REFRESH, [field]: token };
      await using hub = serve(() => Response.json(body));
      const poll = await rejects(
        pollDeviceToken({ ...INFO, expiresAt: Date.now() + 30_000 }, {
          hubUrl: hub.url,
          env: {},
          sleep: noSleep,
        }),
        DeviceCodeError,
        new RegExp(`"${field}" that cannot be a token: it (contains|is) .*Nothing was saved`),
      );
      assert.equal(poll.code, "bad-token");
      const refresh = await rejects(
        refreshAccessToken(REFRESH, { hubUrl: hub.url, env: {} }),
        DeviceCodeError,
        new RegExp(`${field} that cannot be a token: it (contains|is) .*Nothing was written`),
      );
      assert.equal(refresh.code, "bad-token");
    }
    await using hub = serve(() => Response.json({ access_token: token }));
    const oidc = await rejects(
      oidcExchange({
        hubUrl: hub.url,
        env: { HF_OIDC_RESOURCE: "sandbox-alice/m", HF_OIDC_ID_TOKEN: ID_TOKEN },
      }),
      OidcError,
      /access_token that cannot be a token/,
    );
    assert.equal(oidc.code, "bad-token");
  }
});

Deno.test("row 6: a refresh answer with an injected section changes neither stored_tokens nor the token file", async () => {
  await using hub = serve(() =>
    Response.json({ access_token: INJECTED, refresh_token: REFRESH, expires_in: 3600 })
  );
  const root = await Deno.makeTempDir({ prefix: "hfna-inject-" });
  try {
    const hf = `${root}/hf`;
    await Deno.mkdir(hf);
    const expiresAt = Math.floor(Date.now() / 1000) + 3600; // within the 24 h margin
    const stored = `[oauth-hostile]\nhf_token = ${ACCESS}\nrefresh_token = ${REFRESH}\n` +
      `expires_at = ${expiresAt}\n\n[other]\nhf_token = hf_sandbox_read_alice\n`;
    await Deno.writeTextFile(`${hf}/stored_tokens`, stored, { mode: 0o600 });
    await Deno.writeTextFile(`${hf}/token`, ACCESS, { mode: 0o600 });
    clearToken();
    const resolution = await resolveToken({
      env: { HF_HOME: hf, HF_ENDPOINT: hub.url },
      prompt: false,
      dotenv: false,
      mountedSecretDirs: [],
      kaggle: false,
      refresh: true,
    });
    await spoolOutput("hostile_server/refresh-injected", resolution);
    assert.ok(hub.hits >= 1, "the refresh was tried");
    assert.equal(await Deno.readTextFile(`${hf}/stored_tokens`), stored, "stored_tokens unchanged");
    assert.equal(await Deno.readTextFile(`${hf}/token`), ACCESS, "token file unchanged");
    assert.equal(resolution.token, ACCESS, "the current token is kept");
  } finally {
    clearToken();
    await Deno.remove(root, { recursive: true });
  }
});

// ------------------------------------------------------------------ row 7: masking

Deno.test("row 7: a server's words are masked with every secret of the session, before the cut", async () => {
  // Each secret is echoed at a place where a cut at 200 characters would leave part of it.
  const echo = (secret: string) => `${"e".repeat(180)} ${secret} and more words after it`;
  const cases: [string, () => Promise<unknown>, string[], Loopback][] = [];
  for (const secret of [DEVICE_CODE, ACCESS, REFRESH]) {
    const hub = serve(() =>
      Response.json({
        error: "invalid_client",
        error_description: echo(secret),
        access_token: undefined,
      }, { status: 400 })
    );
    cases.push([
      `device poll echoes ${secret.slice(0, 6)}`,
      () =>
        pollDeviceToken({ ...INFO, expiresAt: Date.now() + 30_000 }, {
          hubUrl: hub.url,
          env: {},
          sleep: noSleep,
          // the session's other secrets (a login in progress knows the current tokens)
          secrets: [ACCESS, REFRESH],
        }),
      [DEVICE_CODE, ACCESS, REFRESH],
      hub,
    ]);
  }
  for (const secret of [ACCESS, REFRESH]) {
    const hub = serve(() =>
      Response.json({ error: "invalid_grant", error_description: echo(secret) }, { status: 400 })
    );
    cases.push([
      `refresh echoes ${secret.slice(0, 12)}`,
      () => refreshAccessToken(REFRESH, { hubUrl: hub.url, env: {}, accessToken: ACCESS }),
      [ACCESS, REFRESH],
      hub,
    ]);
  }
  const oidcHub = serve(() =>
    Response.json({ error: "invalid_grant", error_description: echo(ID_TOKEN) }, { status: 400 })
  );
  cases.push([
    "oidc echoes the id token",
    () =>
      oidcExchange({
        hubUrl: oidcHub.url,
        env: { HF_OIDC_RESOURCE: "sandbox-alice/m", HF_OIDC_ID_TOKEN: ID_TOKEN },
      }),
    [ID_TOKEN],
    oidcHub,
  ]);
  try {
    for (const [label, call, secrets] of cases) {
      const error = await call().then(() => undefined, (e) => e);
      assert.ok(error instanceof Error, label);
      await spoolOutput(`hostile_server/row7`, error);
      for (const secret of secrets) {
        for (let i = 0; i + 8 <= secret.length; i++) {
          assert.ok(
            !error.message.includes(secret.slice(i, i + 8)),
            `${label}: 8 characters of a secret in ${JSON.stringify(error.message)}`,
          );
        }
      }
    }
  } finally {
    for (const [, , , hub] of cases) await hub[Symbol.asyncDispose]();
  }
});

// ------------------------------------------------------------- row 12: impossible numbers

Deno.test("row 12: expires_in 1e300 (or -1, or a string) is an unknown lifetime, never an impossible date", async () => {
  for (const expires_in of [1e300, Number.MAX_VALUE, 1e12, -1, "3600"]) {
    await using hub = serve(() =>
      Response.json({ access_token: "hf_fine_token_1234", refresh_token: REFRESH, expires_in })
    );
    const got = await pollDeviceToken({ ...INFO, expiresAt: Date.now() + 30_000 }, {
      hubUrl: hub.url,
      env: {},
      sleep: noSleep,
    });
    assert.equal(got.expiresIn, undefined, `device flow, expires_in ${expires_in}`);
    const refreshed = await refreshAccessToken(REFRESH, { hubUrl: hub.url, env: {} });
    assert.equal(refreshed.expiresIn, undefined, `refresh, expires_in ${expires_in}`);
    const oidc = await oidcExchange({
      hubUrl: hub.url,
      env: { HF_OIDC_RESOURCE: "sandbox-alice/m", HF_OIDC_ID_TOKEN: ID_TOKEN },
    });
    assert.equal(
      oidc?.expiresIn,
      3600,
      `oidc, expires_in ${expires_in}: huggingface_hub's default`,
    );
  }
  // a sane lifetime is kept, and makes a date
  await using hub = serve(() =>
    Response.json({ access_token: "hf_fine_token_1234", expires_in: 2_592_000 })
  );
  const got = await pollDeviceToken({ ...INFO, expiresAt: Date.now() + 30_000 }, {
    hubUrl: hub.url,
    env: {},
    sleep: noSleep,
  });
  assert.equal(got.expiresIn, 2_592_000);
  assert.doesNotThrow(() => new Date(Date.now() + got.expiresIn! * 1000).toISOString());
});

Deno.test("row 12: a device login whose token answer says expires_in 1e300 is saved, and says so", async () => {
  // The Hub is the sandbox (whoami validates the token); its token endpoint is hostile.
  await using sandbox = startSandbox({ quiet: true });
  const token = PERSONAS.read.token;
  await using hub = serve(async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/oauth/device") {
      return Response.json({
        device_code: DEVICE_CODE,
        user_code: "ABCD-EFGH",
        verification_uri: `${hub.url}/oauth/device`,
        expires_in: 60,
        interval: 1,
      });
    }
    if (url.pathname === "/oauth/token") {
      return Response.json({ access_token: token, refresh_token: REFRESH, expires_in: 1e300 });
    }
    const headers = new Headers(request.headers);
    headers.delete("host");
    return await fetch(`${sandbox.url}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: request.body,
    });
  });
  const home = await Deno.makeTempDir({ prefix: "hfna-1e300-" });
  try {
    clearToken();
    const card = await browserLogin(
      {
        hubUrl: hub.url,
        env: { HF_HOME: `${home}/hf`, HOME: home, HF_ENDPOINT: hub.url },
        display: "none",
        sleep: noSleep,
        mountedSecretDirs: [],
        dotenv: false,
      } as Parameters<typeof browserLogin>[0],
    );
    const text = String(card);
    await spoolOutput("hostile_server/row12-card", card);
    assert.equal(card.verdict, "valid", text);
    assert.doesNotMatch(text, /could not be saved/);
    assert.equal(await Deno.readTextFile(`${home}/hf/token`), token);
    const stored = await Deno.readTextFile(`${home}/hf/stored_tokens`);
    assert.doesNotMatch(stored, /expires_at = .*e\+/, "no impossible expires_at");
    assert.doesNotMatch(text, /Infinity|NaN|e\+300/);
  } finally {
    clearToken();
    await Deno.remove(home, { recursive: true });
  }
});
