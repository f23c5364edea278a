/**
 * probe(): diagnosis classes (pure table + against the sandbox with the real
 * clients), dry run, selection, custom probes, concurrency bound, timeouts,
 * cancellation, onRow, and that no output ever contains the token.
 */
import assert from "node:assert/strict";
import { PERSONAS, startSandbox } from "../src/sandbox/mod.ts";
import {
  probe,
  type ProbeFailureFacts,
  type ProbeOptions,
  type ProbeRow,
  type ProbeTable,
  type SuiteProbe,
} from "../mod.ts";
import { diagnoseFailure } from "../src/diagnose.ts";
import { DEFAULT_SUITE } from "../src/probes/mod.ts";
import { renderProbeTableHtml } from "../src/display/mod.ts";

type Sandbox = ReturnType<typeof startSandbox>;

function net(hub: Sandbox): ProbeOptions {
  return { hubUrl: hub.url, inferenceUrl: hub.inferenceUrl, env: {}, display: false };
}

function entry(id: string): SuiteProbe {
  const found = DEFAULT_SUITE.find((p) => p.id === id);
  assert.ok(found, id);
  return found;
}

function row(table: ProbeTable, id: string): ProbeRow {
  const r = table.get(id);
  assert.ok(r, `row ${id} missing; rows: ${table.rows.map((x) => x.id).join(", ")}`);
  return r;
}

function expectFailed(
  r: ProbeRow,
  code: string,
  reason: RegExp,
  fix: RegExp,
  status?: number,
): void {
  assert.equal(r.verdict, "failed", `${r.id}: ${r.verdict} ${r.code} ${r.reason}`);
  assert.equal(r.code, code, `${r.id}: ${r.reason}`);
  assert.match(r.reason ?? "", reason);
  assert.match(r.fix ?? "", fix);
  if (status !== undefined) assert.equal(r.status, status);
}

function assertNoToken(table: ProbeTable, token: string): void {
  for (
    const text of [table.toString(), table.toHtml(), JSON.stringify(table), Deno.inspect(table)]
  ) {
    assert.ok(!text.includes(token), "output contains the token");
  }
}

// ---------------------------------------------------------------------------
// Pure diagnosis table

const HUB = "http://hub.test";
const FG_NO_INFERENCE = {
  verdict: "valid" as const,
  token: {
    role: "fineGrained" as const,
    canReadGatedRepos: false,
    permissions: [{ scope: "user:alice", permissions: ["repo.content.read"] }],
  },
};
const READ = { verdict: "valid" as const, token: { role: "read" as const, permissions: [] } };
const named = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name }, extra);

