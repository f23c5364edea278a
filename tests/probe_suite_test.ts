/**
 * The probe suite stays true and cheap (issue 12, items 4–6):
 * - the Hub's task ids (`text-classification`, …) work in `probe({ probes })`,
 *   any other name is rejected before any request with the valid ones listed;
 * - one whoami-v2 per token per session across login(), whoami() and probe(),
 *   counted at the sandbox;
 * - each inference row of the default suite picks the most-liked model served
 *   right now (one Hub search per task per session), falls back to the pinned
 *   model on every kind of search failure, and says which model and why;
 * - the sandbox's `GET /api/models` honours the real filters, sort, limit, paging
 *   and `expand`, checked through the real `@huggingface/hub` `listModels`.
 */
import assert from "node:assert/strict";
import { listModels } from "@huggingface/hub";
import { PERSONAS, startSandbox } from "../src/sandbox/mod.ts";
import { DEFAULT_SUITE, SUITE_MODELS } from "../src/probes/mod.ts";
import { renderProbeTableHtml, renderProbeTableText } from "../src/display/mod.ts";
import {
  login,
  probe,
  type ProbeEntry,
  type ProbeOptions,
  type ProbeRow,
  type ProbeTable,
  type SuiteProbe,
  whoami,
} from "../mod.ts";
import { UnknownProbeTaskError } from "../src/probes/mod.ts";

type Sandbox = ReturnType<typeof startSandbox>;

function net(hub: Sandbox, extra: Partial<ProbeOptions> = {}): ProbeOptions {
  return {
    hubUrl: hub.url,
    inferenceUrl: hub.inferenceUrl,
    env: {},
    display: false,
    token: PERSONAS.read.token,
    ...extra,
  };
}

function row(table: ProbeTable, id: string): ProbeRow {
  const r = table.get(id);
  assert.ok(r, `row ${id} missing; rows: ${table.rows.map((x) => x.id).join(", ")}`);
  return r;
}

const whoamiCalls = (hub: Sandbox) =>
  hub.requests.filter((r) => r.path.startsWith("/api/whoami-v2")).length;
const searches = (hub: Sandbox) =>
  hub.requests.filter((r) => /^\/api\/models\?/.test(r.path) && r.path.includes("pipeline_tag"));

const PICKED = DEFAULT_SUITE.filter((p) => p.pick);
const SEARCH_PATH = /^\/api\/models\?/;

// ---------------------------------------------------------------------------
// 4. Task ids

Deno.test("the Hub's task ids run the same call as the client method names", async () => {
  await using hub = startSandbox({ quiet: true });
  const model = "distilbert/distilbert-base-uncased-finetuned-sst-2-english";
  // Before: every such row failed with "TINY[entry.task] is not a function".
  const table = await probe(net(hub, {
    suite: [],
    probes: [
      { task: "text-classification", model },
      { task: "textClassification", model },
      { task: "chat-completion", model: "sandbox/tiny-chat" },
      { task: "text-generation", model: "sandbox/tiny-completion" },
      { task: "token-classification", model: "dslim/bert-base-NER" },
      { task: "feature-extraction", model: "sentence-transformers/all-MiniLM-L6-v2" },
    ],
  }));
  for (const r of table.rows) {
    assert.equal(r.verdict, "ok", `${r.id}: ${r.reason}`);
    assert.doesNotMatch(r.reason ?? "", /is not a function/);
  }
  assert.deepEqual(table.rows.map((r) => r.id), [
    `custom.textClassification.${model}`,
    `custom.textClassification.${model}#2`,
    "custom.chatCompletion.sandbox/tiny-chat",
    "custom.textGeneration.sandbox/tiny-completion",
    "custom.tokenClassification.dslim/bert-base-NER",
    "custom.featureExtraction.sentence-transformers/all-MiniLM-L6-v2",
  ]);
  assert.equal(table.rows[0].capability, "Text classification");
  assert.match(table.rows[0].reason!, /top label POSITIVE/);
  assert.match(table.rows[5].reason!, /384-dim embedding/);
});

