/**
 * whoami() against the loopback sandbox with the real `@huggingface/hub`
 * client: every persona, every fault, offline mode, caching, endpoints.
 */
import assert from "node:assert/strict";
import { login } from "../src/hub/login.ts";
import { whoami, type WhoamiOptions } from "../src/hub/whoami.ts";
import type { Validation } from "../src/hub/validation.ts";
import type { Verdict } from "../src/hub/types.ts";
import { resetSession, sessionState } from "../src/resolve/session_cache.ts";
import { FAULT_NAMES, type PersonaName, PERSONAS, startSandbox } from "../src/sandbox/mod.ts";

interface Expect {
  verdict: Verdict;
  /** Diagnostic codes that must be present. */
  codes: string[];
  /** Codes that must be absent. */
  absent?: string[];
  /** The reason must match this. */
  reason: RegExp;
  check?: (v: Validation) => void;
}

const PERSONA_EXPECTATIONS: Record<PersonaName, Expect> = {
  read: {
    verdict: "valid",
    codes: ["read-token-cannot-write"],
    absent: ["missing-inference-permission"],
    reason: /sandbox-alice.*read token/,
    check: (v) => assert.deepEqual(v.token?.role, "read"),
  },
  write: {
    verdict: "valid",
    codes: [],
    absent: ["read-token-cannot-write", "missing-inference-permission"],
    reason: /sandbox-alice.*write token/,
  },
  fineGrainedInference: {
    verdict: "valid",
    codes: [],
    absent: ["missing-inference-permission"],
    reason: /fine-grained/,
    check: (v) => {
      assert.ok(v.hasPermission("inference.serverless.write"));
      assert.deepEqual(v.token?.permissions.map((g) => g.scope), [
        "global",
        "user:sandbox-alice",
        "org:sandbox",
      ]);
    },
  },
  fineGrainedNoInference: {
    verdict: "valid",
    codes: ["missing-inference-permission", "gated-repos-unreadable"],
    reason: /fine-grained/,
    check: (v) => {
      const d = v.diagnostics.find((d) => d.code === "missing-inference-permission")!;
      assert.match(d.message, /Make calls to Inference Providers/);
      assert.match(d.message, /inference\.serverless\.write/);
      assert.match(d.fix, /settings\/tokens/);
      assert.match(d.fix, /"Inference" section/);
    },
  },
  fineGrainedOrg: {
    verdict: "valid",
    codes: ["missing-inference-permission", "org-scoped-only"],
    reason: /fine-grained/,
    check: (v) =>
      assert.match(
        v.diagnostics.find((d) => d.code === "org-scoped-only")!.message,
        /sandbox-labs/,
      ),
  },
  expired: {
    // The Hub answers 401 for an expired token exactly as for any invalid one.
    verdict: "invalid",
    codes: ["invalid-token"],
    reason: /401.*Invalid credentials.*expired/,
    check: (v) => assert.deepEqual(v.status, 401),
  },
  revoked: {
    verdict: "invalid",
    codes: ["invalid-token"],
    reason: /401.*Invalid credentials in Authorization header.*revoked/,
  },
  orgApp: {
    verdict: "valid",
    codes: ["app-token"],
    reason: /app sandbox-labs-notebook-app/,
    check: (v) => {
      assert.deepEqual(v.identity?.kind, "app");
      assert.deepEqual(v.token?.appScope, { entities: ["sandbox-labs"], role: "read" });
    },
  },
  xss: {
    verdict: "valid",
    codes: ["read-token-cannot-write"],
    reason: /sandbox-mallory/,
    check: (v) => assert.deepEqual(v.identity?.fullname, "<img src=x onerror=alert(1)>"),
  },
  expiringSoon: {
    verdict: "valid",
    codes: ["expires-soon"],
    reason: /sandbox-alice/,
    check: (v) => {
      const d = v.diagnostics.find((d) => d.code === "expires-soon")!;
      assert.deepEqual(d.severity, "warning");
      assert.match(d.message, /expires in 2 days/);
      assert.ok(v.token?.expiresAt);
    },
  },
  pro: {
    verdict: "valid",
    codes: [],
    reason: /sandbox-pat/,
    check: (v) => assert.deepEqual(v.identity?.isPro, true),
  },
  rateLimited: {
    verdict: "rate-limited",
    codes: ["rate-limited"],
    reason: /429 Too Many Requests.*Retry-After: 7 s/,
    check: (v) => assert.deepEqual(v.failure?.retryAfterSeconds, 7),
  },
  serverError: {
    verdict: "server-error",
    codes: ["server-error"],
    reason: /answered 500/,
  },
  slow: {
    verdict: "valid",
    codes: [],
    reason: /sandbox-alice/,
  },
};