const CASES: [string, ProbeFailureFacts, string, RegExp, RegExp][] = [
  [
    "401 invalid token",
    { area: "hub", response: { status: 401, body: '{"error":"Invalid credentials"}' } },
    "invalid-token",
    /rejected \(401\)/,
    /settings\/tokens/,
  ],
  [
    "401 expired token",
    {
      area: "inference",
      response: { status: 401 },
      validation: { verdict: "expired" },
      hubUrl: HUB,
    },
    "expired-token",
    /expired/,
    /https:\/\/huggingface\.co\/settings\/tokens/,
  ],
  [
    "403 fine-grained without inference permission",
    {
      area: "inference",
      response: { status: 403, body: '{"error":"Forbidden"}' },
      validation: FG_NO_INFERENCE,
    },
    "missing-inference-permission",
    /Make calls to Inference Providers.*inference\.serverless\.write/,
    /tick "Make calls to Inference Providers"/,
  ],
  [
    "403 router message without a validation",
    {
      area: "inference",
      response: {
        status: 403,
        body: '{"error":"This authentication method does not have sufficient permissions ' +
          'to call Inference Providers on behalf of user alice"}',
      },
    },
    "missing-inference-permission",
    /Make calls to Inference Providers/,
    /settings\/tokens/,
  ],
  [
    "403 gated model, terms not accepted",
    {
      area: "hub",
      target: "org/gated",
      hubUrl: HUB,
      validation: READ,
      response: {
        status: 403,
        errorCode: "GatedRepo",
        body: '{"error":"Access to model org/gated is restricted"}',
      },
    },
    "gated-model",
    /org\/gated is gated/,
    /http:\/\/hub\.test\/org\/gated/,
  ],
  [
    "403 gated model, fine-grained without gated permission",
    {
      area: "hub",
      target: "org/gated",
      validation: FG_NO_INFERENCE,
      response: { status: 403, errorCode: "GatedRepo" },
    },
    "missing-gated-permission",
    /Read access to contents of all public gated repos/,
    /settings\/tokens/,
  ],
  [
    "403 fine-grained repo read",
    { area: "hub", target: "org/x", validation: FG_NO_INFERENCE, response: { status: 403 } },
    "missing-repo-permission",
    /no read permission for org\/x/,
    /Repositories/,
  ],
  [
    "404 private or missing",
    { area: "hub", target: "org/private", response: { status: 404 } },
    "repo-not-found",
    /not found \(404\).*private/,
    /org\/private/,
  ],
  [
    "anonymous mapping lookup 401 means not found",
    {
      area: "inference",
      target: "org/none",
      error: named("HubApiError", "Failed to fetch inference provider mapping for model org/none"),
      response: { status: 401, body: '{"error":"Repository not found"}' },
    },
    "repo-not-found",
    /org\/none was not found/,
    /Check the id/,
  ],
  [
    "no provider",
    {
      area: "inference",
      target: "org/m",
      error: named("InputError", "No Inference Provider available for model org/m."),
    },
    "no-provider",
    /served by no Inference Provider/,
    /inference_provider=all/,
  ],
  [
    "legacy model",
    {
      area: "inference",
      target: "gpt2",
      legacy: true,
      error: named("InputError", "No Inference Provider available for model gpt2."),
    },
    "legacy-model",
    /not your token's fault/,
    /huggingface\.co\/models\?inference_provider=all/,
  ],
  [
    "not served by the chosen provider",
    {
      area: "inference",
      target: "org/m",
      provider: "hf-inference",
      error: named(
        "InputError",
        "We have not been able to find inference provider information for model org/m.",
      ),
    },
    "provider-not-serving",
    /not served by the provider "hf-inference"/,
    /provider "auto"/,
  ],
  [
    "served for another task",
    {
      area: "inference",
      target: "org/chat",
      error: named(
        "InputError",
        "Model org/chat is not supported for task text-generation and provider together. " +
          "Supported task: conversational.",
      ),
    },
    "unsupported-task",
    /together serves org\/chat for conversational, not text-generation/,
    /chatCompletion/,
  ],
  [
    "429 with Retry-After",
    { area: "inference", response: { status: 429, retryAfter: "7" } },
    "provider-rate-limited",
    /retry after 7 s/,
    /Wait 7 s/,
  ],
  [
    "503 loading",
    {
      area: "inference",
      target: "org/m",
      response: {
        status: 503,
        body: '{"error":"Model org/m is currently loading","estimated_time":20.0}',
      },
    },
    "model-loading",
    /ready in about 20 s/,
    /Retry in 20 s/,
  ],
  [
    "other 5xx",
    { area: "hub", response: { status: 500, body: '{"error":"Internal Error"}' } },
    "server-error",
    /answered 500.*not your token/,
    /status\.huggingface\.co/,
  ],
  [
    "timeout",
    { area: "hub", timedOut: true, timeoutMs: 250 },
    "timeout",
    /within 250 ms/,
    /timeoutMs/,
  ],
  [
    "cancelled",
    { area: "hub", cancelled: true },
    "cancelled",
    /Cancelled/,
    /again/,
  ],
  [
    "DNS failure",
    {
      area: "hub",
      error: new TypeError(
        "error sending request: dns error: failed to lookup address information",
      ),
    },
    "offline",
    /name lookup \(DNS\) failed/,
    /HF_ENDPOINT/,
  ],
  [
    "connection refused",
    {
      area: "inference",
      error: new TypeError(
        "error sending request: tcp connect error: Connection refused (os error 111)",
      ),
    },
    "offline",
    /connection refused/,
    /network/,
  ],
  [
    "connection reset",
    {
      area: "hub",
      error: new TypeError("error sending request: connection closed before message completed"),
    },
    "connection-failed",
    /closed the connection/,
    /proxy or firewall/,
  ],
  [
    "HTML page",
    {
      area: "inference",
      response: { status: 502, contentType: "text/html", body: "<!DOCTYPE HTML><html>…" },
    },
    "unexpected-response",
    /HTML page instead of JSON/,
    /proxy/,
  ],
  [
    "truncated JSON",
    {
      area: "hub",
      error: new SyntaxError("Unexpected end of JSON input"),
      response: { status: 200 },
    },
    "unexpected-response",
    /not valid JSON/,
    /truncating/,
  ],
  [
    "wrong JSON shape",
    {
      area: "inference",
      error: named("ProviderOutputError", "Expected Array<{label: string, score: number}>"),
    },
    "unexpected-response",
    /unexpected shape/,
    /Retry later/,
  ],
];