Deno.test("an unknown task is rejected before any request, listing the valid names", async () => {
  await using hub = startSandbox({ quiet: true });
  for (const task of ["summarization", "chat", "TextClassification", "", "constructor"]) {
    const error = await probe(net(hub, {
      probes: [{ task: "chatCompletion", model: "sandbox/tiny-chat" }, {
        task: task as ProbeEntry["task"], // what an untyped caller can pass
        model: "m/x",
      }],
    })).then(() => undefined, (e) => e);
    assert.ok(error instanceof UnknownProbeTaskError, `${task}: ${error}`);
    assert.equal(error.task, task);
    assert.match(error.message, /probes\[1\] \(model m\/x\)/);
    assert.match(error.message, /nothing was called/);
    for (const name of ["text-classification", "chat-completion", "featureExtraction"]) {
      assert.ok(error.valid.includes(name));
      assert.match(error.message, new RegExp(name));
    }
  }
  assert.equal(hub.requests.length, 0);
});

// ---------------------------------------------------------------------------
// 5. One whoami-v2 per token per session

Deno.test("login() + whoami() + three probe() calls send one whoami-v2 (refresh sends another)", async () => {
  await using hub = startSandbox({ quiet: true });
  const token = PERSONAS.write.token;
  const card = await login({ token, hubUrl: hub.url, env: {} });
  assert.equal(card.verdict, "valid");
  await whoami({ token, hubUrl: hub.url, env: {} });
  const tables = [];
  for (let i = 0; i < 3; i++) tables.push(await probe(net(hub, { token })));
  assert.equal(whoamiCalls(hub), 1, "whoami-v2 requests at the sandbox");
  for (const t of tables) {
    const auth = row(t, "hub.whoami");
    assert.equal(auth.verdict, "ok");
    assert.match(
      auth.reason!,
      /^sandbox-\w+ \(user\), write token \(validated earlier this session\)$/,
    );
    assert.equal(auth.latencyMs, undefined, "no call, no latency");
    // The predictions still come from the validation.
    assert.equal(row(t, "hub.write").verdict, "ok");
  }
  const fresh = await probe(net(hub, { token, refresh: true }));
  assert.equal(whoamiCalls(hub), 2);
  assert.match(row(fresh, "hub.whoami").reason!, /^sandbox-\w+ \(user\), write token$/);
  assert.equal(typeof row(fresh, "hub.whoami").latencyMs, "number");
});

Deno.test("a probe() first in the session validates once and later probes reuse it", async () => {
  await using hub = startSandbox({ quiet: true });
  const first = await probe(net(hub, { only: ["hub.whoami", "hub.private-repos"] }));
  assert.equal(row(first, "hub.whoami").reason, "sandbox-alice (user), read token");
  await probe(net(hub, { only: ["hub.private-repos"] })); // hidden validation: cached too
  await probe(net(hub, { only: ["hub.whoami"] }));
  assert.equal(whoamiCalls(hub), 1);
});

// ---------------------------------------------------------------------------
// 6. A suite that stays true

Deno.test("each inference row picks the most-liked served model, one search per task per session", async () => {
  await using hub = startSandbox({ quiet: true });
  const tables = [];
  for (let i = 0; i < 3; i++) tables.push(await probe(net(hub, { only: ["inference", "legacy"] })));
  const seen = searches(hub);
  assert.equal(seen.length, PICKED.length, seen.map((r) => r.path).join("\n"));
  for (const r of seen) {
    assert.equal(r.authorization, true, "the search carries the token to the Hub origin only");
    assert.equal(r.status, 200);
  }
  const expected: Record<string, [string, string]> = {
    // sandbox/gated-chat has the most likes but is gated: skipped.
    "inference.chat": ["sandbox/tiny-chat", "hf-inference, together for chat-completion"],
    "inference.text-generation": [
      "sandbox/tiny-completion",
      "hf-inference, together for text-generation",
    ],
    "inference.text-classification": [
      "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
      "hf-inference for text-classification",
    ],
    "inference.token-classification": [
      "dslim/bert-base-NER",
      "hf-inference for token-classification",
    ],
    "inference.feature-extraction": [
      "sentence-transformers/all-MiniLM-L6-v2",
      "hf-inference for feature-extraction",
    ],
  };
  for (const table of tables) {
    for (const [id, [model, by]] of Object.entries(expected)) {
      const r = row(table, id);
      assert.equal(r.verdict, "ok", `${id}: ${r.reason}`);
      assert.equal(r.target, model);
      assert.equal(r.targetReason, `picked: most-liked model served by ${by}`);
      assert.equal(r.prediction?.outcome, "ok", "the validation's prediction is still shown");
    }
    // Legacy rows stay pinned and say nothing about a pick.
    assert.equal(row(table, "legacy.gpt2").target, "gpt2");
    assert.equal(row(table, "legacy.gpt2").targetReason, undefined);
    // the compact text counts the picks once, after the rows; the verbose text has each row's
    assert.match(
      table.toString(),
      /^Models: most-liked found by search — .*by hf-inference \(3 rows\)/m,
    );
    assert.match(
      renderProbeTableText(table.toJSON(), { verbose: true }),
      /Model picked: most-liked model served by hf-inference for text-classification/,
    );
    assert.match(table.toHtml(), /model picked: most-liked model served by hf-inference for/);
  }
  // Once the session knows the picks, pending rows show them (live tables do not flip models).
  let pendingSeen: ProbeRow[] = [];
  await probe(net(hub, {
    only: ["inference"],
    concurrency: 1,
    onRow: (_row, t) => {
      if (pendingSeen.length === 0) pendingSeen = t.rows.filter((r) => r.verdict === "pending");
    },
  }));
  assert.ok(pendingSeen.length >= 3, `${pendingSeen.length} pending rows seen`);
  for (const r of pendingSeen) {
    assert.equal(r.target, expected[r.id][0]);
    assert.match(r.targetReason!, /^picked: /);
  }
  assert.equal(searches(hub).length, PICKED.length);
  // The chat row's call went to the picked model.
  const chatCall = hub.requests.find((r) => r.path === "/v1/chat/completions");
  assert.ok(chatCall);
});

