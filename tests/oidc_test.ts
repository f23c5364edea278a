/**
 * Trusted Publishers (OIDC) against the sandbox's RFC 8693 exchange and its
 * fake GitHub Actions id-token service (a separate, non-HF origin).
 */
import assert from "node:assert/strict";
import { clearToken, getToken, resolveToken, whoami } from "../mod.ts";
import { OidcError } from "../src/sources/mod.ts";
import { sessionState } from "../src/resolve/mod.ts";
import { startSandbox } from "../src/sandbox/mod.ts";

const quiet = {
  prompt: false,
  dotenv: false as const,
  mountedSecretDirs: [],
  kaggle: false,
  tokenFile: false,
};
const RESOURCE = "sandbox-alice/ci-model";

/** A fetch that records which Authorization header went to which origin. */
function recordingFetch() {
  const seen: { origin: string; path: string; authorization: string | null; body?: string }[] = [];
  const f: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    seen.push({
      origin: url.origin,
      path: url.pathname,
      authorization: headers.get("authorization"),
      body: typeof init?.body === "string" ? init.body : undefined,
    });
    return await fetch(input, init);
  };
  return { fetch: f, seen };
}

Deno.test("GitHub Actions: id token minted with the hub as audience, exchanged, cached until 5 min before expiry", async () => {
  await using hub = startSandbox({ quiet: true });
  const rec = recordingFetch();
  const env = {
    HF_OIDC_RESOURCE: RESOURCE,
    HF_ENDPOINT: hub.url,
    HF_TOKEN: "hf_sandbox_read_alice", // OIDC wins over HF_TOKEN, as in huggingface_hub
    ...hub.github.env,
  };
  clearToken();
  const r = await resolveToken({ env, ...quiet, fetch: rec.fetch, refresh: true });
  assert.equal(r.source, `oidc:${RESOURCE}`);
  assert.match(r.token, /^hf_jwt_sandbox_alice_/);
  const me = await (await fetch(`${hub.url}/api/whoami-v2`, {
    headers: { authorization: `Bearer ${r.token}` },
  })).json();
  assert.equal(me.auth.resource, RESOURCE);
  assert.equal(JSON.stringify(sessionState()).includes(r.token), false);
  assert.equal(Deno.inspect(sessionState(), { depth: 10 }).includes(r.token), false);
  const card = (await whoami({ resolution: r, hubUrl: hub.url, env })).toString();
  assert.match(card, /Role\s+Trusted Publisher \(OIDC, short-lived\)/);
  assert.match(card, /Source\s+oidc:sandbox-alice\/ci-model/);

  // Where each secret went: the GitHub request token only to GitHub; nothing HF to GitHub.
  const github = rec.seen.filter((s) => s.origin === hub.github.url);
  const hf = rec.seen.filter((s) => s.origin === hub.url);
  assert.equal(github.length, 1);
  assert.equal(github[0].authorization, `Bearer ${hub.github.requestToken}`);
  assert.equal(hf.length, 1);
  assert.equal(hf[0].path, "/oauth/token");
  assert.equal(hf[0].authorization, null);
  assert.equal(hf[0].body?.includes(hub.github.requestToken), false);
  const body = JSON.parse(hf[0].body!);
  assert.deepEqual(Object.keys(body).sort(), [
    "grant_type",
    "resource",
    "subject_token",
    "subject_token_type",
  ]);
  const audience =
    JSON.parse(atob(body.subject_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")))
      .aud;
  assert.equal(audience, hub.url);
  assert.equal(hub.requests.find((q) => q.origin === "github")?.path.includes("audience="), true);

  // Cached: later calls and re-resolutions do not exchange again...
  assert.equal(await getToken({ env, ...quiet, fetch: rec.fetch }), r.token);
  await resolveToken({ env, ...quiet, fetch: rec.fetch, refresh: true });
  assert.equal(rec.seen.length, 2);
  // ...until 5 minutes before expiry (3600 s lifetime).
  const soon = () => Date.now() + 3600_000 - 299_000;
  const again = await getToken({ env, ...quiet, fetch: rec.fetch, now: soon });
  assert.notEqual(again, r.token);
  assert.equal(rec.seen.length, 4);
  clearToken();
});

Deno.test("HF_OIDC_ID_TOKEN: exchanged directly (no GitHub call), cached for its full lifetime", async () => {
  await using hub = startSandbox({ quiet: true });
  const rec = recordingFetch();
  const env = {
    HF_OIDC_RESOURCE: RESOURCE,
    HF_OIDC_ID_TOKEN: await hub.mintIdToken(),
    HF_ENDPOINT: hub.url,
  };
  clearToken();
  const r = await resolveToken({ env, ...quiet, fetch: rec.fetch, refresh: true });
  assert.equal(r.source, `oidc:${RESOURCE}`);
  assert.deepEqual(rec.seen.map((s) => s.path), ["/oauth/token"]);
  await resolveToken({
    env,
    ...quiet,
    fetch: rec.fetch,
    refresh: true,
    now: () => Date.now() + 3500_000,
  });
  assert.equal(rec.seen.length, 1, "no margin for a given id token (it cannot be re-minted)");
  clearToken();
});

Deno.test("OIDC failures are errors, never a fall-through to HF_TOKEN or the token file", async () => {
  await using hub = startSandbox({ quiet: true });
  const base = {
    HF_OIDC_RESOURCE: RESOURCE,
    HF_ENDPOINT: hub.url,
    HF_TOKEN: "hf_sandbox_read_alice",
  };
  const cases: [string, Record<string, string>, string, RegExp][] = [
    ["not in CI", {}, "no-id-token", /no OIDC id token is available.*HF_OIDC_ID_TOKEN/],
    [
      "no id-token permission",
      { GITHUB_ACTIONS: "true" },
      "github-permissions",
      /permissions: id-token: write/,
    ],
    [
      "wrong request token",
      { ...hub.github.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "not-the-one" },
      "github-refused",
      /HTTP 401/,
    ],
    [
      "untrusted resource",
      { ...hub.github.env, HF_OIDC_RESOURCE: "someone/else" },
      "exchange-refused",
      /invalid_target.*Trusted Publisher settings of someone\/else/,
    ],
    [
      "wrong audience",
      { HF_OIDC_ID_TOKEN: await hub.mintIdToken({ aud: "https://huggingface.co" }) },
      "exchange-refused",
      /invalid_grant.*audience/,
    ],
    [
      "expired id token",
      { HF_OIDC_ID_TOKEN: await hub.mintIdToken({ exp: 1 }) },
      "exchange-refused",
      /invalid_grant: subject_token has expired/,
    ],
  ];
  for (const [label, extra, code, message] of cases) {
    clearToken();
    const env: Record<string, string> = { ...base, ...extra };
    const error = await resolveToken({ env, ...quiet, tokenFile: true, refresh: true }).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(error instanceof OidcError, `${label}: ${error}`);
    assert.equal(error.code, code, label);
    assert.match(error.message, message, label);
    for (const secret of [env.HF_OIDC_ID_TOKEN, hub.github.requestToken, "hf_sandbox_read_alice"]) {
      if (secret) {
        assert.equal(error.message.includes(secret), false, `${label}: secret in message`);
      }
    }
  }
  clearToken();
  hub.setFault({ match: { path: "/oauth/token" }, fault: "503", times: 1 });
  const env = { ...base, ...hub.github.env };
  const e503 = await resolveToken({ env, ...quiet, refresh: true }).catch((e) => e);
  assert.ok(e503 instanceof OidcError);
  assert.equal(e503.code, "server");
  hub.setFault({ match: { path: "/oauth/token" }, fault: "html-error", times: 1 });
  const eHtml = await resolveToken({ env, ...quiet, refresh: true }).catch((e) => e);
  assert.equal(eHtml.code, "server");
  hub.setFault({ match: { path: "/oauth/token" }, fault: "truncated-json", times: 1 });
  const eCut = await resolveToken({ env, ...quiet, refresh: true }).catch((e) => e);
  assert.equal(eCut.code, "bad-response");
  assert.match(eCut.message, /not JSON/);
  clearToken();
});
