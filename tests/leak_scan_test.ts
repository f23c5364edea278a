/**
 * The leak scanner can fail (deliberately leaking fixtures are caught), and
 * `Authorization` only ever goes to the configured Hub and router origins.
 */
import assert from "node:assert/strict";
import {
  clearToken,
  maskToken,
  probe,
  type ProbeFunction,
  resolveToken,
  type SecretStore,
  whoami,
} from "../mod.ts";
import { guardedFetch } from "../src/hub/mod.ts";
import { PERSONAS, startSandbox } from "../src/sandbox/mod.ts";
import { LeakScanner, learnedSecrets, renderings, spoolOutput } from "./_leak_scanner.ts";

const TOKEN = PERSONAS.read.token;

Deno.test("scanner: a deliberately leaking fixture is reported, in every form it can take", () => {
  const scanner = new LeakScanner(["my-extra-secret-value"]);
  class Leaky {
    secret = TOKEN;
    toString() {
      return "masked";
    }
  }
  class LeakyHtml {
    toHtml() {
      return `<td>${PERSONAS.write.token}</td>`;
    }
  }
  const cases: [string, unknown, string][] = [
    ["string", `Authorization: Bearer ${TOKEN}`, "raw"],
    ["bytes", new TextEncoder().encode(`token=${TOKEN}`), "raw"],
    ["object field (JSON + inspect)", new Leaky(), "raw"],
    ["private-looking nested map", { m: new Map([[TOKEN, 1]]) }, "raw"],
    ["toHtml only", new LeakyHtml(), "raw"],
    ["error message", new Error(`refused ${TOKEN}`), "raw"],
    ["error cause", new Error("outer", { cause: new Error(TOKEN) }), "raw"],
    ["base64 (basic auth)", `Basic ${btoa(`user:${TOKEN}`)}`, "base64"],
    ["url-encoded", `?t=${encodeURIComponent("x" + TOKEN)}`, "raw"],
    ["truncated token", `token ${TOKEN.slice(0, 17)}…`, "fragment"],
    ["extra secret", "the password is my-extra-secret-value", "raw"],
  ];
  for (const [label, value, kind] of cases) {
    const found = scanner.scan(label, value);
    assert.ok(found.length > 0, `${label}: not reported`);
    assert.equal(found[0].kind, kind, label);
    assert.equal(found[0].label, label);
    // The report itself never repeats the secret.
    assert.ok(!JSON.stringify(found).includes(TOKEN), `${label}: report leaks`);
  }
  assert.throws(() => scanner.assertClean(), /unmasked secrets found/);
  assert.ok(!scanner.report().includes(TOKEN));
});

Deno.test("scanner: masked forms and unrelated text are clean", () => {
  const scanner = new LeakScanner();
  assert.ok(scanner.size >= Object.keys(PERSONAS).length);
  for (
    const value of [
      "hf_sa…ice (from env:HF_TOKEN)",
      { masked: "hf_sa…ice", source: "env:HF_TOKEN" },
      "hf_sandbox_ is the prefix of every sandbox token",
      new Uint8Array([0, 1, 2]),
    ]
  ) scanner.scan("clean", value);
  scanner.assertClean();
  assert.equal(scanner.scanned, 4);
  assert.throws(() => scanner.addSecret("short"), /at least 8/);
  assert.deepEqual(renderings("x"), [{ view: "text", text: "x" }]);
});

interface Seen {
  origin: string;
  authorization: string | null;
  body: string;
}

function recording(seen: Seen[], inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const body = request.body ? await request.clone().text() : "";
    seen.push({
      origin: new URL(request.url).origin,
      authorization: request.headers.get("authorization"),
      body,
    });
    if (new URL(request.url).hostname.endsWith(".test")) return Response.json({ ok: true });
    return await inner(request);
  };
}