function assertOutcome(v: Validation, e: Expect, label: string): void {
  assert.deepEqual(v.verdict, e.verdict, `${label}: verdict (${v.reason})`);
  const codes = v.diagnostics.map((d) => d.code);
  for (const code of e.codes) {
    assert.ok(codes.includes(code), `${label}: ${code} missing in ${codes}`);
  }
  for (const code of e.absent ?? []) {
    assert.ok(!codes.includes(code), `${label}: ${code} unexpected in ${codes}`);
  }
  assert.match(v.reason, e.reason, label);
  e.check?.(v);
  // Most severe first.
  const rank = { error: 0, warning: 1, info: 2 };
  const ranks = v.diagnostics.map((d) => rank[d.severity]);
  assert.deepEqual(ranks, [...ranks].sort(), `${label}: diagnostics sorted`);
  // Never the token, anywhere.
  for (const p of Object.values(PERSONAS)) {
    const all = JSON.stringify(v) + v.toString() + v.toHtml() + Deno.inspect(v);
    assert.ok(!all.includes(p.token), `${label}: leaked ${p.name}'s token`);
  }
}

function whoamiRequests(sandbox: { requests: readonly { path: string }[] }): number {
  return sandbox.requests.filter((r) => r.path.startsWith("/api/whoami-v2")).length;
}

Deno.test("every sandbox persona gets the right verdict, diagnostics and reason", async () => {
  resetSession();
  await using sandbox = startSandbox({ quiet: true });
  for (const name of Object.keys(PERSONAS) as PersonaName[]) {
    const expect = PERSONA_EXPECTATIONS[name];
    assert.ok(expect, `no expectation for new persona ${name}: add one`);
    const v = await whoami({ token: PERSONAS[name].token, hubUrl: sandbox.url, env: {} });
    assertOutcome(v, expect, name);
    assert.deepEqual(v.source, "explicit:token");
    assert.deepEqual(v.hubUrl, sandbox.url);
  }
});