Deno.test("the search asks what the real clients ask: filters, sort by likes, expand", async () => {
  await using hub = startSandbox({ quiet: true });
  await probe(net(hub, { only: ["inference.text-classification", "inference.chat"] }));
  const urls = searches(hub).map((r) => new URL(r.path, hub.url).searchParams);
  const tc = urls.find((p) => p.get("pipeline_tag") === "text-classification")!;
  assert.equal(tc.get("inference_provider"), "hf-inference");
  assert.equal(tc.get("sort"), "likes");
  assert.equal(tc.get("limit"), "20");
  assert.deepEqual(tc.getAll("expand").sort(), [
    "downloads",
    "gated",
    "inferenceProviderMapping",
    "likes",
    "pipeline_tag",
    "private",
  ]);
  const chat = urls.find((p) => p.get("pipeline_tag") === "text-generation")!;
  assert.equal(chat.get("inference_provider"), "all");
});

/** A suite row picking for text classification, and a fault on the search only. */
const TC = DEFAULT_SUITE.find((p) => p.id === "inference.text-classification")!;

async function fallbackRow(
  hub: Sandbox,
  fetch?: typeof globalThis.fetch,
  suite: SuiteProbe[] = [TC],
): Promise<ProbeRow> {
  const table = await probe(net(hub, { suite, ...(fetch ? { fetch } : {}), timeoutMs: 4000 }));
  return table.rows[0];
}

function searchOnly(
  answer: (url: URL) => Response | Promise<Response>,
): typeof globalThis.fetch {
  return (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    return url.pathname === "/api/models" && url.searchParams.has("pipeline_tag")
      ? Promise.resolve(answer(url))
      : globalThis.fetch(request);
  };
}