Deno.test("guardedFetch: Authorization reaches only the configured Hub and router origins", async () => {
  const seen: Seen[] = [];
  const hubUrl = "http://127.0.0.1:9";
  const inferenceUrl = "http://127.0.0.1:10/router";
  const f = guardedFetch({
    hubUrl,
    inferenceUrl,
    fetch: recording(seen, () => Promise.resolve(new Response("{}"))),
    env: {},
  });
  const auth = { headers: { Authorization: `Bearer ${TOKEN}` } };
  for (
    const url of [
      "https://huggingface.co/api/whoami-v2",
      "https://router.huggingface.co/v1/chat/completions",
      "https://api-inference.huggingface.co/models/gpt2",
      `${hubUrl}/api/models/gpt2`,
      "https://cdn-lfs.huggingface.co/repos/x", // a real HF origin, but not a configured one
      "https://example.com/steal",
      "https://huggingface.co.evil.test/api",
      "http://127.0.0.1:11/api", // same host, other port: another origin
    ]
  ) await (await f(url, auth)).body?.cancel();
  const authorized = seen.filter((s) => s.authorization).map((s) => s.origin);
  assert.deepEqual(authorized, [
    "http://127.0.0.1:9",
    "http://127.0.0.1:10",
    "http://127.0.0.1:10",
    "http://127.0.0.1:9",
  ]);
  assert.equal(seen.length, 8);
});

Deno.test("whoami and probe send Authorization only to the sandbox's hub/router; a custom probe's other origin gets none", async () => {
  clearToken();
  await using hub = startSandbox({ quiet: true });
  const allowed = new Set([new URL(hub.url).origin, new URL(hub.inferenceUrl).origin]);
  const seen: Seen[] = [];
  const fetcher = recording(seen);
  await whoami({ token: TOKEN, hubUrl: hub.url, env: {}, fetch: fetcher, refresh: true });
  const elsewhere: ProbeFunction = async function elsewhere(ctx) {
    // A careless probe that copies the token into a request to another origin.
    const res = await ctx.fetch("https://telemetry.example.test/collect", {
      headers: { Authorization: `Bearer ${ctx.token}` },
    });
    await res.body?.cancel();
    return { ok: res.ok, status: res.status };
  };
  const table = await probe({
    token: TOKEN,
    hubUrl: hub.url,
    inferenceUrl: hub.inferenceUrl,
    env: {},
    fetch: fetcher,
    display: false,
    only: ["hub.whoami", "hub.model-info", "inference.text-classification", "custom"],
    probes: [elsewhere],
  });
  assert.equal(table.get("custom.elsewhere")?.verdict, "ok");
  const other = seen.filter((s) => !allowed.has(s.origin));
  assert.deepEqual(other.map((s) => [s.origin, s.authorization]), [
    ["https://telemetry.example.test", null],
  ]);
  const own = seen.filter((s) => allowed.has(s.origin));
  assert.ok(own.every((s) => s.authorization === null || s.authorization === `Bearer ${TOKEN}`));
  assert.ok(own.filter((s) => s.authorization).length >= 3, "whoami, hub and router calls");
  assert.ok(seen.length >= 4, `${seen.length} requests`);
});

Deno.test("secret stores on other origins never receive the Hugging Face token", async () => {
  clearToken();
  const seen: Seen[] = [];
  const fetcher = recording(seen);
  // Kaggle is asked before the environment: its request must carry only Kaggle's own JWT.
  const custom: SecretStore = {
    id: "vault",
    async get(name, ctx) {
      const res = await ctx.fetch(`https://vault.example.test/v1/${name}`);
      await res.body?.cancel();
      return undefined;
    },
  };
  const r = await resolveToken({
    env: {
      HF_TOKEN: TOKEN,
      KAGGLE_USER_SECRETS_TOKEN: "kaggle-jwt-sandbox",
      KAGGLE_URL_BASE: "https://kaggle.example.test",
    },
    stores: [custom],
    fetch: fetcher,
    mountedSecretDirs: [],
    dotenv: false,
    tokenFile: false,
    prompt: false,
    refresh: true,
  });
  assert.equal(r.source, "env:HF_TOKEN");
  assert.deepEqual([...new Set(seen.map((s) => s.origin))].sort(), [
    "https://kaggle.example.test",
    "https://vault.example.test",
  ]);
  for (const s of seen) {
    assert.equal(s.authorization, null, s.origin);
    assert.ok(!s.body.includes(TOKEN), `${s.origin} got the token in the body`);
  }
  clearToken();
});

