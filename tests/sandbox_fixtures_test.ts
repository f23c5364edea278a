/**
 * Every recorded-answer fault of the sandbox answers in the shape of the real answer it
 * reproduces (tests/fixtures/real_responses): status, content type, the error-signal
 * header names and the JSON body's keys.
 */

import assert from "node:assert/strict";
import { startSandbox } from "../src/sandbox/mod.ts";
import {
  RECORDED_FAULT_NAMES,
  RECORDED_FAULTS,
  type RecordedFaultName,
} from "../src/sandbox/_recorded.ts";
import { CALL_FAULT_NAMES, FAULT_NAMES, parseFault } from "../src/sandbox/faults.ts";
import { type CallExpect, type CallSpec, loadRealResponses } from "./_real_responses.ts";

const FIXTURES = new Map((await loadRealResponses()).map((f) => [f.id, f]));

/** Faults reproducing answers to a user's own calls (fixtures with `expect.via: "call"`). */
const CALL_FAULTS = RECORDED_FAULT_NAMES.filter((name) =>
  (FIXTURES.get(RECORDED_FAULTS[name].fixture)?.expect as { via?: string })?.via === "call"
);
/** The recorded faults of the module's own calls (whoami, probes). */
const PROBE_FAULTS = RECORDED_FAULT_NAMES.filter((name) => !CALL_FAULTS.includes(name));

/** Headers the diagnosis reads: their presence must match the recording. */
const SIGNALS = [
  "x-error-code",
  "x-error-message",
  "www-authenticate",
  "retry-after",
  "ratelimit",
  "ratelimit-policy",
];

/** Deliberate differences from the cited fixture, each with its reason. */
const DEVIATIONS: Partial<Record<string, { status?: number; reason: string }>> = {
  "v1-model-not-found": {
    status: 404,
    reason: "the /v1 envelope is the recorded one; no model_not_found answer was recorded",
  },
};

const HUB_FAULTS = new Set([
  "gated-login",
  "gated-awaiting-review",
  "gated-rejected",
  "gated-reset",
  "429-hub",
]);

function mediaType(value: string | null | undefined): string {
  return (value ?? "").split(";")[0].trim().toLowerCase();
}

function keys(value: unknown): string[] {
  if (!value || typeof value !== "object" || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
    k,
    ...keys(v).map((inner) => `${k}.${inner}`),
  ]).sort();
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

Deno.test("every recorded fault is a sandbox fault and cites an existing fixture", () => {
  for (const name of RECORDED_FAULT_NAMES) {
    // The module's own endpoints' faults are FAULT_NAMES (also tried on whoami-v2); the
    // faults for a user's own calls are CALL_FAULT_NAMES. parseFault accepts both.
    const listed = CALL_FAULTS.includes(name)
      ? (CALL_FAULT_NAMES as readonly string[]).includes(name)
      : (FAULT_NAMES as readonly string[]).includes(name);
    assert.ok(listed, name);
    assert.equal(parseFault(name).kind, name);
    assert.ok(FIXTURES.has(RECORDED_FAULTS[name].fixture), `${name}: unknown fixture`);
  }
});

for (const name of PROBE_FAULTS) {
  Deno.test(`sandbox fault ${name} answers like ${RECORDED_FAULTS[name].fixture}`, async () => {
    const fixture = FIXTURES.get(RECORDED_FAULTS[name].fixture)!;
    await using hub = startSandbox({ quiet: true });
    const res = HUB_FAULTS.has(name)
      ? await fetch(`${hub.url}/api/models/sandbox/gated-model/auth-check`, {
        headers: { "x-sandbox-fault": name, authorization: "Bearer hf_sandbox_read_alice" },
      })
      : await fetch(
        `${hub.inferenceUrl}/hf-inference/models/sandbox/tiny-chat/v1/chat/completions`,
        {
          method: "POST",
          headers: {
            "x-sandbox-fault": name,
            authorization: "Bearer hf_sandbox_read_alice",
            "content-type": "application/json",
          },
          body: JSON.stringify({ model: "sandbox/tiny-chat", messages: [] }),
        },
      );
    const text = await res.text();
    const deviation = DEVIATIONS[name];
    assert.equal(res.status, deviation?.status ?? fixture.response.status, `${name}: status`);
    assert.equal(
      mediaType(res.headers.get("content-type")),
      mediaType(fixture.response.headers["content-type"]),
      `${name}: content type`,
    );
    for (const header of SIGNALS) {
      assert.equal(
        res.headers.has(header),
        header in fixture.response.headers,
        `${name}: header ${header} ${res.headers.has(header) ? "extra" : "missing"}`,
      );
    }
    assertBodyShape(name, fixture, res, text);
  });
}

