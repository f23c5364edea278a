/**
 * Your own calls explained (issue 18): every recorded answer to a user's own call
 * (tests/fixtures/real_responses/calls_*.json, `expect.via: "call"`) replayed through the REAL
 * `@huggingface/inference` / `@huggingface/hub` clients at the sandbox, diagnosed to its class
 * by `explain()` (plain clients) and by `inferenceClient()` / `hubCredentials()` (HfCallError),
 * with none blaming the token for what is not its fault; the bounded retries and stream errors
 * against the sandbox (sleep injected, nothing timed); and explain() on bad input.
 */

import assert from "node:assert/strict";
import {
  clearToken,
  Diagnosis,
  explain,
  HfCallError,
  hubCredentials,
  inferenceClient,
} from "../mod.ts";
import type { RetryWait } from "../src/calls/mod.ts";
import { PERSONAS, type Sandbox, startSandbox } from "../src/sandbox/mod.ts";
import { FAILURE_CLASSES } from "../src/_failure_classes.ts";
import { type CallExpect, loadRealResponses } from "./_real_responses.ts";
import { type Clients, faultMatch, plainClients, runCall as run } from "./_call_driver.ts";

const CALLS = (await loadRealResponses()).filter((f) =>
  (f.expect as { via: string }).via === "call"
);
const WRITE = PERSONAS.write.token;
const READ = PERSONAS.read.token;

function wrappedClients(hub: Sandbox, token: string, sleeps: number[] = []): Clients {
  const common = { token, hubUrl: hub.url, inferenceUrl: hub.inferenceUrl, env: {} };
  return {
    inference: (call) =>
      inferenceClient({
        ...common,
        showWaits: false,
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
        ...(call.endpointUrl ? { endpointUrl: `${hub.inferenceUrl}/endpoint/sandbox` } : {}),
      }),
    hub: () => hubCredentials(common),
  };
}

/** No text of a diagnosis contains the token. */
function assertNoToken(d: Diagnosis, token: string) {
  for (const out of [d.toString(), d.toHtml(), JSON.stringify(d)]) {
    assert.ok(!out.includes(token), out);
  }
}

assert.ok(CALLS.length >= 18, `only ${CALLS.length} call fixtures`);

for (const f of CALLS) {
  const expect = f.expect as unknown as CallExpect;
  const call = expect.call;
  Deno.test(`explain() and the wrapped clients diagnose ${f.id} as ${expect.code}`, async () => {
    clearToken();
    await using hub = startSandbox({ quiet: true });
    // The Space 401 is what a browser-login (OAuth) token meets.
    const token = expect.fault === "401-space-oauth" ? hub.issueOAuthToken().access_token : WRITE;
    hub.setFault({ match: faultMatch(call), fault: expect.fault as never });

    // 1. The raw client's error, explained.
    const plain = await run(hub, call, plainClients(hub, token));
    assert.ok(plain.error, `${f.id}: the plain call did not fail`);
    const d = await explain(plain.error, { token });
    assert.ok(d instanceof Diagnosis);
    assert.equal(d.code, expect.code, `${f.id} explain(): ${d.reason}`);
    assert.equal(d.tokenFault, expect.tokenFault, `${f.id} explain(): blame`);
    assert.equal(d.title, FAILURE_CLASSES[expect.code].title);
    assertNoToken(d, token);

    // 2. The same call through inferenceClient() / hubCredentials().
    const wrapped = await run(hub, call, wrappedClients(hub, token));
    if (call.method === "fetch") {
      // A hand-written fetch with hubCredentials(): explain() finds the recorded answer.
      const w = await explain(wrapped.error, { token });
      assert.equal(w.code, expect.code, `${f.id} hubCredentials(): ${w.reason}`);
      assert.equal(w.tokenFault, expect.tokenFault);
      return;
    }
    if (call.client === "inference") {
      assert.ok(wrapped.error instanceof HfCallError, `${f.id}: ${wrapped.error}`);
      assert.equal(wrapped.error.diagnosis.code, expect.code, wrapped.error.message);
      assert.equal(wrapped.error.diagnosis.tokenFault, expect.tokenFault);
      assert.ok(!wrapped.error.message.includes(token));
      assert.equal(await explain(wrapped.error), wrapped.error.diagnosis);
      if (call.method.endsWith("Stream")) assert.equal(wrapped.chunks, 2, "the chunks before it");
    } else {
      const w = await explain(wrapped.error, { token });
      assert.equal(w.code, expect.code, `${f.id} hubCredentials(): ${w.reason}`);
      assert.equal(w.tokenFault, expect.tokenFault);
    }
  });
}

const CHAT = {
  model: "meta-llama/Llama-3.1-8B-Instruct",
  messages: [{ role: "user" as const, content: "hi" }],
};