Deno.test("search failures fall back to the pinned model and say why", async (t) => {
  await using hub = startSandbox({ quiet: true });
  const pinned = SUITE_MODELS.textClassification;
  const expectFallback = (r: ProbeRow, why: RegExp) => {
    assert.equal(r.verdict, "ok", `${r.id}: ${r.reason}`);
    assert.equal(r.target, pinned);
    assert.match(r.targetReason ?? "", /^pinned fallback: search failed: /);
    assert.match(r.targetReason!, why);
    assert.ok(!r.targetReason!.includes(PERSONAS.read.token));
  };

  await t.step("5xx from the Hub (sandbox fault)", async () => {
    hub.setFault({ match: { path: SEARCH_PATH }, fault: "500", times: 1 });
    expectFallback(await fallbackRow(hub), /the Hub answered 500/);
  });
  await t.step("502 HTML page from a proxy (sandbox fault)", async () => {
    hub.setFault({ match: { path: SEARCH_PATH }, fault: "html-error", times: 1 });
    expectFallback(await fallbackRow(hub), /the Hub answered 502/);
  });
  await t.step("429 (sandbox fault)", async () => {
    hub.setFault({ match: { path: SEARCH_PATH }, fault: "429", times: 1 });
    expectFallback(await fallbackRow(hub), /the Hub answered 429/);
  });
  await t.step("cut-off JSON (sandbox fault)", async () => {
    hub.setFault({ match: { path: SEARCH_PATH }, fault: "truncated-json", times: 1 });
    expectFallback(await fallbackRow(hub), /the answer is not JSON/);
  });
  await t.step("connection reset (sandbox fault)", async () => {
    hub.setFault({ match: { path: SEARCH_PATH }, fault: "reset", times: 1 });
    expectFallback(await fallbackRow(hub), /the request failed/);
  });
  await t.step("network: connection refused", async () => {
    const refused = searchOnly(() => {
      throw new TypeError("error sending request: Connection refused (os error 111)");
    });
    expectFallback(await fallbackRow(hub, refused), /the request failed \(TypeError: .*refused/);
  });
  await t.step("no answer in time", async () => {
    const hang = searchOnly(() => new Promise<Response>(() => {}));
    expectFallback(await fallbackRow(hub, hang), /no answer within 2 s/);
  });
  await t.step("empty list", async () => {
    const empty = searchOnly(() => Response.json([]));
    expectFallback(
      await fallbackRow(hub, empty),
      /listed no model with pipeline tag text-classification served by hf-inference/,
    );
  });
  await t.step("malformed: an object, entries without id", async () => {
    expectFallback(
      await fallbackRow(hub, searchOnly(() => Response.json({ models: [] }))),
      /not a list of models/,
    );
    expectFallback(
      await fallbackRow(hub, searchOnly(() => Response.json([{ _id: "x" }]))),
      /an entry has no id/,
    );
  });
  await t.step("only gated, private or staging models listed", async () => {
    const mapping = (status: string) => [{
      provider: "hf-inference",
      providerId: "x",
      status,
      task: "text-classification",
    }];
    const unusable = searchOnly(() =>
      Response.json([
        { _id: "1", id: "a/gated", gated: "manual", inferenceProviderMapping: mapping("live") },
        { _id: "2", id: "a/private", private: true, inferenceProviderMapping: mapping("live") },
        { _id: "3", id: "a/staging", gated: false, inferenceProviderMapping: mapping("staging") },
        { _id: "4", id: "a/other-task", inferenceProviderMapping: [] },
      ])
    );
    expectFallback(
      await fallbackRow(hub, unusable),
      /none of the 4 models listed is public, ungated and live on hf-inference for text-classification/,
    );
  });
  await t.step(
    "a failed search is not kept: the next probe() searches again and picks",
    async () => {
      const before = searches(hub).length;
      const r = await fallbackRow(hub);
      assert.equal(searches(hub).length, before + 1);
      assert.equal(
        r.targetReason,
        "picked: most-liked model served by hf-inference for text-classification",
      );
      await fallbackRow(hub);
      assert.equal(searches(hub).length, before + 1, "an answer is kept for the session");
    },
  );
});

Deno.test("a picked model that fails is diagnosed on the picked model; the table still renders", async () => {
  await using hub = startSandbox({ quiet: true });
  // The search answers with a model the router does not serve (the Hub's list was stale).
  const stale = searchOnly(() =>
    Response.json([{
      _id: "1",
      id: "openai-community/gpt2",
      likes: 3000,
      private: false,
      gated: false,
      pipeline_tag: "text-classification",
      inferenceProviderMapping: [{
        provider: "hf-inference",
        providerId: "openai-community/gpt2",
        status: "live",
        task: "text-classification",
      }],
    }])
  );
  const r = await fallbackRow(hub, stale);
  assert.equal(r.verdict, "failed");
  assert.equal(r.target, "openai-community/gpt2");
  assert.equal(
    r.targetReason,
    "picked: most-liked model served by hf-inference for text-classification",
  );
  assert.match(r.reason!, /gpt2/);
  const html = renderProbeTableHtml(
    (await probe(net(hub, { suite: [TC], fetch: stale }))).toJSON(),
  );
  assert.match(html, /model picked: most-liked/);
});

Deno.test("dry run: says it would search, makes no request", async () => {
  await using hub = startSandbox({ quiet: true });
  const table = await probe(net(hub, { dryRun: true }));
  assert.equal(hub.requests.length, 0);
  const r = row(table, "inference.token-classification");
  assert.match(
    r.reason!,
    /^dry run: would call GET http:\/\/127\.0\.0\.1:\d+\/api\/models\?inference_provider=hf-inference&pipeline_tag=token-classification&sort=likes/,
  );
  assert.match(r.reason!, /pinned fallback dslim\/bert-base-NER\), then /);
});

