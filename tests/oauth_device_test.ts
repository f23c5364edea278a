/**
 * The device-code protocol client (src/_oauth_device.ts) against injected fetches: the exact
 * requests huggingface_hub sends, every polling answer of RFC 8628 §3.5, and bad input (HTML,
 * missing fields, zero / negative / huge interval and expires_in) — with a fake clock, so no
 * test waits real seconds. Plus the login card's handling of hostile server strings.
 */
import assert from "node:assert/strict";
import {
  DEFAULT_DEVICE_CLIENT_ID,
  DEVICE_CODE_GRANT_TYPE,
  type DeviceCodeInfo,
  MAX_EXPIRES_IN_S,
  MAX_INTERVAL_S,
  pollDeviceToken,
  requestDeviceCode,
} from "../src/_oauth_device.ts";
import { DeviceCodeError } from "../src/errors.ts";
import { renderLoginHtml, renderLoginText } from "../src/display/login_card.ts";
import { STYLE } from "../src/display/_style.ts";

const HUB = "https://hub.test";

type Answer = Response | Error | (() => Response);

/** A fetch that answers from a queue and records each request's URL and form. */
function scripted(answers: Answer[]) {
  const calls: { url: string; form: Record<string, string>; method: string; type: string }[] = [];
  const fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const form = Object.fromEntries(new URLSearchParams(String(init?.body ?? "")));
    calls.push({
      url: String(input),
      form,
      method: init?.method ?? "GET",
      type: new Headers(init?.headers).get("content-type") ?? "",
    });
    const next = answers.length > 1 ? answers.shift()! : answers[0];
    if (next instanceof Error) return Promise.reject(next);
    return Promise.resolve(typeof next === "function" ? next() : next.clone());
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const htmlPage = (status: number) =>
  new Response("<!doctype html><html><body>502 Bad Gateway</body></html>", {
    status,
    headers: { "content-type": "text/html" },
  });

function clock() {
  let t = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: (ms: number) => {
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
    sleeps,
    advance: (ms: number) => t += ms,
  };
}

const DEVICE = {
  device_code: "dc_secret_123",
  user_code: "WDJB-MJHT",
  verification_uri: `${HUB}/oauth/device`,
  verification_uri_complete: `${HUB}/oauth/device?user_code=WDJB-MJHT`,
  expires_in: 900,
  interval: 5,
};

function info(overrides: Partial<DeviceCodeInfo> = {}, now = 1_000_000): DeviceCodeInfo {
  return {
    deviceCode: "dc_secret_123",
    userCode: "WDJB-MJHT",
    verificationUri: `${HUB}/oauth/device`,
    verificationUriComplete: `${HUB}/oauth/device?user_code=WDJB-MJHT`,
    interval: 5,
    expiresIn: 900,
    expiresAt: now + 900_000,
    notes: [],
    ...overrides,
  };
}

async function rejectsWith(promise: Promise<unknown>, code: string, pattern?: RegExp) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DeviceCodeError, `expected DeviceCodeError, got ${error}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    assert.ok(!error.message.includes("dc_secret_123"), "device code in a message");
    return error;
  }
  assert.fail(`expected DeviceCodeError ${code}`);
}

Deno.test("requestDeviceCode posts the form huggingface_hub posts and normalizes the answer", async () => {
  const { fetch, calls } = scripted([json(200, DEVICE)]);
  const got = await requestDeviceCode({ hubUrl: HUB, fetch, env: {}, now: () => 5 });
  assert.deepEqual(calls, [{
    url: `${HUB}/oauth/device`,
    form: { client_id: DEFAULT_DEVICE_CLIENT_ID },
    method: "POST",
    type: "application/x-www-form-urlencoded",
  }]);
  assert.equal(DEFAULT_DEVICE_CLIENT_ID, "26be6b09-91c5-47da-9861-d2d2bb7a7e36");
  assert.deepEqual(got, {
    deviceCode: "dc_secret_123",
    userCode: "WDJB-MJHT",
    verificationUri: DEVICE.verification_uri,
    verificationUriComplete: DEVICE.verification_uri_complete,
    interval: 5,
    expiresIn: 900,
    expiresAt: 5 + 900_000,
    notes: [],
  });
});

Deno.test("requestDeviceCode: HF_DEVICE_CODE_OAUTH_CLIENT_ID, defaults and missing verification_uri_complete", async () => {
  const { verification_uri_complete: _c, interval: _i, expires_in: _e, ...bare } = DEVICE;
  const { fetch, calls } = scripted([json(200, bare)]);
  const got = await requestDeviceCode({
    hubUrl: HUB,
    fetch,
    env: { HF_DEVICE_CODE_OAUTH_CLIENT_ID: "my-enterprise-client" },
  });
  assert.equal(calls[0].form.client_id, "my-enterprise-client");
  assert.equal(got.verificationUriComplete, DEVICE.verification_uri);
  assert.equal(got.interval, 5);
  assert.equal(got.expiresIn, 900);
  assert.deepEqual(got.notes, []);
});

Deno.test("requestDeviceCode bounds zero, negative, huge and non-numeric interval / expires_in", async () => {
  const cases: [unknown, unknown, number, number][] = [
    [0, 0, 5, 900],
    [-3, -60, 5, 900],
    [1e9, 1e12, MAX_INTERVAL_S, MAX_EXPIRES_IN_S],
    ["soon", null, 5, 900],
    [0.2, 30.5, 1, 31],
  ];
  for (const [interval, expires, wantInterval, wantExpires] of cases) {
    const { fetch } = scripted([json(200, { ...DEVICE, interval, expires_in: expires })]);
    const got = await requestDeviceCode({ hubUrl: HUB, fetch, env: {} });
    assert.equal(got.interval, wantInterval, `interval ${interval}`);
    assert.equal(got.expiresIn, wantExpires, `expires_in ${expires}`);
    if (wantInterval === MAX_INTERVAL_S) assert.match(got.notes.join(" "), /more than 60 s/);
    if (interval === 0) assert.match(got.notes.join(" "), /interval 0 is not a positive number/);
  }
});

Deno.test("requestDeviceCode: every unusable answer is a specific DeviceCodeError", async () => {
  const cases: [Answer, string, RegExp][] = [
    [htmlPage(200), "bad-response", /HTML page.*captive portal/],
    [htmlPage(502), "server", /HTTP 502 with an HTML page/],
    [json(404, { error: "Not Found" }), "Not Found", /refused/],
    [new Response("nope", { status: 404 }), "bad-response", /does not offer browser login/],
    [
      json(400, { error: "invalid_client", error_description: "unknown client" }),
      "invalid_client",
      /HF_DEVICE_CODE_OAUTH_CLIENT_ID/,
    ],
    [json(200, [1, 2]), "bad-response", /not an object/],
    [json(200, { ...DEVICE, device_code: undefined }), "bad-response", /"device_code" \(missing\)/],
    [json(200, { ...DEVICE, user_code: 42 }), "bad-response", /"user_code" \(got number\)/],
    [json(200, { ...DEVICE, user_code: "AB\u001b[2JCD" }), "bad-response", /not one printable/],
    [json(200, { ...DEVICE, user_code: "X".repeat(500) }), "bad-response", /500 characters/],
    [json(200, { ...DEVICE, verification_uri: "" }), "bad-response", /verification_uri/],
    [new TypeError("connection refused"), "network", /Could not reach .*connection refused/],
  ];
  for (const [answer, code, pattern] of cases) {
    const { fetch } = scripted([answer]);
    await rejectsWith(requestDeviceCode({ hubUrl: HUB, fetch, env: {} }), code, pattern);
  }
});

Deno.test("pollDeviceToken: pending, then the token; the exact form, every interval", async () => {
  const c = clock();
  const { fetch, calls } = scripted([
    json(400, { error: "authorization_pending" }),
    json(400, { error: "authorization_pending" }),
    json(200, {
      access_token: "hf_oauth_x",
      refresh_token: "rt_y",
      expires_in: 2592000,
      token_type: "bearer",
    }),
  ]);
  const events: string[] = [];
  const got = await pollDeviceToken(info({}, c.now()), {
    hubUrl: HUB,
    fetch,
    env: {},
    now: c.now,
    sleep: c.sleep,
    onPoll: (e) => events.push(e.kind),
  });
  assert.deepEqual(got, {
    accessToken: "hf_oauth_x",
    refreshToken: "rt_y",
    expiresIn: 2592000,
    tokenType: "bearer",
  });
  assert.equal(calls.length, 3);
  assert.deepEqual(calls[0].form, {
    grant_type: DEVICE_CODE_GRANT_TYPE,
    device_code: "dc_secret_123",
    client_id: DEFAULT_DEVICE_CLIENT_ID,
  });
  assert.equal(DEVICE_CODE_GRANT_TYPE, "urn:ietf:params:oauth:grant-type:device_code");
  assert.equal(calls[0].url, `${HUB}/oauth/token`);
  assert.deepEqual(c.sleeps, [5000, 5000]);
  assert.deepEqual(events, ["pending", "pending"]);
});

Deno.test("pollDeviceToken: slow_down adds 5 s; 5xx, HTML, JSON without error and network blips keep polling", async () => {
  const c = clock();
  const { fetch } = scripted([
    json(400, { error: "slow_down" }),
    htmlPage(503),
    htmlPage(400),
    json(200, { hello: "proxy" }),
    new TypeError("network down"),
    json(400, { error: "slow_down" }),
    json(200, { access_token: "hf_oauth_x" }),
  ]);
  const events: string[] = [];
  const got = await pollDeviceToken(info({}, c.now()), {
    hubUrl: HUB,
    fetch,
    env: {},
    now: c.now,
    sleep: c.sleep,
    onPoll: (e) => events.push(e.kind === "transient" ? `transient:${e.reason}` : e.kind),
  });
  assert.equal(got.accessToken, "hf_oauth_x");
  assert.equal(got.refreshToken, undefined);
  assert.deepEqual(c.sleeps, [10_000, 10_000, 10_000, 10_000, 10_000, 15_000]);
  assert.equal(events[0], "slow-down");
  assert.match(events[1], /^transient:HTTP 503$/);
  assert.match(events[2], /^transient:HTTP 400 with an HTML page/);
  assert.match(events[3], /^transient:JSON without an access token/);
  assert.match(events[4], /^transient:network error: network down/);
});

Deno.test("pollDeviceToken: denial, expiry and other OAuth errors end the login at once", async () => {
  const cases: [unknown, string, RegExp][] = [
    [{ error: "access_denied" }, "access_denied", /denied in the browser/],
    [{ error: "expired_token" }, "expired_token", /expired before it was approved/],
    [
      { error: "invalid_client", error_description: "bad\nclient\u001b" },
      "invalid_client",
      /"invalid_client" \(bad client\\x1B\)/,
    ],
    [{ error: 7 }, "bad-response", /OAuth error "bad-response"/],
  ];
  for (const [body, code, pattern] of cases) {
    const c = clock();
    const { fetch, calls } = scripted([json(400, body)]);
    await rejectsWith(
      pollDeviceToken(info({}, c.now()), { hubUrl: HUB, fetch, env: {}, ...c }),
      code,
      pattern,
    );
    assert.equal(calls.length, 1);
  }
});

Deno.test("pollDeviceToken ends at expires_in: expired_token when the Hub answered, unreachable when never", async () => {
  const c1 = clock();
  const pending = scripted([json(400, { error: "authorization_pending" })]);
  await rejectsWith(
    pollDeviceToken(info({ expiresIn: 60, expiresAt: c1.now() + 60_000 }, c1.now()), {
      hubUrl: HUB,
      fetch: pending.fetch,
      env: {},
      ...c1,
    }),
    "expired_token",
    /expired after 60 s without an approval/,
  );
  assert.equal(pending.calls.length, 12); // 0, 5, …, 55 s
  assert.equal(c1.sleeps.reduce((a, b) => a + b, 0), 60_000);

  const c2 = clock();
  const down = scripted([htmlPage(502)]);
  await rejectsWith(
    pollDeviceToken(info({ expiresIn: 30, expiresAt: c2.now() + 30_000 }, c2.now()), {
      hubUrl: HUB,
      fetch: down.fetch,
      env: {},
      ...c2,
    }),
    "unreachable",
    /No usable answer .*last: HTTP 502/,
  );
});

Deno.test("pollDeviceToken is bounded even when the clock does not move, and an abort cancels it", async () => {
  const { fetch, calls } = scripted([json(400, { error: "authorization_pending" })]);
  await rejectsWith(
    pollDeviceToken(info({ expiresIn: 20, interval: 1, expiresAt: 1 + 20_000 }), {
      hubUrl: HUB,
      fetch,
      env: {},
      now: () => 1,
      sleep: () => Promise.resolve(),
    }),
    "expired_token",
  );
  assert.equal(calls.length, 22);

  const controller = new AbortController();
  const c = clock();
  const slow = scripted([() => {
    controller.abort(new Error("stop"));
    return json(400, { error: "authorization_pending" });
  }]);
  await rejectsWith(
    pollDeviceToken(info({}, c.now()), {
      hubUrl: HUB,
      fetch: slow.fetch,
      env: {},
      signal: controller.signal,
      now: c.now,
      sleep: (ms, signal) => signal?.aborted ? Promise.reject(signal.reason) : c.sleep(ms),
    }),
    "cancelled",
    /cancelled/,
  );
  assert.equal(slow.calls.length, 1);
});

Deno.test("pollDeviceToken with the real timer stops as soon as the signal aborts", async () => {
  const controller = new AbortController();
  const { fetch } = scripted([json(400, { error: "authorization_pending" })]);
  setTimeout(() => controller.abort(), 50);
  await rejectsWith(
    pollDeviceToken(info({ interval: 60, expiresAt: Date.now() + 900_000 }, Date.now()), {
      hubUrl: HUB,
      fetch,
      env: {},
      signal: controller.signal,
    }),
    "cancelled",
  );
});

const card = {
  state: "waiting" as const,
  hubUrl: HUB,
  userCode: "WDJB-MJHT",
  verificationUri: `${HUB}/oauth/device`,
  verificationUriComplete: `${HUB}/oauth/device?user_code=WDJB-MJHT`,
  secondsLeft: 75,
  qr: [[true, false], [false, true]],
};

Deno.test("login card: a link and a QR code only for an http(s) page on the Hub's origin", () => {
  const ok = renderLoginHtml(card);
  assert.match(ok, /<a href="https:\/\/hub\.test\/oauth\/device\?user_code=WDJB-MJHT"/);
  assert.match(ok, /<svg[^>]*aria-label="QR code/);
  assert.match(ok, /1:15 left/);
  const inline = ok.replace(STYLE, "");
  assert.ok(!inline.includes("<style"), "inline styles only, beside the shared enhancement");
  assert.ok(!inline.includes("var("), "no CSS variables (JupyterLab's sanitizer strips them)");
  assert.ok(!inline.includes("overflow-wrap"), "no overflow-wrap (the sanitizer drops it)");
  assert.ok(!/#ffffff;color:#1f2328|background:#ffffff/.test(inline), "no fixed white card");

  for (
    const uri of [
      "javascript:alert(document.cookie)",
      "https://evil.example/oauth/device?user_code=WDJB-MJHT",
      `https://user:pw@hub.test/oauth/device`,
      `"><script>alert(1)</script>`,
      "data:text/html,<b>x</b>",
    ]
  ) {
    const bad = renderLoginHtml({ ...card, verificationUri: uri, verificationUriComplete: uri });
    assert.ok(!/<a\s/i.test(bad), `no link for ${uri}`);
    assert.ok(!bad.includes("<svg"), `no QR code for ${uri}`);
    assert.ok(!/<script/i.test(bad), "no script");
    assert.match(bad, /shown as text, not as a link/);
    const text = renderLoginText({ ...card, verificationUri: uri, verificationUriComplete: uri });
    assert.match(text, /do not trust it/);
    assert.ok(!text.includes("▀"), "no QR code in the terminal either");
  }
});