for (const [name, facts, code, reason, fix] of CASES) {
  Deno.test(`diagnoseFailure: ${name}`, () => {
    const d = diagnoseFailure(facts);
    assert.equal(d.code, code, d.reason);
    assert.match(d.reason, reason);
    assert.match(d.fix, fix);
  });
}

Deno.test("diagnoseFailure never repeats the token", () => {
  const token = "hf_sandbox_read_alice";
  const d = diagnoseFailure({
    area: "hub",
    error: new Error(`boom for Bearer ${token}`),
    response: { status: 418, body: `{"error":"bad ${token}"}` },
    secrets: [token],
  });
  assert.ok(!d.reason.includes(token) && !d.fix.includes(token), d.reason);
});

// ---------------------------------------------------------------------------
// Against the sandbox, through the real clients

Deno.test("fine-grained token without inference permission: hub works, inference names the permission", async () => {
  await using hub = startSandbox({ quiet: true });
  const token = PERSONAS.fineGrainedNoInference.token;
  const table = await probe({ ...net(hub), token });
  for (const id of ["hub.whoami", "hub.model-info", "hub.private-repos"]) {
    assert.equal(row(table, id).verdict, "ok", `${id}: ${row(table, id).reason}`);
  }
  for (
    const id of [
      "inference.chat",
      "inference.text-classification",
      "inference.token-classification",
      "inference.feature-extraction",
    ]
  ) {
    const r = row(table, id);
    expectFailed(
      r,
      "missing-inference-permission",
      /Make calls to Inference Providers/,
      /settings\/tokens/,
      403,
    );
    assert.equal(r.prediction?.outcome, "fail");
    assert.match(r.prediction!.reason, /Make calls to Inference Providers/);
  }
  assert.equal(row(table, "hub.write").verdict, "predicted-fail");
  assert.ok(row(table, "hub.write").inferred);
  assert.match(
    table.summary,
    /inference blocked by a missing permission \(Make calls to Inference Providers\)/,
  );
  for (const id of ["legacy.gpt2", "legacy.dialogpt"]) {
    expectFailed(
      row(table, id),
      "legacy-model",
      /not your token's fault/,
      /inference_provider=all/,
    );
    assert.ok(row(table, id).legacy);
  }
  assertNoToken(table, token);
});

Deno.test("read token: inference works, legacy checks explained, write predicted to fail", async () => {
  await using hub = startSandbox({ quiet: true });
  const token = PERSONAS.read.token;
  const table = await probe({
    ...net(hub),
    token,
    probes: [{ task: "chatCompletion", model: "sandbox/tiny-chat", name: "Chat (sandbox)" }],
  });
  for (
    const id of [
      "hub.whoami",
      "inference.text-classification",
      "inference.token-classification",
      "inference.feature-extraction",
      "custom.chatCompletion.sandbox/tiny-chat",
    ]
  ) {
    const r = row(table, id);
    assert.equal(r.verdict, "ok", `${id}: ${r.reason}`);
    assert.equal(r.prediction?.outcome, "ok");
  }
  assert.match(row(table, "inference.feature-extraction").reason!, /384-dim/);
  assert.equal(row(table, "inference.text-classification").provider, "auto → hf-inference");
  const write = row(table, "hub.write");
  assert.equal(write.verdict, "predicted-fail");
  assert.match(write.reason!, /read token cannot push/);
  assertNoToken(table, token);
});

Deno.test("revoked and expired tokens: every call 401 invalid, predicted", async () => {
  await using hub = startSandbox({ quiet: true });
  for (const persona of [PERSONAS.revoked, PERSONAS.expired]) {
    const table = await probe({
      ...net(hub),
      token: persona.token,
      only: ["hub", "inference.chat"],
    });
    for (const r of table.rows.filter((r) => !r.inferred)) {
      assert.equal(r.verdict, "failed", r.id);
      assert.ok(["invalid-token", "expired-token"].includes(r.code!), `${r.id}: ${r.code}`);
      assert.match(r.reason!, /401/);
      assert.match(r.fix!, /settings\/tokens/);
      assert.equal(r.prediction?.outcome, "fail");
    }
    assertNoToken(table, persona.token);
  }
});

