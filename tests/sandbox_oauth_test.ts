// The sandbox's OAuth server: device code, verification page, refresh with
// rotation, token exchange (Trusted Publishers), faults and the clock.
import assert from "node:assert/strict";
import {
  DEVICE_CODE_GRANT,
  ID_TOKEN_TYPE,
  PERSONAS,
  startSandbox,
  TOKEN_EXCHANGE_GRANT,
} from "../src/sandbox/mod.ts";

const form = (o: Record<string, string>) => ({ method: "POST", body: new URLSearchParams(o) });
const CLIENT = "26be6b09-91c5-47da-9861-d2d2bb7a7e36";

async function post(url: string, o: Record<string, string>) {
  const res = await fetch(url, form(o));
  return { status: res.status, body: await res.json() };
}

Deno.test("device flow: pending, page approval, token, whoami as an OAuth token", async () => {
  await using hub = startSandbox({ quiet: true, oauth: { interval: 1, enforceInterval: false } });
  const device = await post(`${hub.url}/oauth/device`, { client_id: CLIENT });
  assert.equal(device.status, 200);
  const d = device.body;
  assert.deepEqual(Object.keys(d).sort(), [
    "device_code",
    "expires_in",
    "interval",
    "user_code",
    "verification_uri",
    "verification_uri_complete",
  ]);
  assert.equal(d.verification_uri, `${hub.url}/oauth/device`);
  assert.equal(d.verification_uri_complete, `${hub.url}/oauth/device?user_code=${d.user_code}`);
  assert.match(d.user_code, /^[A-Z]{4}-[A-Z]{4}$/);
  assert.equal(d.expires_in, 900);

  const poll = { grant_type: DEVICE_CODE_GRANT, device_code: d.device_code, client_id: CLIENT };
  const pending = await post(`${hub.url}/oauth/token`, poll);
  assert.deepEqual([pending.status, pending.body.error], [400, "authorization_pending"]);

  // The page: a plain form, no script, every persona offered.
  const pageRes = await fetch(d.verification_uri_complete);
  const html = await pageRes.text();
  assert.equal(pageRes.status, 200);
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, new RegExp(`value="${d.user_code}"`));
  assert.match(html, /name="action" value="authorize"/);
  assert.match(html, /name="action" value="deny"/);
  assert.match(html, /<option value="aliceNoInference">/);
  const typed = await (await fetch(`${hub.url}/oauth/device`)).text();
  assert.match(typed, /<input id="user_code" name="user_code"/);

  const approve = await fetch(
    `${hub.url}/oauth/device`,
    form({
      user_code: d.user_code.toLowerCase().replace("-", ""),
      persona: "alice",
      action: "authorize",
    }),
  );
  assert.equal(approve.status, 200);
  assert.match(await approve.text(), /data-result="authorized"/);
  assert.deepEqual(hub.pendingDeviceCodes(), []);

  const done = await post(`${hub.url}/oauth/token`, poll);
  assert.equal(done.status, 200);
  assert.equal(done.body.token_type, "bearer");
  assert.equal(done.body.expires_in, 2_592_000);
  assert.match(done.body.access_token, /^hf_oauth_sandbox_alice_/);
  assert.doesNotMatch(done.body.access_token, /^hf_[A-Za-z0-9]{34}$/);
  assert.match(done.body.refresh_token, /^hf_oauthrefresh_sandbox_/);
  const again = await post(`${hub.url}/oauth/token`, poll);
  assert.deepEqual([again.status, again.body.error], [400, "invalid_grant"]);

  const headers = { authorization: `Bearer ${done.body.access_token}` };
  const me = await (await fetch(`${hub.url}/api/whoami-v2`, { headers })).json();
  assert.equal(me.name, "sandbox-alice");
  assert.equal(me.auth.type, "oauth");
  assert.equal(me.auth.accessToken, undefined);
  assert.ok(Date.parse(me.auth.expiresAt) > Date.now() + 29 * 86_400_000);
  const chat = await fetch(`${hub.inferenceUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({
      model: "sandbox/tiny-chat",
      messages: [{ role: "user", content: "hi" }],
    }),
  });
  assert.equal(chat.status, 200);
  await chat.body?.cancel();
  assert.equal(hub.requests.at(-1)?.persona, "oauth:alice");
  assert.deepEqual(
    hub.requests.filter((r) => r.path === "/oauth/token").map((r) => r.grantType),
    [DEVICE_CODE_GRANT, DEVICE_CODE_GRANT, DEVICE_CODE_GRANT],
  );

  // 30 days on, the token is dead.
  hub.advanceClock(30 * 86_400_000 + 1000);
  const late = await fetch(`${hub.url}/api/whoami-v2`, { headers });
  assert.equal(late.status, 401);
  await late.body?.cancel();
});

Deno.test("device flow: deny, expiry, slow_down, client mismatch, escaping", async () => {
  await using hub = startSandbox({ quiet: true, oauth: { interval: 2, expiresIn: 60 } });
  const d = (await post(`${hub.url}/oauth/device`, { client_id: CLIENT })).body;
  const poll = { grant_type: DEVICE_CODE_GRANT, device_code: d.device_code, client_id: CLIENT };
  assert.equal((await post(`${hub.url}/oauth/token`, poll)).body.error, "authorization_pending");
  // polled again at once: slow_down (RFC 8628 §3.5)
  assert.equal((await post(`${hub.url}/oauth/token`, poll)).body.error, "slow_down");
  const wrong = await post(`${hub.url}/oauth/token`, { ...poll, client_id: "other" });
  assert.equal(wrong.body.error, "invalid_client");
  const denyPage = await fetch(
    `${hub.url}/oauth/device`,
    form({ user_code: d.user_code, action: "deny" }),
  );
  assert.match(await denyPage.text(), /data-result="denied"/);
  hub.advanceClock(10_000);
  assert.equal((await post(`${hub.url}/oauth/token`, poll)).body.error, "access_denied");

  const d2 = (await post(`${hub.url}/oauth/device`, { client_id: CLIENT })).body;
  hub.advanceClock(61_000);
  const expired = await post(`${hub.url}/oauth/token`, { ...poll, device_code: d2.device_code });
  assert.equal(expired.body.error, "expired_token");
  assert.equal(hub.approveDevice(d2.user_code), false);

  const evil = await fetch(`${hub.url}/oauth/device?user_code=${encodeURIComponent("<b>x</b>")}`);
  assert.equal(evil.status, 404);
  const evilHtml = await evil.text();
  assert.doesNotMatch(evilHtml, /<b>x/);
  assert.match(evilHtml, /&lt;b&gt;x/);

  const missing = await post(`${hub.url}/oauth/device`, {});
  assert.deepEqual([missing.status, missing.body.error], [400, "invalid_request"]);
});

Deno.test("refresh: rotation, no rotation, invalid_grant, faults", async () => {
  await using hub = startSandbox({ quiet: true });
  const first = hub.issueOAuthToken("alice", CLIENT);
  const r1 = await post(`${hub.url}/oauth/token`, {
    grant_type: "refresh_token",
    refresh_token: first.refresh_token,
    client_id: CLIENT,
  });
  assert.equal(r1.status, 200);
  assert.notEqual(r1.body.access_token, first.access_token);
  assert.notEqual(r1.body.refresh_token, first.refresh_token);
  // the spent refresh token is refused
  const reuse = await post(`${hub.url}/oauth/token`, {
    grant_type: "refresh_token",
    refresh_token: first.refresh_token,
    client_id: CLIENT,
  });
  assert.deepEqual([reuse.status, reuse.body.error], [400, "invalid_grant"]);

  const fixed = hub.issueOAuthToken("aliceNoRotation", CLIENT);
  for (let i = 0; i < 2; i++) {
    const r = await post(`${hub.url}/oauth/token`, {
      grant_type: "refresh_token",
      refresh_token: fixed.refresh_token,
      client_id: CLIENT,
    });
    assert.equal(r.status, 200);
    assert.equal("refresh_token" in r.body, false);
  }

  hub.setFault({ match: { path: "/oauth/token" }, fault: "503", times: 1 });
  const busy = await fetch(`${hub.url}/oauth/token`, form({ grant_type: "refresh_token" }));
  assert.equal(busy.status, 503);
  await busy.body?.cancel();
  hub.setFault({ match: { path: "/oauth/token" }, fault: "invalid_grant", times: 1 });
  const ig = await post(`${hub.url}/oauth/token`, {
    grant_type: "refresh_token",
    refresh_token: r1.body.refresh_token,
    client_id: CLIENT,
  });
  assert.deepEqual([ig.status, ig.body.error], [400, "invalid_grant"]);

  hub.revokeRefreshTokens();
  const revoked = await post(`${hub.url}/oauth/token`, {
    grant_type: "refresh_token",
    refresh_token: r1.body.refresh_token,
    client_id: CLIENT,
  });
  assert.equal(revoked.body.error, "invalid_grant");
  const noScope = hub.issueOAuthToken("aliceNoInference");
  const chat = await fetch(`${hub.inferenceUrl}/v1/chat/completions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${noScope.access_token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      model: "sandbox/tiny-chat",
      messages: [{ role: "user", content: "hi" }],
    }),
  });
  assert.equal(chat.status, 403);
  await chat.body?.cancel();
});