Deno.test("login card: markup and escape sequences in the user code stay text", () => {
  const html = renderLoginHtml({ ...card, userCode: `<img src=x onerror=alert(1)>` });
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
  assert.ok(!html.includes("<img"));
  const text = renderLoginText({ ...card, userCode: "AB\u001b[2JCD" });
  assert.ok(!text.includes("\u001b"), "no terminal escape");
  assert.match(text, /AB\\x1B\[2JCD/);
});

Deno.test("login card: the terminal QR code is drawn with half blocks, one line per two rows", () => {
  const modules = Array.from(
    { length: 21 },
    (_, y) => Array.from({ length: 21 }, (_, x) => (x + y) % 2 === 0),
  );
  const text = renderLoginText({ ...card, qr: modules });
  const qrLines = text.split("\n").filter((l) => /^ {2}[█▀▄ ]+$/.test(l) && /[▀▄█]/.test(l));
  assert.equal(qrLines.length, Math.ceil((21 + 4) / 2));
  assert.ok(qrLines.every((l) => l.length === 2 + 21 + 4));
});

Deno.test("login card: failures say what happened and the next step", () => {
  for (
    const [code, next] of [
      ["access_denied", /click Authorize/],
      ["expired_token", /before the time runs out/],
      ["unreachable", /Check the network/],
    ] as const
  ) {
    const html = renderLoginHtml({
      ...card,
      state: "failed",
      failure: { code, message: `failed: ${code}` },
    });
    assert.match(html, new RegExp(`failed: ${code}`));
    assert.match(html, next);
    assert.ok(!html.includes("<svg"));
  }
  const cancelled = renderLoginText({
    ...card,
    state: "cancelled",
    failure: { code: "cancelled", message: "cancelled" },
  });
  assert.match(cancelled, /Browser login cancelled\.\ncancelled\nNext: Nothing was saved/);
});

/** The sentences of a card's visible text (tags dropped, entities decoded). */
function sentences(card: string): string[] {
  const text = card.replace(/<[^>]*>/g, " ").replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").replace(/\s+/g, " ");
  return text.split(/(?<=[.!?:])\s+/).map((s) => s.trim()).filter((s) => s.length > 0);
}

Deno.test("login card: a failed card says each sentence once, and the next step once", async () => {
  const errors: DeviceCodeError[] = [];
  const ended = async (answers: Answer[], expiresIn = 900, signal?: AbortSignal) => {
    const c = clock();
    const { fetch } = scripted(answers);
    try {
      await pollDeviceToken(info({ expiresIn, expiresAt: c.now() + expiresIn * 1000 }, c.now()), {
        hubUrl: HUB,
        fetch,
        env: {},
        signal,
        now: c.now,
        sleep: (ms, s) => s?.aborted ? Promise.reject(s.reason) : c.sleep(ms),
      });
    } catch (error) {
      assert.ok(error instanceof DeviceCodeError);
      errors.push(error);
    }
  };
  await ended([json(400, { error: "access_denied" })]);
  await ended([json(400, { error: "expired_token" })]);
  await ended([json(400, { error: "authorization_pending" })], 30);
  await ended([htmlPage(502)], 30);
  await ended([json(400, { error: "invalid_client" })]);
  await ended([json(400, { error: 7 })]);
  const stop = new AbortController();
  stop.abort(new Error("stop"));
  await ended([json(400, { error: "authorization_pending" })], 900, stop.signal);
  try {
    await requestDeviceCode({ hubUrl: HUB, fetch: scripted([new TypeError("refused")]).fetch });
  } catch (error) {
    assert.ok(error instanceof DeviceCodeError);
    errors.push(error);
  }
  assert.deepEqual(errors.map((e) => e.code), [
    "access_denied",
    "expired_token",
    "expired_token",
    "unreachable",
    "invalid_client",
    "bad-response",
    "cancelled",
    "network",
  ]);
  for (const error of errors) {
    assert.ok(error.next, `${error.code}: the next step is given apart`);
    assert.equal(error.message, `${error.happened} ${error.next}`);
    const data = {
      ...card,
      state: error.code === "cancelled" ? "cancelled" as const : "failed" as const,
      failure: { code: error.code, message: error.happened, next: error.next },
    };
    for (const shown of [renderLoginHtml(data), renderLoginText(data)]) {
      const all = sentences(shown);
      assert.deepEqual(all, [...new Set(all)], `${error.code}: a sentence said twice\n${shown}`);
      assert.equal(shown.match(/Next:/g)?.length, 1, `${error.code}: one Next line`);
      assert.ok(all.join(" ").includes(error.happened.split(" (")[0]), `${error.code}: happened`);
      assert.ok((shown.match(/\bagain\b/g)?.length ?? 0) <= 1, `${error.code}: told twice`);
      assert.ok((shown.match(/login\(\{/g)?.length ?? 0) <= 1, `${error.code}: told twice`);
    }
  }
});