const gatedEntry = (target: string): SuiteProbe => ({ ...entry("hub.gated"), target });

Deno.test("gated model: terms not accepted → link to the model page; accepted → ok", async () => {
  await using hub = startSandbox({ quiet: true });
  const suite = [gatedEntry("sandbox/gated-model")];
  const read = await probe({ ...net(hub), token: PERSONAS.read.token, suite });
  expectFailed(
    row(read, "hub.gated"),
    "gated-model",
    /sandbox\/gated-model is gated/,
    new RegExp(`${hub.url}/sandbox/gated-model`.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")),
    403,
  );
  const fg = await probe({ ...net(hub), token: PERSONAS.fineGrainedNoInference.token, suite });
  expectFailed(
    row(fg, "hub.gated"),
    "missing-gated-permission",
    /Read access to contents of all public gated repos/,
    /settings\/tokens/,
    403,
  );
  assert.equal(row(fg, "hub.gated").prediction?.outcome, "fail");
  const pro = await probe({ ...net(hub), token: PERSONAS.pro.token, suite });
  assert.equal(row(pro, "hub.gated").verdict, "ok", row(pro, "hub.gated").reason);
});

Deno.test("private or missing repo: 404 repo-not-found", async () => {
  await using hub = startSandbox({ quiet: true });
  const suite: SuiteProbe[] = [
    { ...entry("hub.model-info"), id: "hub.private", target: "sandbox/private-model" },
    { ...entry("hub.model-info"), id: "hub.missing", target: "nobody/nothing" },
  ];
  const table = await probe({ ...net(hub), token: PERSONAS.xss.token, suite });
  for (const id of ["hub.private", "hub.missing"]) {
    expectFailed(row(table, id), "repo-not-found", /not found \(404\)/, /Check the id/, 404);
  }
  // Alice is a member of the owning org: she sees it.
  const alice = await probe({ ...net(hub), token: PERSONAS.read.token, suite: suite.slice(0, 1) });
  assert.equal(row(alice, "hub.private").verdict, "ok");
});

Deno.test("models no provider serves, or not the chosen provider, or for another task", async () => {
  await using hub = startSandbox({ quiet: true });
  const table = await probe({
    ...net(hub),
    token: PERSONAS.read.token,
    suite: [],
    probes: [
      { task: "textGeneration", model: "openai-community/gpt2", id: "custom.gpt2" },
      {
        task: "textClassification",
        model: "sandbox/provider-only",
        provider: "hf-inference",
        id: "custom.po",
      },
      {
        task: "textGeneration",
        model: "sandbox/tiny-chat",
        provider: "hf-inference",
        id: "custom.task",
      },
    ],
  });
  expectFailed(
    row(table, "custom.gpt2"),
    "no-provider",
    /served by no Inference Provider/,
    /inference_provider=all/,
  );
  expectFailed(
    row(table, "custom.po"),
    "provider-not-serving",
    /not served by the provider "hf-inference"/,
    /auto/,
  );
  expectFailed(
    row(table, "custom.task"),
    "unsupported-task",
    /for conversational, not text-generation/,
    /chatCompletion/,
  );
});

Deno.test("rate limit: 429 with Retry-After seconds", async () => {
  await using hub = startSandbox({ quiet: true });
  const token = PERSONAS.rateLimited.token;
  const table = await probe({ ...net(hub), token, only: ["hub.whoami", "inference.chat"] });
  for (const r of table.rows) {
    // The Hub's 429 and the router's 429 are told apart (the router's is the provider's throttle).
    const code = r.id === "hub.whoami" ? "rate-limited" : "provider-rate-limited";
    expectFailed(r, code, /429.*retry after 7 s/, /Wait 7 s/, 429);
  }
  assert.match(table.summary, /rate limited/);
});

Deno.test("model loading: 503 with estimated_time", async () => {
  await using hub = startSandbox({ quiet: true });
  const table = await probe({
    ...net(hub),
    token: PERSONAS.read.token,
    suite: [],
    probes: [{ task: "textClassification", model: "sandbox/loading-model", id: "custom.loading" }],
  });
  expectFailed(
    row(table, "custom.loading"),
    "model-loading",
    /loading \(503\); ready in about 20 s/,
    /Retry in 20 s/,
    503,
  );
});

Deno.test("server errors, HTML pages, truncated JSON, resets from the router", async () => {
  const cases: [string, string, RegExp, number | undefined][] = [
    ["500", "server-error", /answered 500/, 500],
    ["502", "server-error", /answered 502/, 502],
    ["html-error", "unexpected-response", /HTML page instead of JSON/, 502],
    ["truncated-json", "unexpected-response", /not valid JSON/, undefined],
    ["reset", "connection-failed", /closed the connection/, undefined],
  ];
  for (const [fault, code, reason, status] of cases) {
    await using hub = startSandbox({ quiet: true });
    hub.setFault({ match: { origin: "router" }, fault });
    const table = await probe({
      ...net(hub),
      token: PERSONAS.read.token,
      only: ["inference.text-classification"],
    });
    const r = row(table, "inference.text-classification");
    assert.equal(r.code, code, `${fault}: ${r.code} ${r.reason}`);
    assert.match(r.reason!, reason);
    assert.ok(r.fix && r.fix.length > 10);
    if (status !== undefined) assert.equal(r.status, status, fault);
  }
});

Deno.test("wrong JSON shape from a provider → unexpected-response", async () => {
  await using hub = startSandbox({ quiet: true });
  const fetcher: typeof fetch = async (input, init) => {
    const req = new Request(input, init);
    if (req.url.startsWith(hub.inferenceUrl)) return Response.json({ surprise: true });
    return await fetch(req);
  };
  const table = await probe({
    ...net(hub),
    fetch: fetcher,
    token: PERSONAS.read.token,
    only: ["inference.text-classification"],
  });
  expectFailed(
    row(table, "inference.text-classification"),
    "unexpected-response",
    /unexpected shape/,
    /Retry/,
  );
});

Deno.test("offline: connection refused", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const url = `http://127.0.0.1:${port}`;
  const table = await probe({
    hubUrl: url,
    inferenceUrl: url,
    env: {},
    display: false,
    token: PERSONAS.read.token,
    only: ["hub.model-info", "inference.chat"],
  });
  for (const r of table.rows) {
    expectFailed(r, "offline", /connection refused/, /network/);
  }
});

