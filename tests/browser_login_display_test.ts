/**
 * Honest display of a browser login (OAuth token with a refresh token): the
 * validation card, sources(), listStoredTokens() and `hf switch` say it is a
 * browser login, when it expires, whether it renews itself, and its
 * `oauth-…` name; an expired one says "log in again", not "create a token".
 */
import assert from "node:assert/strict";
import { clearToken, resolveToken, saveToken, sources, whoami } from "../mod.ts";
import { main } from "../src/cli.ts";
import { startSandbox } from "../src/sandbox/mod.ts";
import { DEFAULT_DEVICE_CLIENT_ID } from "../src/_oauth_client.ts";

const quiet = { prompt: false, dotenv: false as const, mountedSecretDirs: [], kaggle: false };
const DAY = 86_400_000;

async function home(hub: ReturnType<typeof startSandbox>, leftMs: number) {
  const root = await Deno.makeTempDir({ prefix: "hfna-display-" });
  const env = { HF_HOME: `${root}/hf`, HF_ENDPOINT: hub.url, HOME: root };
  const issued = hub.issueOAuthToken("alice", DEFAULT_DEVICE_CLIENT_ID);
  await saveToken("hf_sandbox_write_alice", { name: "work", env, activate: false });
  await saveToken(issued.access_token, {
    name: "oauth-sandbox-alice",
    refreshToken: issued.refresh_token,
    expiresAt: Math.floor((Date.now() + leftMs) / 1000),
    env,
  });
  return { root, env, issued, [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }) };
}

Deno.test("validation card: browser login, its oauth- name, expiry and 'renews itself'", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub, 20 * DAY);
  clearToken();
  const resolution = await resolveToken({ env: h.env, ...quiet, refresh: true });
  assert.equal(resolution.browserLogin?.refresh, "not-due");
  const v = await whoami({ resolution, hubUrl: hub.url, env: h.env });
  assert.equal(v.verdict, "valid");
  assert.equal(v.toJSON().browserLogin?.name, "oauth-sandbox-alice");
  const text = v.toString();
  assert.match(text, /Role\s+browser login \(OAuth\)/);
  assert.match(text, /Name\s+oauth-sandbox-alice/);
  assert.match(text, /Renews\s+yes, automatically when less than a day is left/);
  assert.match(text, /Expires\s+\d{4}-\d\d-\d\d \(in \d+ days\)/);
  const html = v.toHtml();
  assert.match(html, /<dt[^>]*>Renews<\/dt>\s*<dd[^>]*>yes, automatically/);
  assert.equal(html.includes(h.issued.access_token), false);
  assert.equal(html.includes(h.issued.refresh_token), false);
  clearToken();
});

Deno.test("an expired or revoked browser login says 'log in again', not 'create a new token'", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub, 2 * 3600_000);
  hub.revokeRefreshTokens();
  hub.advanceClock(31 * DAY); // the access token is dead on the Hub
  clearToken();
  const resolution = await resolveToken({ env: h.env, ...quiet, refresh: true });
  assert.equal(resolution.browserLogin?.refresh, "revoked");
  const v = await whoami({ resolution, hubUrl: hub.url, env: h.env });
  assert.equal(v.status, 401);
  const first = v.diagnostics[0];
  assert.equal(first.code, "browser-login-expired");
  assert.match(first.message, /Your browser login expired or was revoked: log in again/);
  assert.match(first.fix, /await login\(\)/);
  assert.match(first.fix, /hf auth login/);
  assert.equal(v.diagnostics.some((d) => /Create a new token/.test(d.fix)), false);
  assert.match(v.toString(), /Renews\s+no: the Hub refused to renew it \(log in again\)/);
  clearToken();
});

Deno.test("sources(), listStoredTokens() and hf switch show the browser login", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub, 20 * DAY);
  clearToken();
  const table = await sources({ env: h.env, ...quiet });
  const row = table.data.rows.find((r) => r.source.startsWith("file:"))!;
  assert.equal(row.active, true);
  assert.match(
    row.detail!,
    /browser login, expires \d{4}-\d\d-\d\d, renews itself \("oauth-sandbox-alice"\)/,
  );
  assert.equal(JSON.stringify(table).includes(h.issued.access_token), false);

  let out = "";
  const run = (args: string[]) =>
    main(args, {
      env: h.env,
      cwd: h.root,
      stdout: (s) => out += s,
      stderr: (s) => out += s,
      stdinIsTty: false,
      stdoutIsTty: false,
    });
  assert.equal(await run(["switch", "work"]), 0);
  assert.equal(await run(["switch", "oauth-sandbox-alice"]), 0);
  assert.match(
    out,
    /"oauth-sandbox-alice" \(hf_oa…\w+\) is now the active token .*: browser login, expires \d{4}-\d\d-\d\d, renews itself\./,
  );
  assert.equal(await run(["switch", "nope"]), 1);
  assert.match(
    out,
    /stored names: oauth-sandbox-alice \(active; browser login, expires [\d-]+, renews itself\), work/,
  );
  assert.equal(out.includes(h.issued.access_token), false);

  const oidc = await sources({
    env: { ...h.env, HF_OIDC_RESOURCE: "sandbox-alice/ci-model" },
    ...quiet,
  });
  assert.equal(oidc.data.rows[0].source, "oidc:sandbox-alice/ci-model");
  assert.match(oidc.data.rows[0].detail!, /exchanges the CI's OIDC id token first/);
});