const FAULT_EXPECTATIONS: Record<string, Expect & { options?: Partial<WhoamiOptions> }> = {
  "latency:200": { verdict: "valid", codes: [], reason: /sandbox-alice/ },
  hang: {
    verdict: "network-error",
    codes: ["timeout"],
    reason: /No answer from 127\.0\.0\.1:\d+ within 0\.3 s \(timeout\)/,
    options: { timeoutMs: 300 },
  },
  "429": {
    verdict: "rate-limited",
    codes: ["rate-limited"],
    reason: /429.*Retry-After: 7 s/,
    check: (v) => assert.deepEqual(v.failure?.retryAfterSeconds, 7),
  },
  "500": { verdict: "server-error", codes: ["server-error"], reason: /answered 500/ },
  "502": { verdict: "server-error", codes: ["server-error"], reason: /answered 502/ },
  "503-loading": { verdict: "server-error", codes: ["server-error"], reason: /answered 503/ },
  "html-error": {
    verdict: "server-error",
    codes: ["unexpected-response"],
    reason: /502 with an HTML error page/,
  },
  "truncated-json": {
    verdict: "server-error",
    codes: ["unexpected-response"],
    reason: /truncated/,
  },
  reset: {
    verdict: "network-error",
    codes: ["connection-failed"],
    reason: /connection to 127\.0\.0\.1:\d+ was reset/,
  },
  "503": { verdict: "server-error", codes: ["server-error"], reason: /answered 503/ },
  // The OAuth token endpoint's error answers (400 {"error": …}), applied to whoami-v2.
  ...Object.fromEntries(
    ["slow_down", "authorization_pending", "expired_token", "access_denied", "invalid_grant"].map((
      f,
    ) => [f, {
      verdict: "server-error" as const,
      codes: ["server-error"],
      reason: new RegExp(`answered 400 \\(not an answer whoami-v2 gives\\).*${f}`),
    }]),
  ),
  // Recorded answers of other endpoints, sent in place of whoami-v2: 401/403 refuse the token,
  // the Hub's 429s give their wait, anything else is reported with its status and sentence.
  ...Object.fromEntries(
    (["gated-login", "401-not-visible"] as const).map((f) => [f, {
      verdict: "invalid",
      codes: ["invalid-token"],
      reason: /answered 401/,
    }]),
  ),
  ...Object.fromEntries(
    (["gated-awaiting-review", "gated-rejected", "gated-reset"] as const).map((f) => [f, {
      verdict: "invalid",
      codes: ["invalid-token"],
      reason: /answered 403/,
    }]),
  ),
  "429-provider": {
    verdict: "rate-limited",
    codes: ["rate-limited"],
    reason: /429 Too Many Requests\.$/,
  },
  "429-hub": {
    verdict: "rate-limited",
    codes: ["rate-limited"],
    reason: /429 Too Many Requests \(RateLimit "api": 55 s\)/,
    check: (v) => assert.deepEqual(v.failure?.retryAfterSeconds, 55),
  },
  ...Object.fromEntries(
    ([
      ["402-credits", 402, /monthly included credits/],
      ["402-payg", 402, /Pay-as-you go is not enabled/],
      ["410-deprecated", 410, /deprecated/],
      ["400-not-supported-by-provider", 400, /Model not supported by provider/],
      ["v1-model-not-found", 404, /Not Found/],
      ["v1-model-not-supported", 400, /Bad Request/],
      ["422-no-chat-template", 422, /template not found/],
      ["422-text-plain", 422, /Unprocessable Entity/],
      ["404-not-deployed", 404, /Not Found/],
      ["404-model-does-not-exist", 404, /does not exist/],
    ] as const).map(([f, status, said]) => [f, {
      verdict: "server-error",
      codes: ["server-error"],
      reason: new RegExp(`answered ${status} \\(not an answer whoami-v2 gives\\).*${said.source}`),
    }]),
  ),
  // Recorded answers to users' own calls (issue 18), sent in place of whoami-v2: a stream is
  // not a whoami answer, 401/403 refuse the token, a per-action 429 is still a rate limit.
  ...Object.fromEntries(
    ([
      "stream-error-tgi-legacy",
      "stream-error-tgi-legacy-nospace",
      "stream-error-tgi",
      "stream-error-vllm",
    ] as const)
      .map((f) => [f, {
        verdict: "server-error" as const,
        codes: ["unexpected-response"],
        reason: /truncated: invalid JSON/,
      }]),
  ),
  ...Object.fromEntries(
    ([
      ["provider-400-openai-error", 400],
      ["provider-422-fastapi-detail", 422],
      ["provider-400-fastapi-detail-string", 400],
      ["provider-422-problem-json", 422],
      ["endpoint-paused", 400],
      ["endpoint-paused-502", 502],
      ["409-repo-exists", 409],
    ] as const).map(([f, status]) => [f, {
      verdict: "server-error" as const,
      codes: ["server-error"],
      reason: new RegExp(`answered ${status} `),
    }]),
  ),
  ...Object.fromEntries(
    (["403-create-repo-namespace", "403-create-repo-dataset", "401-space-oauth"] as const).map((
      f,
    ) => [f, { verdict: "invalid" as const, codes: ["invalid-token"], reason: /answered 40[13]/ }]),
  ),
  ...Object.fromEntries(
    (["429-commit-quota", "429-commit-quota-2023"] as const).map((f) => [f, {
      verdict: "rate-limited" as const,
      codes: ["action-quota"],
      reason: /429 Too Many Requests/,
    }]),
  ),
  ...Object.fromEntries(
    (["413-too-many-parameters", "413-commit"] as const).map((f) => [f, {
      verdict: "server-error" as const,
      codes: ["payload-too-large"],
      reason: /too large \(413\)/,
    }]),
  ),
};

