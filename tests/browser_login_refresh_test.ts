/**
 * A browser login renews itself as huggingface_hub's get_token() does, against
 * the sandbox's real OAuth endpoint: near expiry exactly one refresh, both
 * files updated, every other section byte-identical; rotation; invalid_grant;
 * a 503; four separate Deno processes at once → one refresh request.
 */
import assert from "node:assert/strict";
import { clearToken, getToken, listStoredTokens, resolveToken } from "../mod.ts";
import { sessionState } from "../src/resolve/mod.ts";
import { startSandbox } from "../src/sandbox/mod.ts";
import { setStoredSection } from "../src/store/stored_tokens_ini.ts";
import { parseStoredTokensFile } from "../src/store/stored_tokens_ini.ts";
import { DEFAULT_DEVICE_CLIENT_ID } from "../src/_oauth_client.ts";

const SELF = import.meta.filename!;
const FIXTURES = new URL("./fixtures/huggingface_hub/", import.meta.url);
const NAME = "oauth-sandbox-alice";
const HOUR = 3600_000;

type Hub = ReturnType<typeof startSandbox>;

/** huggingface_hub's stored_tokens fixture with a live sandbox browser login expiring in `leftMs`. */
async function seed(hub: Hub, leftMs: number, persona: "alice" | "aliceNoRotation" = "alice") {
  const root = await Deno.makeTempDir({ prefix: "hfna-refresh-" });
  const hf = `${root}/hf`;
  await Deno.mkdir(hf);
  const issued = hub.issueOAuthToken(persona, DEFAULT_DEVICE_CLIENT_ID);
  const base = await Deno.readTextFile(new URL("stored_tokens_oauth", FIXTURES));
  const expiresAt = Math.floor((Date.now() + leftMs) / 1000);
  const text = setStoredSection(parseStoredTokensFile(base, "x"), NAME, {
    hf_token: issued.access_token,
    refresh_token: issued.refresh_token,
    expires_at: String(expiresAt),
  });
  await Deno.writeTextFile(`${hf}/stored_tokens`, text, { mode: 0o600 });
  await Deno.writeTextFile(`${hf}/token`, issued.access_token, { mode: 0o600 });
  const env = { HF_HOME: hf, HF_ENDPOINT: hub.url };
  return {
    root,
    hf,
    env,
    issued,
    text,
    expiresAt,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

const quiet = { prompt: false, dotenv: false as const, mountedSecretDirs: [], kaggle: false };

/** Every section but one, as text (to prove the rest is byte-identical). */
function without(text: string, name: string): string {
  return setStoredSection(parseStoredTokensFile(text, "x"), name, undefined);
}

const refreshes = (hub: Hub) =>
  hub.requests.filter((r) => r.path === "/oauth/token" && r.grantType === "refresh_token");

// ---------------------------------------------------------------- child side
if (import.meta.main && Deno.args[0] === "--child") {
  const [, hf, hubUrl, go] = Deno.args;
  console.log("ready");
  while (true) {
    try {
      await Deno.stat(go);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  const token = await getToken({ env: { HF_HOME: hf, HF_ENDPOINT: hubUrl }, ...quiet });
  console.log(JSON.stringify({ token }));
  Deno.exit(0);
}

Deno.test("near expiry: exactly one refresh, both files updated, other sections byte-identical, then no I/O", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await seed(hub, 2 * HOUR);
  clearToken();
  const r = await resolveToken({ env: h.env, ...quiet, refresh: true });
  assert.notEqual(r.token, h.issued.access_token);
  assert.match(r.token, /^hf_oauth_sandbox_alice_/);
  assert.equal(refreshes(hub).length, 1);
  assert.equal(r.browserLogin?.name, NAME);
  assert.equal(r.browserLogin?.refresh, "refreshed");
  assert.equal(r.browserLogin?.renews, true);
  assert.ok(Date.parse(r.browserLogin!.expiresAt!) > Date.now() + 29 * 24 * HOUR);
  assert.equal(JSON.stringify(r).includes(r.token), false, "token masked in JSON");
  for (const shown of [JSON.stringify(sessionState()), Deno.inspect(sessionState())]) {
    for (const secret of [r.token, h.issued.access_token, h.issued.refresh_token]) {
      assert.equal(shown.includes(secret), false, "the session state shows no token");
    }
  }

  const stored = await Deno.readTextFile(`${h.hf}/stored_tokens`);
  assert.equal(without(stored, NAME), without(h.text, NAME), "other sections byte-identical");
  const section = parseStoredTokensFile(stored, "x").sections.find((s) => s.name === NAME)!;
  assert.equal(section.fields.hf_token, r.token);
  assert.notEqual(section.fields.refresh_token, h.issued.refresh_token, "rotated");
  assert.ok(Number(section.fields.expires_at) >= Math.floor(Date.now() / 1000) + 2_592_000 - 5);
  assert.equal(await Deno.readTextFile(`${h.hf}/token`), r.token);
  assert.equal((await Deno.stat(`${h.hf}/token`)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(h.hf)).mode! & 0o777, 0o700);
  // The new token works on the hub.
  const me = await fetch(`${hub.url}/api/whoami-v2`, {
    headers: { authorization: `Bearer ${r.token}` },
  });
  assert.equal((await me.json()).auth.type, "oauth");

  // Later calls: session cache, no file read, no request.
  const before = sessionState().stats.resolutions;
  for (let i = 0; i < 3; i++) assert.equal(await getToken({ env: h.env, ...quiet }), r.token);
  assert.equal(sessionState().stats.resolutions, before);
  assert.equal(refreshes(hub).length, 1);
  const listed = (await listStoredTokens({ env: h.env })).find((t) => t.name === NAME)!;
  assert.deepEqual([listed.active, listed.browserLogin?.renews], [true, true]);
  clearToken();
});

Deno.test("more than a day left: no refresh; with the clock 30 days on it refreshes without asking", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await seed(hub, 30 * 24 * HOUR);
  clearToken();
  const r = await resolveToken({ env: h.env, ...quiet, refresh: true });
  assert.equal(r.token, h.issued.access_token);
  assert.equal(r.browserLogin?.refresh, "not-due");
  assert.equal(refreshes(hub).length, 0);
  // 30 days later (same kernel): the cached resolution is due, renewal happens on the next call.
  const later = () => Date.now() + 30 * 24 * HOUR - HOUR;
  const token = await getToken({ env: h.env, ...quiet, now: later });
  assert.notEqual(token, h.issued.access_token);
  assert.equal(refreshes(hub).length, 1);
  clearToken();
});

Deno.test("no rotation: the old refresh token is kept", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await seed(hub, HOUR, "aliceNoRotation");
  clearToken();
  const r = await resolveToken({ env: h.env, ...quiet, refresh: true });
  assert.notEqual(r.token, h.issued.access_token);
  const stored = await Deno.readTextFile(`${h.hf}/stored_tokens`);
  const section = parseStoredTokensFile(stored, "x").sections.find((s) => s.name === NAME)!;
  assert.equal(section.fields.refresh_token, h.issued.refresh_token);
  assert.equal(section.fields.hf_token, r.token);
  clearToken();
});

Deno.test("invalid_grant: old token kept, 'log in again' with the call and command, not retried", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await seed(hub, HOUR);
  hub.revokeRefreshTokens();
  clearToken();
  const r = await resolveToken({ env: h.env, ...quiet, refresh: true });
  assert.equal(r.token, h.issued.access_token);
  assert.equal(r.browserLogin?.refresh, "revoked");
  const w = r.warnings.find((x) => x.code === "browser-login-expired")!;
  assert.match(w.message, /Your browser login expired or was revoked: log in again/);
  assert.match(w.fix!, /await login\(\)/);
  assert.match(w.fix!, /hf auth login/);
  assert.equal(JSON.stringify(r.warnings).includes(h.issued.refresh_token), false);
  assert.equal(await Deno.readTextFile(`${h.hf}/stored_tokens`), h.text, "nothing written");
  // Not retried in this session, even when resolving again.
  await resolveToken({ env: h.env, ...quiet, refresh: true });
  assert.equal(refreshes(hub).length, 1);
  clearToken();
});

