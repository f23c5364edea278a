/**
 * browserLogin() / login() / getToken({ method: "browser" }) against the sandbox Hub's OAuth
 * server: the real device-code flow over HTTP, approved or denied headless, the token checked
 * with whoami-v2 and saved (with its refresh token and expiry) in huggingface_hub's files.
 */
import assert from "node:assert/strict";
import {
  browserLogin,
  clearToken,
  DeviceCodeError,
  forgetToken,
  getToken,
  login,
  resolveToken,
} from "../mod.ts";
import { sessionState } from "../src/resolve/mod.ts";
import { parseStoredTokensFile, tokenPaths } from "../src/store/mod.ts";
import { startSandbox } from "../src/sandbox/mod.ts";
import { learnSecret, spoolOutput } from "./_leak_scanner.ts";
import { decodeTextQr } from "./_qr_decode.ts";

async function tempHome() {
  const home = await Deno.makeTempDir({ prefix: "hfna-browser-login-" });
  return {
    home,
    [Symbol.asyncDispose]: () => Deno.remove(home, { recursive: true }),
  };
}

/** Env with nothing configured but the sandbox and a fresh HF_HOME. */
function bareEnv(sandboxEnv: Record<string, string>, home: string) {
  return { ...sandboxEnv, HF_HOME: `${home}/hf`, HOME: home };
}

const NO_SOURCES = {
  mountedSecretDirs: [] as string[],
  secretFiles: [] as string[],
  dotenv: false as const,
};

Deno.test("browserLogin: link and code shown, approval in the sandbox, token saved with its refresh metadata", async () => {
  await using sandbox = startSandbox({ quiet: true, oauth: { interval: 1 } });
  await using tmp = await tempHome();
  const env = bareEnv(sandbox.env, tmp.home);
  clearToken();
  let out = "";
  const before = Math.floor(Date.now() / 1000);
  // The device code is a secret too: read it off the wire and teach it to the leak scan.
  let deviceCode = "";
  const spy: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (String(input).endsWith("/oauth/device")) {
      deviceCode = (await response.clone().json()).device_code;
      learnSecret(deviceCode);
    }
    return response;
  };
  const card = await browserLogin({
    env,
    fetch: spy,
    display: "terminal",
    live: false,
    qr: true,
    write: (t) => out += t,
    onCode: ({ userCode }) => assert.ok(sandbox.approveDevice(userCode)),
  });
  assert.equal(card.verdict, "valid");
  assert.equal(card.source, "oauth:device");
  assert.equal(card.identity?.name, "sandbox-alice");
  const saved = card.diagnostics.find((d) => d.code === "token-saved");
  assert.ok(saved, JSON.stringify(card.diagnostics));
  assert.match(saved.message, /saved as "oauth-sandbox-alice"/);
  assert.match(saved.message, /refresh token/);
  assert.match(saved.fix, /forgetToken\(\{ name: "oauth-sandbox-alice" \}\)/);
  assert.match(saved.fix, /hf auth logout --token-name oauth-sandbox-alice/);
  assert.equal(card.browserLogin?.name, "oauth-sandbox-alice");
  assert.equal(card.browserLogin?.renews, true);
  assert.equal((await resolveToken()).browserLogin?.name, "oauth-sandbox-alice");

  // What the person saw: the link on the sandbox's origin, the code, a QR code, the waiting line.
  const device = sandbox.requests.find((r) => r.path === "/oauth/device");
  assert.ok(device, "the device endpoint was asked");
  assert.match(
    out,
    new RegExp(`Open ${sandbox.url.replaceAll(".", "\\.")}/oauth/device\\?user_code=`),
  );
  assert.match(out, /Check that it shows the code [A-Z0-9-]+, then click Authorize/);
  assert.match(out, /Or scan with a phone:\n {2}[█▀▄ ]+\n/);
  // What a phone would scan is the link shown (read back with another QR library).
  const qrLines = out.split("Or scan with a phone:\n")[1].split("\n")
    .filter((l) => /^ {2}[█▀▄ ]+$/.test(l)).map((l) => l.slice(2));
  const shown = /Open (\S+)/.exec(out)![1];
  assert.equal(await decodeTextQr(qrLines), shown);
  assert.match(out, /Waiting for approval… \d+:\d\d left/);

  // Saved like huggingface_hub's _save_oauth_token: the active token file and a full section.
  const { tokenPath, storedTokensPath } = tokenPaths({ env });
  const token = await Deno.readTextFile(tokenPath);
  assert.match(token, /^hf_oauth_sandbox_alice_/);
  const file = parseStoredTokensFile(await Deno.readTextFile(storedTokensPath), storedTokensPath);
  const section = file.sections.find((s) => s.name === "oauth-sandbox-alice");
  assert.ok(section, "section oauth-sandbox-alice");
  assert.equal(section.fields.hf_token, token);
  assert.match(section.fields.refresh_token ?? "", /^hf_oauthrefresh_sandbox_/);
  const expiresAt = Number(section.fields.expires_at);
  assert.ok(expiresAt >= before + 2592000 && expiresAt <= before + 2592000 + 60, String(expiresAt));
  learnSecret(token, section.fields.refresh_token);
  await spoolOutput("browser-login/terminal", out);
  await spoolOutput("browser-login/card", card);
  assert.ok(!out.includes(token), "access token printed");
  assert.ok(deviceCode.length >= 20 && !out.includes(deviceCode), "device code printed");
  assert.ok(!JSON.stringify(card).includes(deviceCode));
  assert.ok(!out.includes(section.fields.refresh_token!), "refresh token printed");
  assert.ok(!JSON.stringify(card).includes(token));

  // The session uses it without asking again, and forgetToken undoes the login.
  assert.equal(await getToken(), token);
  await forgetToken({ name: "oauth-sandbox-alice", env });
  await assert.rejects(Deno.stat(tokenPath), Deno.errors.NotFound);
  clearToken();
});

