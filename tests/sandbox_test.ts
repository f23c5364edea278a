/**
 * The sandbox hub, exercised with the REAL `@huggingface/hub` and
 * `@huggingface/inference` clients.
 */

import { checkRepoAccess, HubApiError, listModels, modelInfo, whoAmI } from "@huggingface/hub";
import {
  InferenceClient,
  InferenceClientHubApiError,
  InferenceClientInputError,
  InferenceClientProviderApiError,
} from "@huggingface/inference";
import assert from "node:assert/strict";
import { guardedFetch } from "../src/hub/endpoints.ts";
import {
  MODELS,
  type PersonaName,
  PERSONAS,
  type Sandbox,
  startSandbox,
} from "../src/sandbox/mod.ts";

const READ = PERSONAS.read.token;

function routed(hub: Sandbox, fault?: string, only?: "hub" | "router"): typeof fetch {
  const inner: typeof fetch = (input, init) => {
    const request = new Request(input, init);
    const origin = new URL(request.url).origin === new URL(hub.url).origin ? "hub" : "router";
    if (fault && (!only || only === origin)) request.headers.set("x-sandbox-fault", fault);
    return fetch(request);
  };
  return guardedFetch({ hubUrl: hub.url, inferenceUrl: hub.inferenceUrl, fetch: inner, env: {} });
}

function client(hub: Sandbox, token = READ, fault?: string, only?: "hub" | "router") {
  return new InferenceClient(token, { fetch: routed(hub, fault, only) });
}

const chatArgs = (model: string, provider?: string) => ({
  model,
  ...(provider ? { provider: provider as "hf-inference" } : {}),
  messages: [{ role: "user", content: "Hello sandbox" }],
});

/** Rejection helper that returns the error for further assertions. */
async function rejection<E extends Error>(
  fn: () => Promise<unknown>,
  type: new (...args: never[]) => E,
): Promise<E> {
  let caught: unknown;
  await assert.rejects(async () => {
    try {
      await fn();
    } catch (e) {
      caught = e;
      throw e;
    }
  }, type as unknown as new () => Error);
  return caught as E;
}

async function waitFor(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((r) => setTimeout(r, 5));
}