Deno.test("503 during refresh: old token kept, warned once, retried no sooner than 5 minutes", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await seed(hub, HOUR);
  hub.setFault({ match: { path: "/oauth/token" }, fault: "503", times: 1 });
  clearToken();
  const warned: unknown[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => warned.push(args);
  try {
    const r = await resolveToken({ env: h.env, ...quiet, refresh: true });
    assert.equal(r.token, h.issued.access_token);
    assert.equal(r.browserLogin?.refresh, "failed");
    const w = r.warnings.find((x) => x.code === "browser-login-refresh-failed")!;
    assert.match(w.message, /HTTP 503/);
    assert.match(w.message, /tried again in 5 minutes/);
    // Within 5 minutes: no new request.
    await resolveToken({ env: h.env, ...quiet, refresh: true, now: () => Date.now() + 60_000 });
    assert.equal(refreshes(hub).length, 1);
    // After 5 minutes: retried, succeeds.
    const again = await resolveToken({
      env: h.env,
      ...quiet,
      refresh: true,
      now: () => Date.now() + 5 * 60_000 + 1000,
    });
    assert.notEqual(again.token, h.issued.access_token);
    assert.equal(refreshes(hub).length, 2);
    assert.equal(warned.length <= 1, true, "warned at most once");
  } finally {
    console.warn = original;
  }
  clearToken();
});