Deno.test("browserLogin in a kernel that stays up: a day before expiry the session renews it, no prompt", async () => {
  await using sandbox = startSandbox({ quiet: true, oauth: { interval: 1 } });
  await using tmp = await tempHome();
  const env = bareEnv(sandbox.env, tmp.home);
  clearToken();
  const card = await browserLogin({
    env,
    display: "terminal",
    live: false,
    write: () => {},
    onCode: ({ userCode }) => assert.ok(sandbox.approveDevice(userCode)),
  });
  assert.equal(card.verdict, "valid");
  const first = await resolveToken();
  assert.equal(first.source, "oauth:device");
  const expiresAt = Date.parse(first.browserLogin!.expiresAt!);
  assert.equal(first.recheckAt, expiresAt - 24 * 3600_000);
  learnSecret(first.token);
  const refreshes = () =>
    sandbox.requests.filter((r) => r.path === "/oauth/token" && r.grantType === "refresh_token");

  // Before the recheck: the session's resolution, no file read, no request.
  const reads = sessionState().stats.fileReads;
  const soon = await resolveToken({ env, now: () => Date.now() + 3600_000 });
  assert.equal(soon, first);
  assert.equal(sessionState().stats.fileReads, reads);
  assert.equal(refreshes().length, 0);

  // 30 days on: resolved again from the token file, renewed once, both files updated.
  const later = await resolveToken({ env, ...NO_SOURCES, now: () => expiresAt - 3600_000 });
  assert.equal(refreshes().length, 1);
  assert.match(later.source, /^file:/);
  assert.equal(later.browserLogin?.refresh, "refreshed");
  assert.notEqual(later.token, first.token);
  learnSecret(later.token);
  const { tokenPath } = tokenPaths({ env });
  assert.equal(await Deno.readTextFile(tokenPath), later.token);
  clearToken();
});