Deno.test({
  name: "a hung endpoint finishes at its own timeout; the others are unaffected",
  async fn() {
    await using hub = startSandbox({ quiet: true });
    hub.setFault({ match: { path: "/api/models/distilbert" }, fault: "hang" });
    const table = await probe({
      ...net(hub),
      token: PERSONAS.read.token,
      timeoutMs: 400,
      only: ["hub.whoami", "hub.model-info"],
    });
    expectFailed(row(table, "hub.model-info"), "timeout", /within 400 ms/, /timeoutMs/);
    assert.equal(row(table, "hub.whoami").verdict, "ok");
  },
});

Deno.test("the caller's signal cancels probe()", async () => {
  await using hub = startSandbox({ quiet: true });
  hub.setFault({ match: { origin: "router" }, fault: "hang" });
  const controller = new AbortController();
  const rows: ProbeRow[] = [];
  const running = probe({
    ...net(hub),
    token: PERSONAS.read.token,
    signal: controller.signal,
    only: ["hub.whoami", "inference.chat"],
    onRow: (r) => {
      rows.push(r);
      if (r.id === "hub.whoami") controller.abort();
    },
  });
  await assert.rejects(running, (e: unknown) => (e as Error).name === "AbortError");
  const chat = rows.find((r) => r.id === "inference.chat");
  assert.equal(chat?.code, "cancelled");
});

Deno.test("dryRun makes zero requests and says what it would call", async () => {
  await using hub = startSandbox({ quiet: true });
  const table = await probe({ ...net(hub), token: PERSONAS.read.token, dryRun: true });
  assert.equal(hub.requests.length, 0);
  assert.equal(table.rows.length, DEFAULT_SUITE.length);
  for (const r of table.rows) {
    assert.equal(r.verdict, "skipped");
    assert.match(r.reason!, /^dry run: would call /);
  }
  assert.match(
    row(table, "hub.whoami").reason!,
    new RegExp(`GET ${hub.url}/api/whoami-v2`.replace(/[.?/]/g, "\\$&")),
  );
  assert.match(table.summary, /^Dry run/);
});

Deno.test("only / skip select by id or id prefix", async () => {
  const base = { token: PERSONAS.read.token, dryRun: true, env: {} };
  const hubOnly = await probe({ ...base, only: ["hub"] });
  assert.deepEqual(
    hubOnly.rows.map((r) => r.id),
    DEFAULT_SUITE.filter((p) => p.id.startsWith("hub.")).map((p) => p.id),
  );
  const noLegacy = await probe({ ...base, skip: ["legacy", "hub.write"] });
  assert.ok(noLegacy.rows.every((r) => !r.legacy && r.id !== "hub.write"));
  assert.equal(noLegacy.rows.length, DEFAULT_SUITE.length - 3);
});