async function client(
  hub: Sandbox,
  extra: { maxRetries?: number; maxWaitSeconds?: number } = {},
) {
  const sleeps: number[] = [];
  const waits: RetryWait[] = [];
  const c = await inferenceClient({
    token: READ,
    hubUrl: hub.url,
    inferenceUrl: hub.inferenceUrl,
    env: {},
    showWaits: false,
    onWait: (w) => waits.push(w),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...extra,
  });
  return { c, sleeps, waits };
}

const routerCalls = (hub: Sandbox) => hub.requests.filter((r) => r.path.startsWith("/v1/")).length;

Deno.test("a 429 whose Retry-After fits maxWaitSeconds is waited out once, then succeeds", async () => {
  await using hub = startSandbox({ quiet: true });
  hub.setFault({ match: { origin: "router" }, fault: "429", times: 1 });
  const { c, sleeps, waits } = await client(hub);
  const out = await c.chatCompletion(CHAT);
  assert.ok(out.choices.length > 0);
  assert.deepEqual(sleeps, [7_000]);
  assert.equal(waits.length, 1);
  assert.equal(waits[0].diagnosis.status, 429);
  assert.equal(waits[0].attempt, 1);
  assert.equal(routerCalls(hub), 2);
});

Deno.test("a 429 asking for more than maxWaitSeconds is not retried", async () => {
  await using hub = startSandbox({ quiet: true });
  hub.setFault({ match: { origin: "router" }, fault: "429", times: 1 });
  const { c, sleeps } = await client(hub, { maxWaitSeconds: 5 });
  const error = await c.chatCompletion(CHAT).catch((e) => e);
  assert.ok(error instanceof HfCallError);
  assert.equal(error.diagnosis.status, 429);
  assert.equal(error.diagnosis.tokenFault, false);
  assert.deepEqual(sleeps, []);
  assert.equal(routerCalls(hub), 1);
});

Deno.test("a 503 loop ends after maxRetries; huggingface.js's own 503 recursion is off", async () => {
  await using hub = startSandbox({ quiet: true });
  hub.setFault({ match: { origin: "router" }, fault: "503-loading" });
  const { c, sleeps } = await client(hub);
  const error = await c.chatCompletion(CHAT).catch((e) => e);
  assert.ok(error instanceof HfCallError);
  assert.equal(error.diagnosis.code, "model-loading");
  assert.deepEqual(sleeps, [20_000, 20_000]);
  assert.equal(routerCalls(hub), 3);
});

Deno.test("no other status is retried (500, 402)", async () => {
  for (const fault of ["500", "402-credits"] as const) {
    await using hub = startSandbox({ quiet: true });
    hub.setFault({ match: { origin: "router" }, fault });
    const { c, sleeps } = await client(hub);
    const error = await c.chatCompletion(CHAT).catch((e) => e);
    assert.ok(error instanceof HfCallError, fault);
    assert.deepEqual(sleeps, [], fault);
    assert.equal(routerCalls(hub), 1, fault);
    assert.equal(error.cause instanceof Error, true);
  }
});

Deno.test("a stream's error event becomes an HfCallError after the chunks already yielded", async () => {
  await using hub = startSandbox({ quiet: true });
  hub.setFault({ match: { origin: "router" }, fault: "stream-error-tgi" as never });
  const { c, sleeps } = await client(hub);
  let chunks = 0;
  const error = await (async () => {
    for await (
      const _ of c.chatCompletionStream({
        ...CHAT,
        model: "sandbox/tiny-chat",
        provider: "hf-inference",
      })
    ) chunks++;
  })().catch((e) => e);
  assert.ok(error instanceof HfCallError, String(error));
  assert.equal(error.diagnosis.code, "invalid-request");
  assert.equal(error.diagnosis.status, 422);
  assert.equal(chunks, 2);
  assert.deepEqual(sleeps, []);
});

Deno.test("a successful call through inferenceClient() sends no extra request", async () => {
  await using hub = startSandbox({ quiet: true });
  const { c } = await client(hub);
  await c.chatCompletion(CHAT);
  const wrapped = hub.requests.length;
  const plain = await plainClients(hub, READ).inference({ client: "inference", method: "x" });
  await plain.chatCompletion(CHAT);
  assert.equal(hub.requests.length - wrapped, wrapped);
});