Deno.test("browserLogin: persist: false writes nothing; a denial is a DeviceCodeError with the next step", async () => {
  await using sandbox = startSandbox({ quiet: true, oauth: { interval: 1 } });
  await using tmp = await tempHome();
  const env = bareEnv(sandbox.env, tmp.home);
  clearToken();
  const card = await browserLogin({
    env,
    persist: false,
    display: "none",
    onCode: ({ userCode }) => sandbox.approveDevice(userCode),
  });
  assert.ok(card.diagnostics.some((d) => d.code === "session-only"));
  await assert.rejects(Deno.stat(`${tmp.home}/hf`), Deno.errors.NotFound);
  assert.equal(sessionState().resolution?.source, "oauth:device");
  clearToken();

  let out = "";
  await assert.rejects(
    browserLogin({
      env,
      display: "terminal",
      live: false,
      write: (t) => out += t,
      onCode: ({ userCode }) => sandbox.denyDevice(userCode),
    }),
    (error) => error instanceof DeviceCodeError && error.code === "access_denied",
  );
  assert.match(out, /Browser login failed\.\nThe login was denied in the browser/);
  assert.match(out, /Next: Run the login again and click Authorize/);
  await assert.rejects(Deno.stat(`${tmp.home}/hf`), Deno.errors.NotFound);
  assert.equal(sessionState().resolution, undefined);
});

Deno.test("browserLogin: slow_down and a 503 while polling are ridden out; the signal cancels", async () => {
  await using sandbox = startSandbox({
    quiet: true,
    oauth: { interval: 1, enforceInterval: false },
  });
  await using tmp = await tempHome();
  const env = bareEnv(sandbox.env, tmp.home);
  clearToken();
  sandbox.setFault({ match: { path: "/oauth/token" }, fault: "slow_down", times: 1 });
  sandbox.setFault({ match: { path: "/oauth/token" }, fault: "503", times: 1 });
  let code = "";
  const sleeps: number[] = [];
  const card = await browserLogin({
    env,
    persist: false,
    display: "none",
    onCode: ({ userCode }) => code = userCode,
    sleep: (ms) => {
      sleeps.push(ms);
      if (sleeps.length === 2) sandbox.approveDevice(code);
      return Promise.resolve();
    },
  });
  assert.equal(card.verdict, "valid");
  assert.deepEqual(sleeps, [6000, 6000]);
  const polls = sandbox.requests.filter((r) => r.path === "/oauth/token");
  assert.equal(polls.length, 3);
  clearToken();

  const controller = new AbortController();
  await assert.rejects(
    browserLogin({
      env,
      display: "none",
      signal: controller.signal,
      onCode: () => setTimeout(() => controller.abort(), 20),
    }),
    (error) => error instanceof DeviceCodeError && error.code === "cancelled",
  );
});

Deno.test("login({ method: 'browser' }) and getToken({ method: 'browser' }) run the flow only when no source has a token", async () => {
  await using sandbox = startSandbox({ quiet: true, oauth: { interval: 1 } });
  await using tmp = await tempHome();
  const env = bareEnv(sandbox.env, tmp.home);
  clearToken();
  const approve = setInterval(() => {
    for (const code of sandbox.pendingDeviceCodes()) sandbox.approveDevice(code);
  }, 20);
  try {
    const card = await login({ env, method: "browser", cwd: tmp.home, ...NO_SOURCES });
    assert.equal(card.verdict, "valid");
    assert.ok(card.diagnostics.some((d) => d.code === "token-saved"), "saved by default");
    // The saved login is now found in the token file: no second device flow.
    clearToken();
    const devices = sandbox.requests.filter((r) => r.path === "/oauth/device").length;
    const again = await login({ env, method: "browser", cwd: tmp.home, ...NO_SOURCES });
    assert.match(again.source ?? "", /^file:/);
    assert.equal(sandbox.requests.filter((r) => r.path === "/oauth/device").length, devices);

    await forgetToken({ all: true, env });
    clearToken();
    const token = await getToken({
      env,
      method: "browser",
      cwd: tmp.home,
      refresh: true,
      ...NO_SOURCES,
    });
    assert.match(token, /^hf_oauth_sandbox_alice_/);
    assert.equal((await resolveToken()).source, "oauth:device");
  } finally {
    clearInterval(approve);
    clearToken();
  }
});