// ---------------------------------------------------------------------------
// The sandbox's search, through the real client

Deno.test("sandbox GET /api/models: filters, sort, limit, paging and expand like huggingface.co", async () => {
  await using hub = startSandbox({ quiet: true });
  const names = async (params: Parameters<typeof listModels>[0]) => {
    const out: string[] = [];
    for await (const m of listModels({ hubUrl: hub.url, ...params })) out.push(m.name);
    return out;
  };
  // Served by together, most-liked first (gated ones included: the listing does not hide them).
  assert.deepEqual(
    await names({ search: { inferenceProviders: ["together"] }, sort: "likes" }),
    ["sandbox/gated-chat", "sandbox/tiny-chat", "sandbox/tiny-completion", "sandbox/provider-only"],
  );
  assert.deepEqual(
    await names({
      search: { inferenceProviders: ["together"], task: "text-generation" },
      sort: "likes",
      limit: 2,
    }),
    ["sandbox/gated-chat", "sandbox/tiny-chat"],
  );
  // Several providers: any of them.
  const both = await names({ search: { inferenceProviders: ["together", "hf-inference"] } });
  assert.ok(both.includes("dslim/bert-base-NER") && both.includes("sandbox/provider-only"));
  assert.ok(!both.includes("openai-community/gpt2"), "no provider serves gpt2");
  // Paging: pages of 2 followed through the Link header by the real client.
  const raw = await fetch(`${hub.url}/api/models?inference_provider=all&sort=likes&limit=2`);
  const link = raw.headers.get("link");
  assert.match(link ?? "", /^<http:\/\/127\.0\.0\.1:\d+\/api\/models\?.*cursor=.*>; rel="next"$/);
  const page1 = await raw.json();
  const next = await (await fetch(/^<(.*)>/.exec(link!)![1])).json();
  assert.equal(page1.length, 2);
  assert.ok(next.every((m: { id: string }) => !page1.some((p: { id: string }) => p.id === m.id)));
  // Without expand: the listing shape; with expand: `_id`, `id` and the keys asked for.
  const plain = await (await fetch(`${hub.url}/api/models?pipeline_tag=token-classification`))
    .json();
  assert.deepEqual(Object.keys(plain[0]).sort(), [
    "_id",
    "author",
    "createdAt",
    "disabled",
    "downloads",
    "gated",
    "id",
    "lastModified",
    "library_name",
    "likes",
    "modelId",
    "pipeline_tag",
    "private",
    "sha",
    "tags",
  ]);
  const expanded = await (await fetch(
    `${hub.url}/api/models?pipeline_tag=token-classification&expand=likes&expand[]=inferenceProviderMapping`,
  )).json();
  assert.deepEqual(expanded, [{
    _id: plain[0]._id,
    id: "dslim/bert-base-NER",
    likes: 600,
    inferenceProviderMapping: [{
      provider: "hf-inference",
      providerId: "dslim/bert-base-NER",
      task: "token-classification",
      status: "live",
    }],
  }]);
  // gated=false, search, author.
  assert.deepEqual(await names({ search: { query: "gated" } }), [
    "sandbox/gated-model",
    "sandbox/gated-chat",
  ]);
  const ungated = await (await fetch(`${hub.url}/api/models?gated=false&search=chat`)).json();
  assert.deepEqual(ungated.map((m: { id: string }) => m.id), ["sandbox/tiny-chat"]);
});

Deno.test("token faults: the search still picks for a token without inference permission; a revoked token falls back", async () => {
  await using hub = startSandbox({ quiet: true });
  const noInference = await probe(net(hub, {
    token: PERSONAS.fineGrainedNoInference.token,
    only: ["inference.text-classification"],
  }));
  const r = row(noInference, "inference.text-classification");
  assert.equal(r.verdict, "failed");
  assert.equal(r.code, "missing-inference-permission");
  assert.equal(
    r.targetReason,
    "picked: most-liked model served by hf-inference for text-classification",
  );

  const revoked = await probe(net(hub, {
    token: PERSONAS.revoked.token,
    only: ["inference.token-classification"],
  }));
  const t = row(revoked, "inference.token-classification");
  assert.equal(t.verdict, "failed");
  assert.equal(t.code, "invalid-token");
  assert.equal(t.target, SUITE_MODELS.tokenClassification);
  assert.match(t.targetReason!, /^pinned fallback: search failed: the Hub answered 401/);
  assert.ok(!JSON.stringify(revoked).includes(PERSONAS.revoked.token));
});