Deno.test("leak scanner: sandbox OAuth access and refresh tokens are caught by shape, their masks are not", async () => {
  await using hub = startSandbox({ quiet: true });
  const issued = hub.issueOAuthToken();
  const scanner = new LeakScanner();
  assert.equal(scanner.scan("access", `token=${issued.access_token}`).length, 1);
  assert.equal(scanner.scan("refresh", { r: issued.refresh_token }).length >= 1, true);
  assert.deepEqual(scanner.scan("masked", maskToken(issued.access_token)), []);
  assert.deepEqual(scanner.scan("masked-refresh", maskToken(issued.refresh_token)), []);
});

Deno.test("scanner: any 8-character piece of a random secret is a leak; public words are not", () => {
  const deviceCode = "Q7x9Lm2Pz4KdRwT5yU8iO1pA3sD6fG9hJ2kL5zX8";
  const access = "hf_oauth_sandbox_aliceNoInference_0007_Vb3Np6Xc";
  const scanner = new LeakScanner([deviceCode, access]);
  assert.equal(scanner.scan("piece", `code …${deviceCode.slice(17, 25)}…`).length, 1);
  assert.equal(scanner.scan("tail", `token ends 7_Vb3Np6Xc`).length, 1);
  // words a persona token is made of, in outputs that rightly hold them: no finding
  const clean = new LeakScanner([access]);
  clean.scan("words", "GET /api/models?inference_provider=all · sandbox-alice · NoInference_0007");
  clean.scan("masked", maskToken(access));
  clean.assertClean();
});

Deno.test("scanner: raw ESC, C1 and bidi in a text output are reported; own colours and JSON data are not", () => {
  const scanner = new LeakScanner();
  assert.equal(scanner.scan("osc52", "x\x1b]52;c;aGk=\x07y")[0]?.kind, "control");
  assert.equal(scanner.scan("c1", "x\x9b31my")[0]?.kind, "control");
  assert.equal(scanner.scan("bidi", "a\u202eb")[0]?.kind, "control");
  assert.equal(scanner.scan("cli", { stdout: "ok\x1b[2J" })[0]?.view, "terminal");
  const clean = new LeakScanner();
  clean.scan("sgr", "\x1b[1mbold\x1b[0m \r\x1b[2Kline \x1b[3A");
  clean.scan("data", { provider: "p\x9b\u202e" }); // data, shown escaped by the renderers
  clean.assertClean();
});

Deno.test("scanner: a spooled file is checked per view, and every sandbox secret is learned", async () => {
  const scanner = new LeakScanner();
  const spooled = `# x\n=== json\n{"a":"\u202e"}\n=== toString\nclean\n`;
  assert.deepEqual(scanner.scanSpooled("x", spooled), []);
  assert.equal(scanner.scanSpooled("y", `# y\n=== toString\n\u202e\n`)[0]?.kind, "control");
  await using hub = startSandbox({ quiet: true });
  const issued = hub.issueOAuthToken();
  const response = await fetch(`${hub.url}/oauth/device`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "client_id=x",
  });
  const { device_code } = await response.json();
  const learned = await learnedSecrets();
  for (const secret of [issued.access_token, issued.refresh_token, device_code]) {
    assert.ok(learned.includes(secret), "a sandbox secret was not learned");
  }
  await spoolOutput("leak_scan_test/masked", maskToken(device_code));
});