Deno.test("another process already refreshed: its result is adopted, no request", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await seed(hub, HOUR);
  // "Another process" refreshed: stored_tokens has the new token; the token file still the old one.
  const fresh = hub.issueOAuthToken("alice", DEFAULT_DEVICE_CLIENT_ID);
  clearToken();
  // Make the first read see the old section, then swap the file before the locked re-read.
  const file = parseStoredTokensFile(h.text, "x");
  const swapped = setStoredSection(file, NAME, {
    hf_token: fresh.access_token,
    refresh_token: fresh.refresh_token,
    expires_at: String(Math.floor(Date.now() / 1000) + 2_592_000),
  });
  const realFetch = globalThis.fetch;
  let swappedAt = 0;
  await Deno.writeTextFile(`${h.hf}/stored_tokens.lock`, "");
  const lock = await Deno.open(`${h.hf}/stored_tokens.lock`, {
    read: true,
    write: true,
    create: true,
  });
  await lock.lock(true); // hold the lock like the other process would
  const pending = resolveToken({ env: h.env, ...quiet, refresh: true, fetch: realFetch });
  // Wait (no timing assumption) until resolution has read the old section and opened the lock
  // file to wait on it: then this process has two descriptors on stored_tokens.lock.
  const lockPath = await Deno.realPath(`${h.hf}/stored_tokens.lock`);
  const openOnLock = () =>
    [...Deno.readDirSync("/proc/self/fd")].filter((e) => {
      try {
        return Deno.readLinkSync(`/proc/self/fd/${e.name}`) === lockPath;
      } catch {
        return false;
      }
    }).length;
  while (openOnLock() < 2) await new Promise((r) => setTimeout(r, 5));
  await Deno.writeTextFile(`${h.hf}/stored_tokens`, swapped);
  swappedAt = Date.now();
  await lock.unlock();
  lock.close();
  const r = await pending;
  assert.ok(swappedAt > 0);
  assert.equal(r.token, fresh.access_token);
  assert.equal(r.browserLogin?.refresh, "adopted");
  assert.equal(refreshes(hub).length, 0);
  clearToken();
});