Deno.test("explain() never throws and never shows the token, on any input", async () => {
  const token = "hf_sandbox_read_alice";
  const big = "<html><body>" + "x".repeat(5 * 1024 * 1024) + "</body></html>";
  const used = new Response('{"error":"gone"}', { status: 500 });
  await used.text();
  const inputs: unknown[] = [
    undefined,
    null,
    "a string",
    42,
    {},
    { error: { message: `echo ${token}`, http_status_code: 429 } },
    new TypeError("error sending request for url (https://x): connection refused"),
    new Response(big, { status: 502, headers: { "content-type": "text/html" } }),
    new Response(`{"error":"\x1b]52;c;aGk=\x07 <script>x</script> ${token}"}`, {
      status: 400,
      headers: { "content-type": "application/json", "x-request-id": `id-${token}` },
    }),
    used,
    Object.assign(new Error("boom"), {
      statusCode: 500,
      url: "https://huggingface.co/api/x",
      data: big,
    }),
    Object.assign(new Error("InputError"), { name: "InputError" }),
  ];
  for (const input of inputs) {
    const d = await explain(input, { token });
    assert.ok(d instanceof Diagnosis);
    assert.ok(d.code in FAILURE_CLASSES, d.code);
    const text = d.toString();
    assert.ok(!text.includes("\x1b"), text);
    assert.ok(!d.toHtml().includes("<script>"));
    assertNoToken(d, token);
    assert.ok(JSON.stringify(d).length < 8_000, `bounded: ${JSON.stringify(d).length}`);
    const json = d.toJSON();
    for (const key of ["code", "title", "reason", "fix", "tokenFault"] as const) {
      assert.ok(key in json, key);
    }
  }
  assert.equal((await explain(new Response(big, { status: 502 }))).code, "response-too-large");
  assert.equal((await explain(used)).status, 500);
  assert.equal(
    (await explain(Object.assign(new Error("x"), { name: "InputError" }))).code,
    "invalid-input",
  );
  const refused = await explain(
    new TypeError("error sending request: Connection refused (os error 111)"),
  );
  assert.equal(refused.code, "offline");
});

Deno.test("the client's own errors: a mapping lookup's HubApiError, an InputError before any request", async () => {
  await using hub = startSandbox({ quiet: true });
  const plain = await plainClients(hub, READ).inference({ client: "inference", method: "x" });
  const lookup = await plain.chatCompletion({
    model: "sandbox-alice/no-such-model",
    provider: "hf-inference",
    messages: [{ role: "user", content: "hi" }],
  }).catch((e) => e);
  assert.equal(lookup?.name, "HubApiError", String(lookup));
  const d = await explain(lookup, { token: READ });
  assert.ok(["repo-not-found", "model-not-found"].includes(d.code), `${d.code}: ${d.reason}`);
  assert.equal(d.tokenFault, false);
  const input = await plain.chatCompletion({
    model: "sandbox/tiny-chat",
    provider: "no-such-provider" as never,
    messages: [],
  }).catch((e) => e);
  const i = await explain(input, { token: READ });
  assert.equal(i.code, "invalid-input", `${input}`);
  assert.equal(i.tokenFault, false);
});

Deno.test("every failure class has its own wording in the one table", async () => {
  const { WORDING } = await import("../src/hub/_failure_wording.ts");
  const keys = Object.keys(WORDING).map((k) => k.split(":")[0]);
  for (const code of Object.keys(FAILURE_CLASSES)) assert.ok(keys.includes(code), code);
  for (const key of keys) assert.ok(key in FAILURE_CLASSES, `${key}: not a failure class`);
});

Deno.test("hubCredentials() prints and serialises the token masked, spreads it whole", async () => {
  await using hub = startSandbox({ quiet: true });
  const creds = await hubCredentials({ token: READ, hubUrl: hub.url, env: {} });
  assert.ok(!Deno.inspect(creds).includes(READ), Deno.inspect(creds));
  assert.ok(!JSON.stringify(creds).includes(READ));
  assert.equal({ ...creds }.accessToken, READ);
  assert.deepEqual(Object.keys({ ...creds }).sort(), ["accessToken", "fetch", "hubUrl"]);
});

Deno.test("explain() uses the session's cached validation, without a new whoami", async () => {
  clearToken();
  await using hub = startSandbox({ quiet: true });
  const token = PERSONAS.fineGrainedNoInference.token;
  const forbidden = () =>
    new Response('{"error":"Forbidden"}', {
      status: 403,
      headers: { "content-type": "application/json" },
    });
  // Nothing cached: a router 403 cannot be pinned on a missing permission.
  assert.equal((await explain(forbidden(), { token })).code, "inference-forbidden");
  const { whoami } = await import("../mod.ts");
  await whoami({ token, hubUrl: hub.url, env: {} });
  const before = hub.requests.length;
  const d = await explain(forbidden(), { token });
  assert.equal(d.code, "missing-inference-permission");
  assert.equal(d.tokenFault, true);
  assert.equal(hub.requests.length, before, "no request");
});