Deno.test("every sandbox fault maps to a verdict and a named diagnostic", async () => {
  resetSession();
  await using sandbox = startSandbox({ quiet: true });
  for (const name of FAULT_NAMES) {
    const spec = name === "latency" ? "latency:200" : name;
    const expect = FAULT_EXPECTATIONS[spec];
    assert.ok(expect, `no expectation for new fault ${spec}: add one`);
    sandbox.clearFaults();
    sandbox.setFault({ fault: spec, match: { path: "/api/whoami-v2" } });
    const v = await whoami({
      token: PERSONAS.write.token,
      hubUrl: sandbox.url,
      env: {},
      refresh: true,
      ...expect.options,
    });
    assertOutcome(v, expect, spec);
  }
});

Deno.test("connection refused on a closed port is a network-error naming the host", async () => {
  resetSession();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const v = await whoami({
    token: PERSONAS.read.token,
    hubUrl: `http://127.0.0.1:${port}`,
    env: {},
  });
  assertOutcome(v, {
    verdict: "network-error",
    codes: ["offline"],
    reason: new RegExp(`127\\.0\\.0\\.1:${port} refused`),
  }, "refused");
  assert.match(v.diagnostics[0].fix, /HF_ENDPOINT/);
});

Deno.test("DNS failures and other fetch errors are classified and redacted", async () => {
  resetSession();
  const token = PERSONAS.read.token;
  const failing = (message: string): typeof fetch => () =>
    Promise.reject(new TypeError("fetch failed", { cause: new Error(message) }));
  const dns = await whoami({
    token,
    hubUrl: "https://hub.example.invalid",
    env: {},
    fetch: failing("dns error: failed to lookup address information: Name or service not known"),
  });
  assert.deepEqual(dns.verdict, "network-error");
  assert.deepEqual(dns.diagnostics[0].code, "offline");
  assert.match(dns.reason, /hub\.example\.invalid/);

  const leaky = await whoami({
    token,
    hubUrl: "https://hub.example.invalid",
    env: {},
    refresh: true,
    fetch: failing(`proxy said no to Bearer ${token}`),
  });
  assert.deepEqual(leaky.verdict, "network-error");
  assert.ok(!JSON.stringify(leaky).includes(token));
  assert.match(leaky.failure?.detail ?? "", /hf_sa…ice/);
});

Deno.test("HF_HUB_OFFLINE=1 gives verdict offline and makes no request", async () => {
  resetSession();
  await using sandbox = startSandbox({ quiet: true });
  const before = sessionState().stats.requests;
  let calls = 0;
  const v = await whoami({
    token: PERSONAS.read.token,
    env: { ...sandbox.env, HF_HUB_OFFLINE: "1" },
    fetch: (input, init) => {
      calls++;
      return fetch(input, init);
    },
  });
  assert.deepEqual(v.verdict, "offline");
  assert.deepEqual(v.diagnostics.map((d) => d.code), ["offline-mode"]);
  assert.match(v.reason, /HF_HUB_OFFLINE/);
  assert.deepEqual(calls, 0);
  assert.deepEqual(sandbox.requests.length, 0);
  assert.deepEqual(sessionState().stats.requests, before);
});