/** Compares an answer of the sandbox's normal routes with a recording: status, type, signals, keys. */
async function assertShape(res: Response, fixtureId: string, label: string): Promise<void> {
  const fixture = FIXTURES.get(fixtureId)!;
  const text = await res.text();
  assert.equal(res.status, fixture.response.status, `${label}: status`);
  assert.equal(
    mediaType(res.headers.get("content-type")),
    mediaType(fixture.response.headers["content-type"]),
    `${label}: content type`,
  );
  for (const header of SIGNALS) {
    assert.equal(
      res.headers.has(header),
      header in fixture.response.headers,
      `${label}: ${header}`,
    );
  }
  const want = parse(fixture.response.body);
  if (want !== undefined) assert.deepEqual(keys(parse(text)), keys(want), `${label}: body keys`);
}

Deno.test("personas and routes answer in the recorded shapes", async () => {
  await using hub = startSandbox({ quiet: true });
  const get = (path: string, token?: string) =>
    fetch(`${hub.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  // whoami-v2 of a classic token: the recorded user body (orgs and token details vary).
  const recorded = JSON.parse(FIXTURES.get("whoami-write-token-2025")!.response.body);
  for (const token of ["hf_sandbox_write_alice", "hf_sandbox_read_alice"]) {
    const res = await get("/api/whoami-v2", token);
    const body = await res.json();
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(body).sort(), Object.keys(recorded).sort(), token);
    assert.deepEqual(Object.keys(body.auth).sort(), Object.keys(recorded.auth).sort());
    assert.deepEqual(
      Object.keys(body.auth.accessToken).sort(),
      Object.keys(recorded.auth.accessToken).sort(),
    );
  }
  await assertShape(
    await get("/api/whoami-v2", "hf_sandbox_revoked_alice"),
    "whoami-invalid-token-2025",
    "revoked",
  );
  await assertShape(
    await get("/api/models/sandbox/private-model"),
    // the fully recorded anonymous 401 (all headers kept)
    "hf-inference-401-invalid-username-or-password-2025",
    "anonymous private",
  );
  await assertShape(
    await get("/api/models/sandbox/private-model", "hf_sandbox_fineGrainedOrg_alice"),
    "model-info-not-found-authenticated-404",
    "hidden private",
  );
  await assertShape(
    await get("/api/models/sandbox/gated-model/auth-check", "hf_sandbox_read_alice"),
    "model-info-gated-403",
    "gated, terms not accepted",
  );
  await assertShape(
    await get("/api/models/sandbox/gated-model/auth-check"),
    "auth-check-gated-401-login-2025",
    "gated, anonymous",
  );
  const post = (path: string, body: unknown) =>
    fetch(`${hub.inferenceUrl}${path}`, {
      method: "POST",
      headers: {
        authorization: "Bearer hf_sandbox_read_alice",
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
  await assertShape(
    await post("/hf-inference/models/nobody/nothing", { inputs: "x" }),
    "hf-inference-model-does-not-exist-2025",
    "hf-inference unknown model",
  );
  await assertShape(
    await post("/together/v1/chat/completions", { model: "nobody/nothing", messages: [] }),
    "together-400-model-not-supported-by-provider-2026",
    "provider does not serve it",
  );
});

/** The class each recorded fault must be diagnosed as, where it differs from its fixture's. */
const CODE_DEVIATIONS: Partial<Record<string, string>> = {
  "gated-reset": "gated-reset", // cites the rejected answer for its shape
  "v1-model-not-found": "model-not-found", // cites the model_not_supported envelope
  "429-hub": "rate-limited", // the fixture is a whoami answer (its code is the whoami one)
};

Deno.test("every recorded fault is diagnosed by probe() as its fixture is", async () => {
  const { probe } = await import("../mod.ts");
  const { DEFAULT_SUITE } = await import("../src/probes/mod.ts");
  await using hub = startSandbox({ quiet: true });
  const net = { hubUrl: hub.url, inferenceUrl: hub.inferenceUrl, env: {}, display: false as const };
  const gatedSuite = DEFAULT_SUITE.filter((p) => p.id === "hub.gated").map((p) => ({
    ...p,
    target: "sandbox/gated-model",
  }));
  for (const name of PROBE_FAULTS) {
    const fixture = FIXTURES.get(RECORDED_FAULTS[name].fixture)!;
    const want = CODE_DEVIATIONS[name] ?? fixture.expect.code;
    hub.clearFaults();
    const onHub = HUB_FAULTS.has(name);
    hub.setFault({
      fault: name,
      match: onHub ? { path: "/api/models/sandbox/gated-model/auth-check" } : { origin: "router" },
    });
    const table = await probe({
      ...net,
      token: "hf_sandbox_read_alice",
      refresh: true,
      ...(onHub ? { suite: gatedSuite } : {
        suite: [],
        probes: [{
          task: "chatCompletion",
          model: "sandbox/tiny-chat",
          // the /v1 envelope comes from the router's own routing (provider "auto")
          provider: name.startsWith("v1-") ? "auto" : "hf-inference",
        }],
      }),
    });
    const row = table.rows[table.rows.length - 1];
    assert.equal(row.code, want, `${name}: ${row.code} ${row.reason}`);
  }
});

// ---------------------------------------------------------------------------
// A user's own calls: every fixture with `expect.via: "call"` has its fault, and the
// fault answers in the fixture's shape (status, content type, signal headers, body keys,
// and for streams the SSE framing and the error event's keys).

/** The `data:` payloads of an SSE body, with the prefix each used. */
function sseEvents(text: string): { prefix: string; data: string }[] {
  return text.split(/\n\n/).filter((block) => block.trim() !== "").map((block) => {
    const line = block.split("\n").find((l) => l.startsWith("data:")) ?? "";
    const prefix = line.startsWith("data: ") ? "data: " : "data:";
    return { prefix, data: line.slice(prefix.length) };
  });
}

/** Where the sandbox is asked, for a call fixture: the hub or router path of its call. */
function callRequest(
  hub: { url: string; inferenceUrl: string },
  call: CallSpec,
  fault: string,
): Request {
  const headers = {
    "x-sandbox-fault": fault,
    authorization: "Bearer hf_sandbox_write_alice",
    "content-type": "application/json",
  };
  if (call.client === "hub") {
    const path = call.method === "createRepo"
      ? "/api/repos/create"
      : call.method === "uploadFile"
      ? "/api/models/sandbox/tiny-chat/commit/main"
      : call.method === "pathsInfo"
      ? "/api/models/sandbox/tiny-chat/paths-info/main"
      : call.path!;
    return new Request(`${hub.url}${path}`, {
      method: call.httpMethod ?? "POST",
      headers,
      body: JSON.stringify({ name: "new-repo", organization: "sandbox-labs", type: "model" }),
    });
  }
  const stream = call.method.endsWith("Stream");
  const chat = call.method.startsWith("chat");
  const path = call.endpointUrl
    ? "/"
    : chat
    ? `/hf-inference/models/${call.model}/v1/chat/completions`
    : `/hf-inference/models/${call.model ?? "sandbox/tiny-chat"}`;
  return new Request(`${hub.inferenceUrl}${path}`, {
    method: "POST",
    headers,
    body: JSON.stringify(
      chat
        ? { model: call.model, messages: [{ role: "user", content: "hi" }], stream }
        : { inputs: "hi", ...(stream ? { stream } : {}) },
    ),
  });
}

Deno.test("the call faults are exactly CALL_FAULT_NAMES, outside FAULT_NAMES", () => {
  assert.deepEqual([...CALL_FAULTS].sort(), [...CALL_FAULT_NAMES].sort());
  for (const name of CALL_FAULT_NAMES) {
    assert.ok(!(FAULT_NAMES as readonly string[]).includes(name), name);
  }
});

Deno.test("every call fixture names a sandbox fault that cites it", () => {
  const calls = [...FIXTURES.values()].filter((f) => (f.expect as { via: string }).via === "call");
  assert.ok(calls.length >= 18, `only ${calls.length} call fixtures`);
  for (const f of calls) {
    const fault = (f.expect as unknown as CallExpect).fault as RecordedFaultName;
    assert.ok((RECORDED_FAULT_NAMES as readonly string[]).includes(fault), `${f.id}: ${fault}`);
    assert.equal(RECORDED_FAULTS[fault].fixture, f.id, `${f.id}: ${fault} cites another fixture`);
    const call = f.expect.call as CallSpec;
    assert.ok(call.client === "inference" || call.client === "hub", f.id);
    assert.equal(typeof call.method, "string", f.id);
    assert.equal(typeof f.expect.tokenFault, "boolean", f.id);
  }
  for (const name of CALL_FAULTS) {
    assert.equal(
      (FIXTURES.get(RECORDED_FAULTS[name].fixture)!.expect as unknown as CallExpect).fault,
      name,
      name,
    );
  }
});

for (const name of CALL_FAULTS) {
  Deno.test(`sandbox fault ${name} answers like ${RECORDED_FAULTS[name].fixture}`, async () => {
    const fixture = FIXTURES.get(RECORDED_FAULTS[name].fixture)!;
    await using hub = startSandbox({ quiet: true });
    const res = await fetch(callRequest(hub, fixture.expect.call as CallSpec, name));
    const text = await res.text();
    assert.equal(res.status, fixture.response.status, `${name}: status`);
    assert.equal(
      mediaType(res.headers.get("content-type")),
      mediaType(fixture.response.headers["content-type"]),
      `${name}: content type`,
    );
    for (const header of [...SIGNALS, "ratelimit-remaining", "ratelimit-reset"]) {
      assert.equal(
        res.headers.has(header),
        header in fixture.response.headers,
        `${name}: header ${header} ${res.headers.has(header) ? "extra" : "missing"}`,
      );
    }
    if (mediaType(fixture.response.headers["content-type"]) === "text/event-stream") {
      const want = sseEvents(fixture.response.body);
      const got = sseEvents(text);
      const wantError = want.find((e) => e.data.includes('"error"'))!;
      const gotError = got.find((e) => e.data.includes('"error"'));
      assert.ok(gotError, `${name}: no error event in ${text}`);
      assert.equal(gotError.prefix, wantError.prefix, `${name}: SSE framing`);
      assert.deepEqual(
        keys(parse(gotError.data)),
        keys(parse(wantError.data)),
        `${name}: event keys`,
      );
      assert.equal(gotError.data, wantError.data.replace(/"model":"[^"]*"/, ""), `${name}: event`);
      const afterError = (events: typeof got) =>
        events.slice(events.indexOf(events.find((e) => e.data.includes('"error"'))!) + 1)
          .map((e) => e.data);
      assert.deepEqual(afterError(got), afterError(want), `${name}: what follows the event`);
      // Deliberate difference (see streamThenError): two normal chunks come first.
      const before = got.slice(0, got.indexOf(gotError));
      assert.equal(before.length, 2, `${name}: chunks before the error`);
      for (const chunk of before) assert.ok(parse(chunk.data), `${name}: chunk is JSON`);
      return;
    }
    assertBodyShape(name, fixture, res, text);
  });
}

/** The answer's body has the recording's shape: JSON keys (or not JSON, or empty, alike). */
function assertBodyShape(
  name: string,
  fixture: { response: { body: string } },
  res: Response,
  text: string,
) {
  const want = parse(fixture.response.body);
  const got = parse(text);
  if (want === undefined) {
    assert.equal(got, undefined, `${name}: the recording is not JSON`);
    assert.equal(text === "", fixture.response.body === "", `${name}: empty body`);
  } else {
    assert.deepEqual(keys(got), keys(want), `${name}: body keys`);
  }
  if (res.headers.has("x-error-message") && got && typeof got === "object") {
    // The Hub repeats its sentence in the body.
    assert.equal((got as { error?: string }).error, res.headers.get("x-error-message"));
  }
}
