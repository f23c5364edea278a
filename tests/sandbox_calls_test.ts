/**
 * The recorded answers to a user's own calls (tests/fixtures/real_responses/calls_*.json)
 * reach the REAL `@huggingface/inference` and `@huggingface/hub` clients through the
 * sandbox: each fixture's fault, set with `Sandbox.setFault`, makes the call its fixture
 * names fail (a stream yields its first chunks, then throws); without a fault the same
 * calls succeed.
 */

import { HubApiError } from "@huggingface/hub";
import { InferenceClientProviderApiError } from "@huggingface/inference";
import assert from "node:assert/strict";
import { RECORDED_FAULTS, type RecordedFaultName } from "../src/sandbox/_recorded.ts";
import { PERSONAS, type Sandbox, startSandbox } from "../src/sandbox/mod.ts";
import {
  type CallExpect,
  type CallSpec,
  loadRealResponses,
  type RealResponse,
} from "./_real_responses.ts";
import { faultMatch, plainClients, runCall } from "./_call_driver.ts";

const CALLS = (await loadRealResponses()).filter((f) =>
  (f.expect as { via: string }).via === "call"
);
const WRITE = PERSONAS.write.token;

/** What a call yielded before it failed, and how it failed. */
interface Outcome {
  chunks: number;
  error?: unknown;
}

/** Runs the fixture's call with the real (plain) client against the sandbox. */
function run(hub: Sandbox, call: CallSpec, token = WRITE): Promise<Outcome> {
  return runCall(hub, call, plainClients(hub, token));
}

/** The status the client saw, from whichever error class it threw. */
function statusOf(error: unknown): number | undefined {
  if (error instanceof HubApiError) return error.statusCode;
  const e = error as { httpResponse?: { status?: number }; response?: Response };
  return e?.httpResponse?.status ?? e?.response?.status;
}

/** The error sentence of a stream fixture's error event (old `error: "…"` or new `error.message`). */
function eventMessage(f: RealResponse): string {
  const line = f.response.body.split("\n").find((l) => l.includes('"error"'))!;
  const event = JSON.parse(line.replace(/^data: ?/, ""));
  return typeof event.error === "string" ? event.error : event.error.message;
}

for (const f of CALLS) {
  const call = f.expect.call as CallSpec;
  const fault = (f.expect as unknown as CallExpect).fault as RecordedFaultName;
  Deno.test(`${call.client}.${call.method} meets ${fault} (${f.id})`, async () => {
    assert.equal(RECORDED_FAULTS[fault].fixture, f.id);
    await using hub = startSandbox({ quiet: true });
    hub.setFault({ match: faultMatch(call), fault });
    const outcome = await run(hub, call);
    assert.ok(outcome.error, `${f.id}: the call did not fail`);
    const stream = call.method.endsWith("Stream");
    // A stream error arrives after HTTP 200; everything else carries the recorded status.
    if (!stream) assert.equal(statusOf(outcome.error), f.response.status, `${f.id}: status`);
    if (call.client === "hub" && call.method !== "fetch") {
      assert.ok(outcome.error instanceof HubApiError, `${f.id}: ${outcome.error}`);
    }
    if (call.client === "inference" && !stream) {
      assert.ok(
        outcome.error instanceof InferenceClientProviderApiError,
        `${f.id}: ${outcome.error}`,
      );
    }
    if (stream) {
      // the two normal chunks the fault sends first (user-visible output, then the failure)
      assert.equal(outcome.chunks, 2, f.id);
      // huggingface.js turns the event into a ProviderApiError quoting the server's words.
      assert.ok(outcome.error instanceof InferenceClientProviderApiError, f.id);
      assert.ok(outcome.error.message.includes(eventMessage(f)), outcome.error.message);
    }
    // The fault answered the call the fixture names, once and only there.
    const faulted = hub.requests.filter((r) => r.fault === fault);
    assert.equal(faulted.length, 1, `${f.id}: ${JSON.stringify(hub.requests)}`);
    assert.equal(faulted[0].status, f.response.status);
  });
}

Deno.test("without a fault the same calls succeed (stream, createRepo, uploadFile, pathsInfo)", async () => {
  await using hub = startSandbox({ quiet: true });
  const stream = await run(hub, {
    client: "inference",
    method: "chatCompletionStream",
    model: "sandbox/tiny-chat",
    provider: "hf-inference",
  });
  assert.equal(stream.error, undefined, String(stream.error));
  assert.ok(stream.chunks > 3, `only ${stream.chunks} chunks`);
  for (const method of ["createRepo", "uploadFile", "pathsInfo"]) {
    const outcome = await run(hub, { client: "hub", method });
    assert.equal(outcome.error, undefined, `${method}: ${outcome.error}`);
  }
});

Deno.test("the streamed reply is OpenAI SSE: chunks, a finish chunk, then [DONE]", async () => {
  await using hub = startSandbox({ quiet: true });
  const res = await fetch(
    `${hub.inferenceUrl}/hf-inference/models/sandbox/tiny-chat/v1/chat/completions`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${WRITE}`, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], stream: true }),
    },
  );
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const events = (await res.text()).split("\n\n").filter(Boolean);
  assert.equal(events.at(-1), "data: [DONE]");
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice("data: ".length)));
  assert.ok(chunks.every((c) => c.object === "chat.completion.chunk"));
  assert.equal(chunks[0].choices[0].delta.role, "assistant");
  assert.equal(chunks.at(-1).choices[0].finish_reason, "stop");
});

Deno.test("the Hub's own answers to writes: 403 for a read token, 409 on a second create", async () => {
  await using hub = startSandbox({ quiet: true });
  const read = await run(hub, { client: "hub", method: "createRepo" }, PERSONAS.read.token);
  assert.equal(statusOf(read.error), 403);
  assert.match(
    (read.error as Error).message,
    /You don't have the rights to create a model under the namespace "sandbox-alice"/,
  );
  assert.equal((await run(hub, { client: "hub", method: "createRepo" })).error, undefined);
  const again = await run(hub, { client: "hub", method: "createRepo" });
  assert.equal(statusOf(again.error), 409);
  assert.match((again.error as Error).message, /You already created this model repo/);
});

Deno.test("a browser-login (OAuth) token is refused by Space restart, a classic token is not", async () => {
  await using hub = startSandbox({ quiet: true });
  const spaceCall: CallSpec = {
    client: "hub",
    method: "fetch",
    httpMethod: "POST",
    path: "/api/spaces/sandbox-alice/tiny-space/restart",
  };
  const { access_token } = hub.issueOAuthToken();
  const oauth = await run(hub, spaceCall, access_token);
  assert.equal(statusOf(oauth.error), 401);
  const classic = await run(hub, spaceCall);
  assert.equal(classic.error, undefined);
});