Deno.test("one request per token per session; refresh asks again; failures are not kept", async () => {
  resetSession();
  await using sandbox = startSandbox({ quiet: true });
  const opts = { token: PERSONAS.pro.token, hubUrl: sandbox.url, env: {} };
  const [a, b] = await Promise.all([whoami(opts), whoami(opts)]);
  assert.deepEqual(whoamiRequests(sandbox), 1, "concurrent calls share one request");
  const c = await whoami(opts);
  assert.deepEqual(whoamiRequests(sandbox), 1, "second call is served from the session");
  assert.deepEqual([a.verdict, b.verdict, c.verdict], ["valid", "valid", "valid"]);
  assert.ok(sessionState().validations.has(PERSONAS.pro.token));

  await whoami({ ...opts, refresh: true });
  assert.deepEqual(whoamiRequests(sandbox), 2, "refresh makes exactly one more request");

  // A transient failure is not cached: the next call asks again.
  sandbox.setFault({ fault: "500", match: { path: "/api/whoami-v2" }, times: 1 });
  const failed = await whoami({ ...opts, token: PERSONAS.write.token });
  assert.deepEqual(failed.verdict, "server-error");
  const retried = await whoami({ ...opts, token: PERSONAS.write.token });
  assert.deepEqual(retried.verdict, "valid");
  assert.deepEqual(whoamiRequests(sandbox), 4);
});

Deno.test("without hubUrl or HF_ENDPOINT the request goes to https://huggingface.co/api/whoami-v2", async () => {
  resetSession();
  const seen: string[] = [];
  const fake: typeof fetch = (input, init) => {
    const req = new Request(input, init);
    seen.push(
      `${req.method} ${req.url} ${
        req.headers.get("authorization") === "Bearer hf_sandbox_read_alice"
      }`,
    );
    return Promise.resolve(
      Response.json({
        type: "user",
        name: "someone",
        orgs: [],
        auth: { type: "access_token", accessToken: { displayName: "t", role: "read" } },
      }),
    );
  };
  const v = await whoami({ token: PERSONAS.read.token, env: {}, fetch: fake });
  assert.deepEqual(v.verdict, "valid");
  assert.deepEqual(v.hubUrl, "https://huggingface.co");
  assert.deepEqual(seen, ["GET https://huggingface.co/api/whoami-v2 true"]);

  // HF_ENDPOINT moves it (a mirror with a path prefix keeps the prefix).
  await whoami({
    token: PERSONAS.read.token,
    env: { HF_ENDPOINT: "https://mirror.example/hf/" },
    fetch: fake,
  });
  assert.deepEqual(seen[1], "GET https://mirror.example/hf/api/whoami-v2 true");
});

Deno.test("a token known to have expired is reported as expired on the 401", async () => {
  resetSession();
  const token = "hf_sandbox_expiresNow_alice";
  const expiresAt = new Date(Date.now() - 1000).toISOString();
  let call = 0;
  const fake: typeof fetch = () => {
    call++;
    if (call === 1) {
      return Promise.resolve(Response.json({
        type: "user",
        name: "sandbox-alice",
        orgs: [],
        auth: { type: "access_token", accessToken: { displayName: "t", role: "read", expiresAt } },
      }));
    }
    return Promise.resolve(
      Response.json({ error: "Invalid credentials in Authorization header" }, { status: 401 }),
    );
  };
  const first = await whoami({ token, env: {}, fetch: fake });
  assert.deepEqual(first.diagnostics[0].code, "expired-token");
  const again = await whoami({ token, env: {}, fetch: fake, refresh: true });
  assert.deepEqual(again.verdict, "expired");
  assert.deepEqual(again.diagnostics[0].code, "expired-token");
  assert.match(again.reason, /expired on \d{4}-\d\d-\d\d/);

  // The Hub's own wording, when it says so, is enough.
  const worded = await whoami({
    token: "hf_sandbox_worded_alice",
    env: {},
    fetch: () => Promise.resolve(Response.json({ error: "Token has expired" }, { status: 401 })),
  });
  assert.deepEqual(worded.verdict, "expired");
});