Deno.test("browserLogin: a device answer with a javascript: link shows no link, and bounded polling ends", async () => {
  await using tmp = await tempHome();
  const hubUrl = "https://hub.test";
  let polls = 0;
  const fetch = ((input: string | URL | Request) => {
    const url = String(input);
    if (url.endsWith("/oauth/device")) {
      return Promise.resolve(Response.json({
        device_code: "dc_hostile",
        user_code: "<b>PWN</b>",
        verification_uri: "javascript:alert(1)",
        expires_in: 12,
        interval: 0,
      }));
    }
    polls++;
    return Promise.resolve(Response.json({ error: "authorization_pending" }, { status: 400 }));
  }) as typeof globalThis.fetch;
  let out = "";
  let t = 0;
  await assert.rejects(
    browserLogin({
      hubUrl,
      fetch,
      env: { HF_HOME: `${tmp.home}/hf` },
      display: "terminal",
      live: false,
      write: (s) => out += s,
      now: () => t,
      sleep: (ms) => {
        t += ms;
        return Promise.resolve();
      },
    }),
    (error) => error instanceof DeviceCodeError && error.code === "expired_token",
  );
  assert.equal(polls, 3);
  assert.match(out, /Open javascript:alert\(1\)\n {5}! This address is not an http\(s\) page/);
  assert.match(out, /interval 0 is not a positive number: 5 s used/);
  assert.ok(!out.includes("scan with a phone"), "no QR code for a hostile link");
  assert.ok(!out.includes("dc_hostile"), "device code printed");
});

Deno.test("browserLogin with HF_TOKEN set: saved, and the card warns that HF_TOKEN wins over it", async () => {
  await using sandbox = startSandbox({ quiet: true, oauth: { interval: 1 } });
  await using tmp = await tempHome();
  const env = { ...bareEnv(sandbox.env, tmp.home), HF_TOKEN: "hf_sandbox_read_alice" };
  clearToken();
  const card = await browserLogin({
    env,
    display: "none",
    onCode: ({ userCode }) => sandbox.approveDevice(userCode),
  });
  const warning = card.diagnostics.find((d) => d.code === "shadowed-login");
  assert.ok(warning, JSON.stringify(card.diagnostics));
  assert.match(warning.message, /HF_TOKEN is set in the environment/);
  assert.ok(card.diagnostics.some((d) => d.code === "token-saved"));
  clearToken();
});

Deno.test("browserLogin with HF_HUB_OFFLINE=1: no request, a DeviceCodeError that says why", async () => {
  let requests = 0;
  const fetch = (() => {
    requests++;
    return Promise.reject(new Error("no request expected"));
  }) as typeof globalThis.fetch;
  let out = "";
  await assert.rejects(
    browserLogin({
      hubUrl: "https://hub.test",
      fetch,
      env: { HF_HUB_OFFLINE: "1" },
      display: "terminal",
      write: (t) => out += t,
    }),
    (error) => error instanceof DeviceCodeError && error.code === "offline",
  );
  assert.equal(requests, 0);
  assert.match(out, /HF_HUB_OFFLINE is set, so no browser login was started/);
  assert.match(out, /Next: Unset HF_HUB_OFFLINE/);
});

Deno.test("browserLogin: a Hub displayName that saveToken would refuse (ESC, RLM) is not the section name; a clean one is", async () => {
  for (
    const [displayName, expected] of [
      ["laptop\u001bc", "oauth-sandbox-alice"],
      ["\u200fعمل", "oauth-sandbox-alice"],
      ["work laptop", "work laptop"],
    ]
  ) {
    await using sandbox = startSandbox({ quiet: true, oauth: { interval: 1 } });
    await using tmp = await tempHome();
    const env = bareEnv(sandbox.env, tmp.home);
    clearToken();
    // The Hub's whoami-v2 answer for this token, with the displayName under test.
    const withName: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (!url.endsWith("/api/whoami-v2") || !response.ok) return response;
      const body = await response.json();
      body.auth = { ...body.auth, accessToken: { ...body.auth?.accessToken, displayName } };
      return Response.json(body, { status: response.status });
    };
    const card = await browserLogin({
      env,
      fetch: withName,
      display: "terminal",
      live: false,
      write: () => {},
      onCode: ({ userCode }) => assert.ok(sandbox.approveDevice(userCode)),
    });
    assert.equal(card.browserLogin?.name, expected, JSON.stringify(card.diagnostics));
    const { storedTokensPath } = tokenPaths({ env });
    const file = parseStoredTokensFile(await Deno.readTextFile(storedTokensPath), storedTokensPath);
    assert.deepEqual(file.sections.map((s) => s.name), [expected]);
    learnSecret(file.sections[0].fields.hf_token, file.sections[0].fields.refresh_token);
    clearToken();
  }
});