Deno.test("sandbox: two origins, env, no real-looking tokens", async () => {
  await using hub = startSandbox({ quiet: true });
  assert.match(hub.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(new URL(hub.url).origin, new URL(hub.inferenceUrl).origin);
  assert.deepEqual(hub.env, { HF_ENDPOINT: hub.url, HF_INFERENCE_ENDPOINT: hub.inferenceUrl });
  for (const persona of Object.values(PERSONAS)) {
    assert.deepEqual(/hf_[A-Za-z0-9]{34}/.test(persona.token), false, persona.name);
    assert.match(persona.token, new RegExp(`^hf_sandbox_${persona.name}_`));
  }
});

Deno.test("whoAmI: every persona", async (t) => {
  await using hub = startSandbox({ quiet: true });
  const who = (name: PersonaName) => whoAmI({ hubUrl: hub.url, accessToken: PERSONAS[name].token });

  await t.step("classic read/write", async () => {
    const read = await who("read");
    assert.deepEqual(read.type, "user");
    if (read.type !== "user") return;
    assert.deepEqual(read.name, "sandbox-alice");
    assert.deepEqual(read.fullname, "Alice Sandbox");
    assert.deepEqual(read.emailVerified, true);
    assert.deepEqual(read.orgs.map((o) => o.name), ["sandbox", "sandbox-labs"]);
    assert.deepEqual(read.auth.type, "access_token");
    assert.deepEqual(read.auth.accessToken?.role, "read");
    assert.ok(read.auth.accessToken?.createdAt instanceof Date);
    assert.deepEqual((await who("write")).auth.accessToken?.role, "write");
  });

  await t.step("fine-grained scopes", async () => {
    const fg = (name: PersonaName) =>
      who(name).then((w) => (w.auth.accessToken as unknown as {
        role: string;
        fineGrained: { global: string[]; scoped: { entity: { name: string } }[] };
      }));
    const inf = await fg("fineGrainedInference");
    assert.deepEqual(inf.role, "fineGrained");
    assert.ok(inf.fineGrained.global.includes("inference.serverless.write"));
    assert.deepEqual(inf.fineGrained.scoped.map((s) => s.entity.name), [
      "sandbox-alice",
      "sandbox",
    ]);
    const noInf = await fg("fineGrainedNoInference");
    assert.deepEqual(noInf.fineGrained.global.includes("inference.serverless.write"), false);
    const org = await fg("fineGrainedOrg");
    assert.deepEqual(org.fineGrained.scoped.map((s) => s.entity.name), ["sandbox-labs"]);
  });

  await t.step("expired, revoked, unknown: 401 Invalid credentials", async () => {
    for (const token of [PERSONAS.expired.token, PERSONAS.revoked.token, "hf_sandbox_nobody_x"]) {
      const e = await rejection(() => whoAmI({ hubUrl: hub.url, accessToken: token }), HubApiError);
      assert.deepEqual(e.statusCode, 401);
      assert.match(e.message, /^Invalid credentials in Authorization header\./);
    }
  });

  await t.step("orgApp, xss, expiringSoon, pro", async () => {
    const app = await who("orgApp");
    assert.deepEqual(app.type, "app");
    assert.deepEqual(app.auth.type, "app_token");
    const xss = await who("xss");
    assert.ok(xss.type === "user");
    assert.deepEqual(xss.fullname, "<img src=x onerror=alert(1)>");
    assert.match(xss.auth.accessToken?.displayName ?? "", /<script>/);
    const soon = await who("expiringSoon");
    const expiresAt = new Date(
      (soon.auth.accessToken as unknown as { expiresAt: string }).expiresAt,
    );
    const days = (expiresAt.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 0 && days <= 3, `expiresAt ${expiresAt.toISOString()}`);
    const pro = await who("pro");
    assert.ok(pro.type === "user" && pro.isPro);
  });

  await t.step("fault personas", async () => {
    const limited = await rejection(() => who("rateLimited"), HubApiError);
    assert.deepEqual(limited.statusCode, 429);
    const broken = await rejection(() => who("serverError"), HubApiError);
    assert.deepEqual(broken.statusCode, 500);
    assert.match(broken.message, /Internal Error/);
    assert.deepEqual((await who("slow")).name, "sandbox-alice");
    assert.deepEqual(hub.requests.at(-1)?.fault, "latency:1500");
  });

  await t.step("requests are recorded without tokens", () => {
    const text = JSON.stringify(hub.requests);
    assert.deepEqual(text.includes("hf_sandbox"), false);
    assert.deepEqual(hub.requests[0], {
      ...hub.requests[0],
      method: "GET",
      origin: "hub",
      path: "/api/whoami-v2",
      authorization: true,
      persona: "read",
      status: 200,
    });
    assert.ok(hub.requests.some((r) => r.persona === "unknown" && r.status === 401));
  });
});

Deno.test("repo access: public, gated, private, missing", async () => {
  await using hub = startSandbox({ quiet: true });
  const check = (repo: string, accessToken?: string) =>
    checkRepoAccess({ hubUrl: hub.url, repo: { type: "model", name: repo }, accessToken });
  await check("sandbox/tiny-chat");
  await check("gpt2", READ);

  // Private: owner org members with a suitable token only.
  await check("sandbox/private-model", READ);
  await check("sandbox/private-model", PERSONAS.fineGrainedInference.token);
  assert.deepEqual(
    (await rejection(() => check("sandbox/private-model"), HubApiError)).statusCode,
    401,
  );
  const hidden = await rejection(
    () => check("sandbox/private-model", PERSONAS.fineGrainedOrg.token),
    HubApiError,
  );
  assert.deepEqual(hidden.statusCode, 404);
  assert.match(hidden.message, /^Repository not found\./);
  assert.deepEqual(
    (await rejection(() => check("sandbox/private-model", PERSONAS.pro.token), HubApiError))
      .statusCode,
    404,
  );
  assert.deepEqual(
    (await rejection(() => check("nobody/nothing", READ), HubApiError)).statusCode,
    404,
  );

  // Gated: model info is public (checkRepoAccess passes, as on huggingface.co) but
  // auth-check and file downloads are refused until the terms are accepted.
  await check("sandbox/gated-model", READ);
  const authCheck = (token?: string) =>
    fetch(`${hub.url}/api/models/sandbox/gated-model/auth-check`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const refused = await authCheck(READ);
  assert.deepEqual(refused.status, 403);
  assert.deepEqual(refused.headers.get("x-error-code"), "GatedRepo");
  assert.match(
    (await refused.json()).error,
    /^Access to model sandbox\/gated-model is restricted and you are not in the authorized list/,
  );
  const anonymous = await authCheck();
  assert.deepEqual(anonymous.status, 401);
  await anonymous.body?.cancel();
  const accepted = await authCheck(PERSONAS.pro.token);
  assert.deepEqual([accepted.status, await accepted.json()], [200, { ok: true }]);
  const file = await fetch(`${hub.url}/sandbox/gated-model/resolve/main/config.json`, {
    headers: { authorization: `Bearer ${READ}` },
  });
  assert.deepEqual(file.status, 403);
  await file.body?.cancel();
});

Deno.test("model info and listings", async () => {
  await using hub = startSandbox({ quiet: true });
  const info = await modelInfo({
    hubUrl: hub.url,
    name: "sandbox/tiny-chat",
    additionalFields: ["inferenceProviderMapping"],
  });
  assert.deepEqual(info.name, "sandbox/tiny-chat");
  assert.deepEqual(info.task, "text-generation");
  assert.deepEqual(info.inferenceProviderMapping?.map((m) => [m.provider, m.task]), [
    ["hf-inference", "conversational"],
    ["together", "conversational"],
  ]);

  // What the inference client fetches: a dict keyed by provider; empty for gpt2.
  const raw = await fetch(`${hub.url}/api/models/gpt2?expand[]=inferenceProviderMapping`);
  assert.deepEqual((await raw.json()).inferenceProviderMapping, {});
  const dialo = await fetch(
    `${hub.url}/api/models/microsoft/DialoGPT-small?expand[]=inferenceProviderMapping`,
  );
  assert.deepEqual(await dialo.json(), {
    _id: (await modelInfo({ hubUrl: hub.url, name: "microsoft/DialoGPT-small" })).id,
    id: "microsoft/DialoGPT-small",
    inferenceProviderMapping: {},
  });

  const names = async (accessToken?: string) => {
    const out: string[] = [];
    for await (
      const m of listModels({ hubUrl: hub.url, search: { owner: "sandbox" }, accessToken })
    ) out.push(m.name);
    return out;
  };
  const anonymous = await names();
  assert.deepEqual(anonymous.includes("sandbox/private-model"), false);
  assert.ok(anonymous.includes("sandbox/tiny-chat"));
  assert.deepEqual(
    await names(READ),
    [...anonymous, "sandbox/private-model"].sort((a, b) => {
      const order = MODELS.map((m) => m.id);
      return order.indexOf(a) - order.indexOf(b);
    }),
  );
});

Deno.test("inference: every task through the real InferenceClient", async (t) => {
  await using hub = startSandbox({ quiet: true });
  const hf = client(hub);

  await t.step("chat completion: auto, hf-inference, together", async () => {
    const auto = await hf.chatCompletion(chatArgs("sandbox/tiny-chat"));
    assert.deepEqual(auto.choices[0].message.role, "assistant");
    assert.match(
      auto.choices[0].message.content ?? "",
      /via hf-inference\) You said: "Hello sandbox"/,
    );
    const viaHf = await hf.chatCompletion(chatArgs("sandbox/tiny-chat", "hf-inference"));
    assert.deepEqual(viaHf.model, "sandbox/tiny-chat");
    const viaTogether = await hf.chatCompletion(chatArgs("sandbox/tiny-chat", "together"));
    assert.deepEqual(viaTogether.model, "sandbox/tiny-chat-turbo");
    assert.ok(viaTogether.usage.total_tokens > 0);
    const paths = hub.requests.filter((r) => r.origin === "router").map((r) => r.path);
    assert.deepEqual(paths, [
      "/v1/chat/completions",
      "/hf-inference/models/sandbox/tiny-chat/v1/chat/completions",
      "/together/v1/chat/completions",
    ]);
  });

  await t.step("chat completion stream", async () => {
    let text = "";
    for await (const chunk of hf.chatCompletionStream(chatArgs("sandbox/tiny-chat"))) {
      text += chunk.choices[0]?.delta?.content ?? "";
    }
    assert.match(text, /^Hello from the sandbox!/);
  });

  await t.step("text generation", async () => {
    const out = await hf.textGeneration({ model: "sandbox/tiny-completion", inputs: "Once" });
    assert.deepEqual(out.generated_text, " and then the sandbox model continued the story.");
    const together = await hf.textGeneration({
      model: "sandbox/tiny-completion",
      provider: "together",
      inputs: "Once",
    });
    assert.deepEqual(together.details?.finish_reason, "length");
  });

  await t.step("text classification", async () => {
    const model = "distilbert/distilbert-base-uncased-finetuned-sst-2-english";
    const happy = await hf.textClassification({ model, inputs: "I love this notebook" });
    assert.deepEqual(happy[0], { label: "POSITIVE", score: 0.9987 });
    const sad = await hf.textClassification({ model, inputs: "This is terrible" });
    assert.deepEqual(sad[0].label, "NEGATIVE");
  });

  await t.step("token classification", async () => {
    const entities = await hf.tokenClassification({
      model: "dslim/bert-base-NER",
      inputs: "My name is Wolfgang and I live in Berlin",
    });
    assert.deepEqual(entities.map((e) => [e.entity_group, e.word, e.start, e.end]), [
      ["PER", "Wolfgang", 11, 19],
      ["LOC", "Berlin", 34, 40],
    ]);
  });

  await t.step("feature extraction", async () => {
    const model = "sentence-transformers/all-MiniLM-L6-v2";
    const one = await hf.featureExtraction({ model, inputs: "hello" }) as number[];
    assert.deepEqual(one.length, 384);
    assert.ok(Math.abs(Math.hypot(...one) - 1) < 1e-3);
    const two = await hf.featureExtraction({ model, inputs: ["a", "b"] }) as number[][];
    assert.deepEqual(two.map((v) => v.length), [384, 384]);
    assert.deepEqual(two[0], await hf.featureExtraction({ model, inputs: "a" }));
  });
});

Deno.test("inference: routing and permission errors", async (t) => {
  await using hub = startSandbox({ quiet: true });
  const hf = client(hub);

  await t.step("provider-only model: auto works, hf-inference is refused client-side", async () => {
    const out = await hf.chatCompletion(chatArgs("sandbox/provider-only"));
    assert.deepEqual(out.model, "sandbox/provider-only-turbo");
    const e = await rejection(
      () => hf.chatCompletion(chatArgs("sandbox/provider-only", "hf-inference")),
      InferenceClientInputError,
    );
    assert.match(e.message, /not been able to find inference provider information/);
  });

  await t.step("no provider (gpt2, DialoGPT-small)", async () => {
    const gen = await rejection(
      () => hf.textGeneration({ model: "gpt2", inputs: "x" }),
      InferenceClientInputError,
    );
    assert.deepEqual(gen.message, "No Inference Provider available for model gpt2.");
    const chat = await rejection(
      () => hf.chatCompletion(chatArgs("microsoft/DialoGPT-small")),
      InferenceClientProviderApiError,
    );
    assert.deepEqual(chat.httpResponse.status, 400);
    assert.deepEqual(
      (chat.httpResponse.body as { error: { code: string } }).error.code,
      "model_not_supported",
    );
  });

  await t.step("403 for tokens without the inference permission", async () => {
    for (const name of ["fineGrainedNoInference", "fineGrainedOrg", "orgApp"] as const) {
      const e = await rejection(
        () => client(hub, PERSONAS[name].token).chatCompletion(chatArgs("sandbox/tiny-chat")),
        InferenceClientProviderApiError,
      );
      assert.deepEqual(e.httpResponse.status, 403, name);
      assert.match(
        e.message,
        /does not have sufficient permissions to call Inference Providers on behalf of/,
      );
      assert.deepEqual(JSON.stringify(e.httpRequest).includes("hf_sandbox"), false);
    }
  });

  await t.step("401 for expired and unknown tokens", async () => {
    for (const token of [PERSONAS.expired.token, "hf_sandbox_nobody_x"]) {
      const e = await rejection(
        () => client(hub, token).chatCompletion(chatArgs("sandbox/tiny-chat", "hf-inference")),
        InferenceClientProviderApiError,
      );
      assert.deepEqual(e.httpResponse.status, 401);
      assert.deepEqual(
        e.message,
        "Failed to perform inference: Invalid credentials in Authorization header",
      );
    }
  });

  await t.step("loading model: 503 then ready", async () => {
    const model = "sandbox/loading-model";
    const e = await rejection(
      () => hf.textClassification({ model, inputs: "x" }, { retry_on_error: false }),
      InferenceClientProviderApiError,
    );
    assert.deepEqual(e.httpResponse.status, 503);
    assert.deepEqual(e.httpResponse.body, {
      error: "Model sandbox/loading-model is currently loading",
      estimated_time: 20,
    });
    // The client retries 503s by default (immediately, without limit).
    const ok = await hf.textClassification({ model, inputs: "x" });
    assert.deepEqual(ok[0].label, "POSITIVE");
  });
});

Deno.test("faults: every kind, per request header", async (t) => {
  await using hub = startSandbox({ quiet: true });
  const who = (fault: string) =>
    whoAmI({ hubUrl: hub.url, accessToken: READ, fetch: routed(hub, fault) });

  await t.step("latency", async () => {
    assert.deepEqual((await who("latency:20")).name, "sandbox-alice");
    assert.deepEqual(hub.requests.at(-1)?.fault, "latency:20");
  });
  await t.step("429 with Retry-After", async () => {
    const res = await routed(hub, "429")(`${hub.url}/api/whoami-v2`);
    assert.deepEqual(res.status, 429);
    assert.deepEqual(res.headers.get("retry-after"), "7");
    assert.match((await res.json()).error, /^Rate limit reached/);
    assert.deepEqual((await rejection(() => who("429"), HubApiError)).statusCode, 429);
  });
  await t.step("500 and 502", async () => {
    assert.deepEqual((await rejection(() => who("500"), HubApiError)).statusCode, 500);
    const bad = await rejection(() => who("502"), HubApiError);
    assert.deepEqual([bad.statusCode, bad.message.split(".")[0]], [502, "Bad Gateway"]);
  });
  await t.step("503-loading", async () => {
    const res = await routed(hub, "503-loading")(
      `${hub.inferenceUrl}/hf-inference/models/dslim/bert-base-NER`,
      { method: "POST", body: "{}" },
    );
    assert.deepEqual(res.status, 503);
    assert.deepEqual(
      await res.text(),
      '{"error":"Model dslim/bert-base-NER is currently loading","estimated_time":20.0}',
    );
  });
  await t.step("html-error", async () => {
    const e = await rejection(() => who("html-error"), HubApiError);
    assert.deepEqual(e.statusCode, 502);
    assert.match(String(e.data?.message), /<html>/);
  });
  await t.step("truncated-json", async () => {
    await rejection(() => who("truncated-json"), SyntaxError);
  });
  await t.step("reset: a network error, not an HTTP response", async () => {
    const e = await rejection(() => who("reset"), TypeError);
    assert.deepEqual(e.message.includes("status"), false);
  });
  await t.step("unknown fault: 400", async () => {
    const res = await routed(hub, "teapot")(`${hub.url}/api/whoami-v2`);
    assert.deepEqual(res.status, 400);
    assert.match((await res.json()).error, /Unknown sandbox fault "teapot"/);
  });
  await t.step("inference client sees router faults as ProviderApiError / TypeError", async () => {
    const hf = (fault: string) => client(hub, READ, fault, "router");
    const html = await rejection(
      () => hf("html-error").chatCompletion(chatArgs("sandbox/tiny-chat", "hf-inference")),
      InferenceClientProviderApiError,
    );
    assert.deepEqual(html.httpResponse.status, 502);
    const limited = await rejection(
      () => hf("429").chatCompletion(chatArgs("sandbox/tiny-chat")),
      InferenceClientProviderApiError,
    );
    assert.match(limited.message, /Rate limit reached/);
    await rejection(
      () => hf("reset").chatCompletion(chatArgs("sandbox/tiny-chat")),
      TypeError,
    );
  });
});

Deno.test("faults: rules by path, persona, origin, times; hub mapping faults", async () => {
  await using hub = startSandbox({ quiet: true });
  hub.setFault({ match: { path: "/api/whoami-v2", persona: "write" }, fault: "500", times: 2 });
  hub.setFault({ match: { origin: "router" }, fault: "503-loading", times: 1 });
  // Read is unaffected by the persona-scoped rule.
  assert.deepEqual((await whoAmI({ hubUrl: hub.url, accessToken: READ })).name, "sandbox-alice");
  const write = () => whoAmI({ hubUrl: hub.url, accessToken: PERSONAS.write.token });
  await rejection(write, HubApiError);
  await rejection(write, HubApiError);
  assert.deepEqual((await write()).auth.accessToken?.role, "write");

  // The inference client retries the single 503 and succeeds.
  const out = await client(hub).chatCompletion(chatArgs("sandbox/tiny-chat"));
  assert.deepEqual(out.choices.length, 1);
  assert.deepEqual(
    hub.requests.filter((r) => r.origin === "router").map((r) => r.status),
    [503, 200],
  );

  // A fault on the mapping lookup is an InferenceClientHubApiError. (The client caches
  // mappings per model id for the whole process, so use a model not looked up before.)
  hub.setFault({ match: { path: /inferenceProviderMapping/ }, fault: "500", times: 1 });
  const e = await rejection(
    () =>
      client(hub).textGeneration({
        model: "sandbox/gated-model",
        provider: "hf-inference",
        inputs: "Paris",
      }),
    InferenceClientHubApiError,
  );
  assert.match(
    e.message,
    /^Failed to fetch inference provider mapping for model sandbox\/gated-model/,
  );
  hub.clearFaults();
});

Deno.test("faults: HTTP control endpoint", async () => {
  await using hub = startSandbox({ quiet: true });
  const set = await fetch(`${hub.url}/__sandbox/faults`, {
    method: "POST",
    body: JSON.stringify({ fault: "429", match: { pathRegex: "whoami", origin: "hub" } }),
  });
  assert.deepEqual((await set.json()).faults.length, 1);
  const limited = await rejection(
    () => whoAmI({ hubUrl: hub.url, accessToken: READ }),
    HubApiError,
  );
  assert.deepEqual(limited.statusCode, 429);
  const listed = await (await fetch(`${hub.inferenceUrl}/__sandbox/faults`)).json();
  assert.deepEqual(listed.faults[0].match.pathRegex, "whoami");
  const cleared = await fetch(`${hub.url}/__sandbox/faults`, { method: "DELETE" });
  assert.deepEqual((await cleared.json()).faults, []);
  assert.deepEqual((await whoAmI({ hubUrl: hub.url, accessToken: READ })).name, "sandbox-alice");
  const bad = await fetch(`${hub.url}/__sandbox/faults`, {
    method: "POST",
    body: JSON.stringify({ fault: "nope" }),
  });
  assert.deepEqual(bad.status, 400);
  await bad.body?.cancel();
  const latency = await fetch(`${hub.url}/__sandbox/latency`, {
    method: "POST",
    body: JSON.stringify({ ms: 5 }),
  });
  assert.deepEqual((await latency.json()).latencyMs, 5);
  const recorded = await (await fetch(`${hub.url}/__sandbox/requests`)).json();
  assert.deepEqual(recorded.map((r: { status: number }) => r.status), [429, 200]);
});

Deno.test("faults: hang never answers; the client can abort; close() releases it", async () => {
  const hub = startSandbox({ quiet: true });
  const controller = new AbortController();
  const aborted = fetch(`${hub.url}/api/whoami-v2`, {
    headers: { "x-sandbox-fault": "hang" },
    signal: controller.signal,
  });
  await waitFor(() => hub.requests.length === 1);
  controller.abort();
  await assert.rejects(() => aborted);

  const pending = fetch(`${hub.inferenceUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "x-sandbox-fault": "hang", authorization: `Bearer ${READ}` },
    body: "{}",
  }).then(async (r) => {
    await r.body?.cancel();
    return r.status;
  }, () => 0);
  await waitFor(() => hub.requests.length === 2);
  await hub.close();
  assert.deepEqual(await pending, 503);
  assert.deepEqual(hub.requests.map((r) => r.status), [0, 0]);
  await hub.close(); // idempotent
});

Deno.test("latency option delays but answers", async () => {
  await using hub = startSandbox({ quiet: true, latencyMs: 10 });
  assert.deepEqual((await whoAmI({ hubUrl: hub.url, accessToken: READ })).name, "sandbox-alice");
  hub.setLatency(0);
  assert.deepEqual((await whoAmI({ hubUrl: hub.url, accessToken: READ })).name, "sandbox-alice");
});