Deno.test("custom probes: data entries and functions", async () => {
  await using hub = startSandbox({ quiet: true });
  const seen: string[] = [];
  async function myHubCheck(ctx: import("../mod.ts").ProbeContext) {
    const v = await ctx.validation();
    seen.push(v?.identity?.name ?? "?");
    const res = await ctx.fetch(`${ctx.hubUrl}/api/models/dslim/bert-base-NER`, {
      headers: { Authorization: `Bearer ${ctx.token}` },
    });
    await res.body?.cancel();
    return { ok: res.ok, status: res.status, reason: "read NER model info" };
  }
  const failing = async (ctx: import("../mod.ts").ProbeContext) => {
    const res = await ctx.fetch(`${ctx.hubUrl}/api/models/nobody/nothing`);
    await res.body?.cancel();
    return { ok: false, status: res.status };
  };
  const table = await probe({
    ...net(hub),
    token: PERSONAS.read.token,
    suite: [],
    probes: [
      { task: "tokenClassification", model: "dslim/bert-base-NER", name: "My NER" },
      myHubCheck,
      failing,
    ],
  });
  assert.deepEqual(table.rows.map((r) => r.id), [
    "custom.tokenClassification.dslim/bert-base-NER",
    "custom.myHubCheck",
    "custom.failing",
  ]);
  assert.equal(table.rows[0].verdict, "ok");
  assert.equal(table.rows[0].capability, "My NER");
  assert.equal(table.rows[1].verdict, "ok");
  assert.equal(table.rows[1].reason, "read NER model info");
  assert.deepEqual(seen, ["sandbox-alice"]);
  // Fetched without a token: the Hub's anonymous 401 "Invalid username or password."
  expectFailed(table.rows[2], "repo-not-visible", /does not exist/, /Check the id/);
});

Deno.test("concurrency bound is respected (max in flight counted by an injected fetch)", async () => {
  await using hub = startSandbox({ quiet: true });
  for (const limit of [1, 2, 6]) {
    let inFlight = 0;
    let max = 0;
    const counting: typeof fetch = async (input, init) => {
      inFlight++;
      max = Math.max(max, inFlight);
      try {
        await new Promise((r) => setTimeout(r, 5));
        return await fetch(new Request(input, init));
      } finally {
        inFlight--;
      }
    };
    const table = await probe({
      ...net(hub),
      fetch: counting,
      token: PERSONAS.read.token,
      concurrency: limit,
    });
    assert.ok(max <= limit, `max in flight ${max} > ${limit}`);
    assert.ok(max >= 1);
    assert.equal(table.counts.pending, 0);
  }
});

Deno.test("onRow is called once per row, with the table", async () => {
  await using hub = startSandbox({ quiet: true });
  const calls = new Map<string, number>();
  let tableSeen: ProbeTable | undefined;
  const table = await probe({
    ...net(hub),
    token: PERSONAS.read.token,
    onRow: (r, t) => {
      calls.set(r.id, (calls.get(r.id) ?? 0) + 1);
      assert.notEqual(r.verdict, "pending");
      tableSeen = t;
    },
  });
  assert.equal(tableSeen, table);
  assert.deepEqual([...calls.keys()].sort(), table.rows.map((r) => r.id).sort());
  assert.ok([...calls.values()].every((n) => n === 1));
});

Deno.test("no output contains the token, and HTML escapes network strings", async () => {
  await using hub = startSandbox({ quiet: true });
  const token = PERSONAS.xss.token;
  const table = await probe({ ...net(hub), token });
  assertNoToken(table, token);
  const evil = renderProbeTableHtml({
    ...table.toJSON(),
    rows: [{
      ...table.rows[0],
      target: "<img src=x onerror=alert(1)>",
      reason: "<script>x</script>",
    }],
  });
  assert.ok(!evil.includes("<img src=x") && !evil.includes("<script>x"));
  assert.ok(evil.includes("&lt;img src=x"));
  for (const fault of ["500", "html-error"]) {
    await using h = startSandbox({ quiet: true });
    h.setFault({ fault });
    assertNoToken(await probe({ ...net(h), token: PERSONAS.read.token }), PERSONAS.read.token);
  }
});