Deno.test("a value that does not start with hf_ is not sent", async () => {
  resetSession();
  let calls = 0;
  const v = await whoami({
    token: "sk-not-a-hugging-face-key-0000",
    env: {},
    fetch: () => {
      calls++;
      return Promise.resolve(new Response("{}"));
    },
  });
  assert.deepEqual(calls, 0);
  assert.deepEqual(v.verdict, "invalid");
  assert.ok(v.diagnostics.some((d) => d.code === "not-hf-prefix"));
  assert.ok(!JSON.stringify(v).includes("sk-not-a-hugging-face-key-0000"));
});

Deno.test("the caller's signal aborts the check (it is not turned into a verdict)", async () => {
  resetSession();
  await using sandbox = startSandbox({ quiet: true });
  sandbox.setFault({ fault: "hang", match: { path: "/api/whoami-v2" } });
  const controller = new AbortController();
  const pending = whoami({
    token: PERSONAS.read.token,
    hubUrl: sandbox.url,
    env: {},
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(new DOMException("stop", "AbortError")), 50);
  await assert.rejects(() => pending);
});

Deno.test("without a token, whoami() resolves one and carries the resolution's warnings", async () => {
  resetSession();
  await using sandbox = startSandbox({ quiet: true });
  const home = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${home}/token`, PERSONAS.write.token);
    const v = await whoami({
      env: { ...sandbox.env, HF_HOME: home, HF_API_KEY: PERSONAS.revoked.token },
      prompt: false,
      dotenv: false,
      mountedSecretDirs: [],
      secretFiles: [],
      kaggle: false,
    });
    assert.deepEqual(v.source, "env:HF_API_KEY");
    assert.deepEqual(v.verdict, "invalid");
    const codes = v.diagnostics.map((d) => d.code);
    assert.ok(codes.includes("legacy-env-alias"), codes.join());
    assert.ok(codes.includes("shadowed-token"), codes.join());
    assert.deepEqual(codes[0], "invalid-token");
    assert.match(v.diagnostics[0].fix, /shadows another saved token/);
  } finally {
    resetSession();
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("login({ persist }) saves only a valid token unless forced, and adopts an explicit token", async () => {
  resetSession();
  await using sandbox = startSandbox({ quiet: true });
  const home = await Deno.makeTempDir();
  const tokenFile = `${home}/token`;
  const exists = (p: string) => Deno.stat(p).then(() => true, () => false);
  try {
    const env = { ...sandbox.env, HF_HOME: home };
    const bad = await login({ token: PERSONAS.revoked.token, env, persist: true });
    assert.equal(bad.verdict, "invalid");
    assert.equal(bad.diagnostics[0].severity, "error");
    assert.ok(bad.diagnostics.some((d) => d.code === "not-saved"));
    assert.equal(await exists(tokenFile), false, "nothing written for an invalid token");
    assert.equal(sessionState().resolution, undefined, "an invalid token is not adopted");

    const ok = await login({ token: PERSONAS.write.token, env, persist: true, name: "nb" });
    assert.ok(ok.diagnostics.some((d) => d.code === "token-saved"));
    assert.equal(await Deno.readTextFile(tokenFile), PERSONAS.write.token);
    assert.equal(sessionState().resolution?.token, PERSONAS.write.token);
    assert.ok(!JSON.stringify(ok).includes(PERSONAS.write.token));

    const forced = await login({ token: PERSONAS.revoked.token, env, persist: true, force: true });
    assert.ok(forced.diagnostics.some((d) => d.code === "token-saved"));
    assert.equal(await Deno.readTextFile(tokenFile), PERSONAS.revoked.token);
  } finally {
    resetSession();
    await Deno.remove(home, { recursive: true });
  }
});
