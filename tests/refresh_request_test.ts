/**
 * Bad input for the refresh request: HTML, missing fields, odd numbers,
 * redirects, network faults — each a specific DeviceCodeError code, and never
 * the refresh token in a message.
 */
import assert from "node:assert/strict";
import { DeviceCodeError } from "../mod.ts";
import { refreshAccessToken } from "../src/resolve/_refresh_request.ts";

const RT = "hf_oauthrefresh_sandbox_alice_secret";
const answer = (status: number, body: string, type = "application/json"): typeof fetch => () =>
  Promise.resolve(new Response(body, { status, headers: { "content-type": type } }));

Deno.test("the request is huggingface_hub's: form grant_type, refresh_token, client_id to {hub}/oauth/token", async () => {
  let seen: { url: string; init?: RequestInit } | undefined;
  const f: typeof fetch = (url, init) => {
    seen = { url: String(url), init };
    return Promise.resolve(Response.json({ access_token: "hf_oauth_new", expires_in: 60.7 }));
  };
  const got = await refreshAccessToken(RT, {
    hubUrl: "https://hub.example/",
    fetch: f,
    env: { HF_DEVICE_CODE_OAUTH_CLIENT_ID: "my-client" },
  });
  assert.deepEqual(got, { accessToken: "hf_oauth_new", expiresIn: 60 });
  assert.equal(seen!.url, "https://hub.example/oauth/token");
  assert.equal(seen!.init?.method, "POST");
  assert.equal(seen!.init?.redirect, "manual"); // a 3xx is refused, never followed
  assert.deepEqual(Object.fromEntries(seen!.init?.body as URLSearchParams), {
    grant_type: "refresh_token",
    refresh_token: RT,
    client_id: "my-client",
  });
});

Deno.test("bad answers each get a specific code and message without the refresh token", async () => {
  const cases: [string, typeof fetch, string, RegExp][] = [
    ["invalid_grant", answer(400, '{"error":"invalid_grant"}'), "invalid_grant", /log in again/i],
    [
      "other OAuth error",
      answer(400, '{"error":"invalid_client","error_description":"unknown client"}'),
      "invalid_client",
      /invalid_client \(unknown client\) \(HTTP 400\)/,
    ],
    ["HTML 502", answer(502, "<html>Bad gateway</html>", "text/html"), "server", /HTTP 502/],
    ["503 JSON", answer(503, '{"message":"down"}'), "server", /HTTP 503/],
    ["200 HTML", answer(200, "<html>login</html>", "text/html"), "bad-response", /not JSON/],
    [
      "200 no token",
      answer(200, '{"token_type":"bearer"}'),
      "bad-response",
      /without an access_token/,
    ],
    [
      "200 empty token",
      answer(200, '{"access_token":"  "}'),
      "bad-response",
      /without an access_token/,
    ],
    ["200 array", answer(200, "[1,2]"), "bad-response", /not an object/],
    [
      "network",
      () => Promise.reject(new TypeError("connection refused")),
      "network",
      /network error/,
    ],
    [
      "server echoes the refresh token",
      answer(400, JSON.stringify({ error: "invalid_grant", error_description: `bad ${RT}` })),
      "invalid_grant",
      /bad hf_oa…ret/,
    ],
  ];
  for (const [label, f, code, message] of cases) {
    const error = await refreshAccessToken(RT, { hubUrl: "https://hub.example", fetch: f, env: {} })
      .then(() => undefined, (e) => e);
    assert.ok(error instanceof DeviceCodeError, label);
    assert.equal(error.code, code, label);
    assert.match(error.message, message, label);
    assert.equal(error.message.includes(RT), false, `${label}: refresh token in message`);
  }
});

Deno.test("odd expires_in / refresh_token values are ignored, not trusted", async () => {
  for (const expires_in of [0, -5, "3600", null, Number.NaN]) {
    const got = await refreshAccessToken(RT, {
      hubUrl: "https://hub.example",
      env: {},
      fetch: answer(
        200,
        JSON.stringify({ access_token: "hf_oauth_x", expires_in, refresh_token: "" }),
      ),
    });
    assert.deepEqual(got, { accessToken: "hf_oauth_x" }, String(expires_in));
  }
});

Deno.test("a cancelled signal is 'cancelled', a hung server a timeout", async () => {
  const hang: typeof fetch = (_u, init) =>
    new Promise((_r, reject) =>
      init?.signal?.addEventListener("abort", () => reject(init.signal!.reason))
    );
  const controller = new AbortController();
  const pending = refreshAccessToken(RT, {
    hubUrl: "https://h",
    env: {},
    fetch: hang,
    signal: controller.signal,
  });
  controller.abort();
  assert.equal((await pending.catch((e) => e)).code, "cancelled");
  const slow = await refreshAccessToken(RT, {
    hubUrl: "https://h",
    env: {},
    fetch: hang,
    timeoutMs: 20,
  })
    .catch((e) => e);
  assert.equal(slow.code, "network");
  assert.match(slow.message, /no answer within 0\.02 s/);
});