Deno.test("token exchange (Trusted Publishers): JSON body as huggingface_hub sends it", async () => {
  await using hub = startSandbox({ quiet: true });
  // GitHub's id-token service lives on its own origin and wants its request token.
  const gh = new URL(hub.github.env.ACTIONS_ID_TOKEN_REQUEST_URL);
  assert.notEqual(gh.origin, new URL(hub.url).origin);
  gh.searchParams.set("audience", hub.url);
  const refused = await fetch(gh);
  assert.equal(refused.status, 401);
  await refused.body?.cancel();
  const minted = await (await fetch(gh, {
    headers: { authorization: `Bearer ${hub.github.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
  })).json();
  assert.equal(minted.value.split(".").length, 3);

  const exchange = (subject: string, resource = "sandbox-alice/ci-model") =>
    fetch(`${hub.url}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: TOKEN_EXCHANGE_GRANT,
        subject_token_type: ID_TOKEN_TYPE,
        subject_token: subject,
        resource,
      }),
    });
  const ok = await exchange(minted.value);
  const body = await ok.json();
  assert.equal(ok.status, 200);
  assert.match(body.access_token, /^hf_jwt_sandbox_/);
  assert.deepEqual([body.token_type, body.expires_in], ["bearer", 3600]);
  const me = await (await fetch(`${hub.url}/api/whoami-v2`, {
    headers: { authorization: `Bearer ${body.access_token}` },
  })).json();
  assert.equal(me.auth.resource, "sandbox-alice/ci-model");
  assert.equal(hub.requests.at(-1)?.persona, "oidc:alice");
  assert.equal(hub.requests.filter((r) => r.grantType === TOKEN_EXCHANGE_GRANT).length, 1);

  const wrongAud = await exchange(await hub.mintIdToken({ aud: "https://huggingface.co" }));
  assert.equal((await wrongAud.json()).error, "invalid_grant");
  const old = await exchange(await hub.mintIdToken({ exp: 1 }));
  assert.equal((await old.json()).error, "invalid_grant");
  const forged = await exchange(minted.value.slice(0, -4) + "AAAA");
  assert.equal((await forged.json()).error, "invalid_grant");
  const other = await exchange(minted.value, "someone/else");
  assert.deepEqual([other.status, (await other.json()).error], [403, "invalid_target"]);
  assert.equal(PERSONAS.read.token.startsWith("hf_sandbox_"), true);
});

Deno.test("control endpoints drive OAuth from another process", async () => {
  await using hub = startSandbox({ quiet: true, oauth: { interval: 1 } });
  const d = (await post(`${hub.url}/oauth/device`, { client_id: CLIENT })).body;
  const ctl = (what: string, body: unknown) =>
    fetch(`${hub.url}/__sandbox/${what}`, { method: "POST", body: JSON.stringify(body) }).then((
      r,
    ) => r.json());
  assert.deepEqual((await ctl("oauth/pending", {})).user_codes, [d.user_code]);
  assert.deepEqual(await ctl("oauth/approve", { user_code: d.user_code, persona: "pat" }), {
    ok: true,
  });
  const t = await post(`${hub.url}/oauth/token`, {
    grant_type: DEVICE_CODE_GRANT,
    device_code: d.device_code,
    client_id: CLIENT,
  });
  assert.match(t.body.access_token, /_pat_/);
  const before = (await ctl("clock", {})).now;
  const after = (await ctl("clock", { advanceMs: 86_400_000 })).now;
  assert.ok(after - before >= 86_400_000);
  const issued = await ctl("oauth/issue", { persona: "alice" });
  assert.match(issued.refresh_token, /^hf_oauthrefresh_sandbox_alice_/);
});
