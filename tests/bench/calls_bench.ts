/**
 * Benchmark of `inferenceClient()` (issue 18):
 * 1. overhead: a successful chatCompletion through `inferenceClient()` vs the same call through a
 *    plain `InferenceClient` with the same guarded fetch, at the sandbox, interleaved, median of
 *    ≥ 200 calls each (target ≤ +1 ms), and the requests each sends (target: no extra request);
 * 2. a 429 with `Retry-After: 2` is retried once after 2 s (± 0.2 s), with the real sleep;
 * 3. a 429 asking for more than `maxWaitSeconds` is not retried (one request);
 * 4. a 503 loop (`Retry-After: 1` every time) ends after `maxRetries` (3 requests).
 *
 * Prints a table and, last, one line `RESULT <json>` that tests/bench/run.ts reads.
 * Run: `deno run -A tests/bench/calls_bench.ts` (a script, not a timed test).
 */
import { InferenceClient } from "@huggingface/inference";
import { HfCallError, inferenceClient } from "../../mod.ts";
import { guardedFetch } from "../../src/hub/endpoints.ts";
import { PERSONAS, startSandbox } from "../../src/sandbox/mod.ts";

const CALLS = Number(Deno.env.get("BENCH_CALLS") ?? 300);
const TOKEN = PERSONAS.read.token;
const CHAT = {
  model: "meta-llama/Llama-3.1-8B-Instruct",
  messages: [{ role: "user" as const, content: "hi" }],
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// ---- 1. overhead at the sandbox ----------------------------------------------------------
await using hub = startSandbox({ quiet: true });
const fetch = guardedFetch({ hubUrl: hub.url, inferenceUrl: hub.inferenceUrl, env: {} });
const plain = new InferenceClient(TOKEN, { fetch, retry_on_error: false });
const wrapped = await inferenceClient({
  token: TOKEN,
  hubUrl: hub.url,
  inferenceUrl: hub.inferenceUrl,
  env: {},
  showWaits: false,
});
const tPlain: number[] = [];
const tWrapped: number[] = [];
for (let i = 0; i < 20; i++) await plain.chatCompletion(CHAT), await wrapped.chatCompletion(CHAT);
let before = hub.requests.length;
for (let i = 0; i < CALLS; i++) {
  let t0 = performance.now();
  await plain.chatCompletion(CHAT);
  tPlain.push(performance.now() - t0);
  t0 = performance.now();
  await wrapped.chatCompletion(CHAT);
  tWrapped.push(performance.now() - t0);
}
const both = hub.requests.length - before;
before = hub.requests.length;
for (let i = 0; i < 10; i++) await plain.chatCompletion(CHAT);
const plainRequests = (hub.requests.length - before) / 10;
before = hub.requests.length;
for (let i = 0; i < 10; i++) await wrapped.chatCompletion(CHAT);
const wrappedRequests = (hub.requests.length - before) / 10;
const overheadMs = median(tWrapped) - median(tPlain);

// ---- 2–4. retries against a loopback router ---------------------------------------------
/** A router that answers with `answer(n)` for its n-th request (from 1). */
function router(answer: (n: number) => Response) {
  let n = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      await request.body?.cancel();
      return answer(++n);
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    count: () => n,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
const ok = () =>
  Response.json({
    id: "x",
    object: "chat.completion",
    created: 0,
    model: "m",
    system_fingerprint: "bench",
    choices: [{
      index: 0,
      message: { role: "assistant", content: "hi" },
      logprobs: null,
      finish_reason: "stop",
    }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
const tooMany = (seconds: number) =>
  new Response('{"error":"Too many requests"}', {
    status: 429,
    headers: { "content-type": "application/json", "retry-after": String(seconds) },
  });

async function timedCall(url: string, extra: { maxRetries?: number } = {}) {
  const client = await inferenceClient({
    token: TOKEN,
    hubUrl: url,
    inferenceUrl: url,
    env: {},
    showWaits: false,
    ...extra,
  });
  const t0 = performance.now();
  let error: unknown;
  try {
    await client.chatCompletion({ ...CHAT, provider: "auto" });
  } catch (e) {
    error = e;
  }
  return { seconds: (performance.now() - t0) / 1000, error };
}

let retry: { seconds: number; requests: number; ok: boolean };
{
  await using r = router((n) => n === 1 ? tooMany(2) : ok());
  const out = await timedCall(r.url);
  retry = { seconds: out.seconds, requests: r.count(), ok: out.error === undefined };
}
let long: { seconds: number; requests: number; code?: string };
{
  await using r = router(() => tooMany(120));
  const out = await timedCall(r.url);
  long = {
    seconds: out.seconds,
    requests: r.count(),
    code: out.error instanceof HfCallError ? out.error.diagnosis.code : String(out.error),
  };
}
let loop: { seconds: number; requests: number; code?: string };
{
  await using r = router(() =>
    new Response('{"error":"Service Unavailable"}', {
      status: 503,
      headers: { "content-type": "application/json", "retry-after": "1" },
    })
  );
  const out = await timedCall(r.url);
  loop = {
    seconds: out.seconds,
    requests: r.count(),
    code: out.error instanceof HfCallError ? out.error.diagnosis.code : String(out.error),
  };
}

const result = {
  calls: CALLS,
  medianPlainMs: median(tPlain),
  medianWrappedMs: median(tWrapped),
  overheadMs,
  plainRequests,
  wrappedRequests,
  interleavedRequests: both,
  retry,
  long,
  loop,
};
console.log(
  [
    `inferenceClient() vs InferenceClient at the sandbox, median of ${CALLS} calls each (interleaved)`,
    `  plain ${median(tPlain).toFixed(3)} ms, wrapped ${median(tWrapped).toFixed(3)} ms: ` +
    `+${overheadMs.toFixed(3)} ms; requests per call ${plainRequests} vs ${wrappedRequests}`,
    `429 Retry-After: 2 → ${retry.requests} requests, ${
      retry.seconds.toFixed(2)
    } s, ok=${retry.ok}`,
    `429 Retry-After: 120 (> maxWaitSeconds 60) → ${long.requests} request, ` +
    `${long.seconds.toFixed(2)} s, ${long.code}`,
    `503 Retry-After: 1 every time → ${loop.requests} requests, ${loop.seconds.toFixed(2)} s, ` +
    `${loop.code}`,
  ].join("\n"),
);
console.log(`RESULT ${JSON.stringify(result)}`);