Deno.test("4 Deno processes call getToken() at once: exactly one refresh reaches the sandbox, all get the new token", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await seed(hub, HOUR);
  const go = `${h.root}/go`;
  const children = Array.from({ length: 4 }, () =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", SELF, "--child", h.hf, hub.url, go],
      stdout: "piped",
      stderr: "piped",
    }).spawn());
  // Wait until all four are ready, then release them together.
  const readers = children.map((c) => c.stdout.pipeThrough(new TextDecoderStream()).getReader());
  const outputs = ["", "", "", ""];
  await Promise.all(readers.map(async (reader, i) => {
    while (!outputs[i].includes("ready\n")) outputs[i] += (await reader.read()).value ?? "";
  }));
  await Deno.writeTextFile(go, "");
  await Promise.all(readers.map(async (reader, i) => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      outputs[i] += value;
    }
  }));
  for (const c of children) {
    const status = await c.status;
    const err = await new Response(c.stderr).text();
    assert.ok(status.success, err);
  }
  const tokens = outputs.map((o) => JSON.parse(o.trim().split("\n").at(-1)!).token as string);
  assert.equal(refreshes(hub).length, 1, "exactly one refresh request");
  const stored = await Deno.readTextFile(`${h.hf}/stored_tokens`);
  const section = parseStoredTokensFile(stored, "x").sections.find((s) => s.name === NAME)!;
  assert.deepEqual(tokens, Array(4).fill(section.fields.hf_token));
  assert.notEqual(section.fields.hf_token, h.issued.access_token);
  assert.equal(await Deno.readTextFile(`${h.hf}/token`), section.fields.hf_token);
  assert.equal(without(stored, NAME), without(h.text, NAME));
});

Deno.test("corrupt refresh metadata (expires_at not a number): not refreshed, token used, nothing written", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await seed(hub, HOUR);
  const broken = h.text.replace(`expires_at = ${h.expiresAt}`, "expires_at = soon");
  await Deno.writeTextFile(`${h.hf}/stored_tokens`, broken);
  clearToken();
  const r = await resolveToken({ env: h.env, ...quiet, refresh: true });
  assert.equal(r.token, h.issued.access_token);
  assert.equal(refreshes(hub).length, 0);
  assert.equal(await Deno.readTextFile(`${h.hf}/stored_tokens`), broken);
  const listed = (await listStoredTokens({ env: h.env })).find((t) => t.name === NAME)!;
  assert.deepEqual(listed.browserLogin, { renews: true });
  clearToken();
});

// ------------------------------------------------------------ issue 19 rows 14, 15

/**
 * What `hf auth login --token` does (huggingface_hub `_save_token` + `_write_secret`), without
 * the lock: read stored_tokens with configparser, add a section, write it back whole, sorted,
 * and make it the active token. Run as its own Python process (stdlib only).
 */
const PYTHON_LOGIN_WITHOUT_LOCK = `import configparser, io, os, sys
path, token_path, name, token = sys.argv[1:5]
config = configparser.ConfigParser(interpolation=None)
config.read(path)
stored = {n: dict(config.items(n)) for n in config.sections()}
stored[name] = {"hf_token": token}
out = configparser.ConfigParser(interpolation=None)
for n in sorted(stored):
    out.add_section(n)
    for k, v in stored[n].items():
        out.set(n, k, v)
buf = io.StringIO()
out.write(buf)
for p, content in ((path, buf.getvalue()), (token_path, token)):
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(content)
print("saved", flush=True)`;

Deno.test("row 14: a token saved without the lock while the refresh waits for the network survives (the file is re-read after the call)", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await seed(hub, HOUR);
  clearToken();
  let pythonRan = false;
  // A slow refresh: while its request is in flight, a Python process saves a new token.
  const slowFetch: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (new URL(url).pathname === "/oauth/token") {
      const out = await new Deno.Command("/usr/bin/python3", {
        args: [
          "-c",
          PYTHON_LOGIN_WITHOUT_LOCK,
          `${h.hf}/stored_tokens`,
          `${h.hf}/token`,
          "laptop",
          "hf_sandbox_write_bob",
        ],
        stdout: "piped",
      }).output();
      assert.equal(new TextDecoder().decode(out.stdout), "saved\n");
      pythonRan = true;
    }
    return await fetch(input, init);
  };
  const r = await resolveToken({ env: h.env, ...quiet, refresh: true, fetch: slowFetch });
  assert.ok(pythonRan);
  assert.equal(r.browserLogin?.refresh, "refreshed");
  assert.equal(refreshes(hub).length, 1);
  const stored = parseStoredTokensFile(await Deno.readTextFile(`${h.hf}/stored_tokens`), "x");
  const byName = new Map(stored.sections.map((s) => [s.name, s.fields]));
  assert.equal(byName.get("laptop")?.hf_token, "hf_sandbox_write_bob", "Python's save kept");
  assert.equal(byName.get(NAME)?.hf_token, r.token, "the refreshed section written");
  assert.deepEqual([...byName.keys()], [
    "Zeta org",
    "laptop",
    "notebook",
    NAME,
    "work",
  ]);
  // The token file now names Python's token: the refresh left it alone.
  assert.equal(await Deno.readTextFile(`${h.hf}/token`), "hf_sandbox_write_bob");
  clearToken();
});

Deno.test("row 14: the section was replaced while the refresh waited: the refresh does not overwrite it", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await seed(hub, HOUR);
  clearToken();
  const slowFetch: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (new URL(url).pathname === "/oauth/token") {
      await new Deno.Command("/usr/bin/python3", {
        args: [
          "-c",
          PYTHON_LOGIN_WITHOUT_LOCK,
          `${h.hf}/stored_tokens`,
          `${h.hf}/token`,
          NAME,
          "hf_sandbox_read_alice",
        ],
        stdout: "null",
      }).output();
    }
    return await fetch(input, init);
  };
  await resolveToken({ env: h.env, ...quiet, refresh: true, fetch: slowFetch });
  const stored = parseStoredTokensFile(await Deno.readTextFile(`${h.hf}/stored_tokens`), "x");
  const section = stored.sections.find((s) => s.name === NAME)!;
  assert.deepEqual(section.fields, { hf_token: "hf_sandbox_read_alice" }, "their save wins");
  assert.equal(await Deno.readTextFile(`${h.hf}/token`), "hf_sandbox_read_alice");
  clearToken();
});

Deno.test("row 15: a section without hf_token elsewhere in the file does not stop the refresh", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await seed(hub, HOUR);
  const text = h.text + "[notes]\nfoo = bar\n";
  await Deno.writeTextFile(`${h.hf}/stored_tokens`, text);
  clearToken();
  const r = await resolveToken({ env: h.env, ...quiet, refresh: true });
  assert.equal(r.browserLogin?.refresh, "refreshed");
  assert.equal(refreshes(hub).length, 1);
  const after = await Deno.readTextFile(`${h.hf}/stored_tokens`);
  assert.ok(after.endsWith("[notes]\nfoo = bar\n"), "the section without a token is kept");
  assert.deepEqual(
    (await listStoredTokens({ env: h.env })).find((t) => t.name === "notes"),
    { name: "notes", masked: "<not set>", active: false },
  );
  clearToken();
});

Deno.test("row 15: a stored_tokens that cannot be read during a refresh is a warning naming the file and line", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await seed(hub, HOUR);
  const broken = h.text + "[work]\nhf_token = hf_sandbox_again\n";
  await Deno.writeTextFile(`${h.hf}/stored_tokens`, broken);
  clearToken();
  const r = await resolveToken({ env: h.env, ...quiet, refresh: true });
  assert.equal(r.token, h.issued.access_token, "the token file's token is used");
  assert.equal(refreshes(hub).length, 0);
  const w = r.warnings.find((x) => x.code === "stored-tokens-unreadable");
  assert.ok(w, JSON.stringify(r.warnings));
  assert.match(
    w.message,
    /not renewed even if it is a browser login: .*\/hf\/stored_tokens line 15: section \[work\] appears twice \(first on line 12\)/,
  );
  assert.equal(await Deno.readTextFile(`${h.hf}/stored_tokens`), broken, "nothing written");
  clearToken();
});
