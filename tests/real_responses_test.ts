/**
 * Replays every recorded answer of the real huggingface.co / router.huggingface.co
 * (tests/fixtures/real_responses/*.json) through the public `whoami()` and `probe()`,
 * with an injected fetch that serves the fixture: each must be diagnosed to its class
 * with a specific code, and none may blame the token for a cause that is not the token's.
 */

import assert from "node:assert/strict";
import { probe, type ProbeFailureCode, type ProbeRow } from "../mod.ts";
import { PROBE_FAILURE_CLASSES } from "../src/diagnose.ts";
import { whoami } from "../src/hub/whoami.ts";
import type { ProbeContext, ProbeFunction, ProbeTask } from "../src/probes/types.ts";
import type { SuiteProbe } from "../src/probes/default_suite.ts";
import { loadHubClient } from "../src/_clients.ts";
import { loadRealResponses, type RealResponse } from "./_real_responses.ts";

// The answers to users' own calls (`via: "call"`) are replayed through the real clients in
// tests/explain_test.ts.
const FIXTURES = (await loadRealResponses()).filter((f) =>
  (f.expect as { via: string }).via !== "call"
);
const BY_ID = new Map(FIXTURES.map((f) => [f.id, f]));
const HUB = "https://huggingface.co";
const ROUTER = "https://router.huggingface.co";
/** A fake token: `hf_` + underscores can never look like a real one. */
const TOKEN = "hf_replay_fixture_token";

/** The fixture's answer, as a fresh Response. */
function answer(f: RealResponse): Response {
  const nullBody = [204, 205, 304].includes(f.response.status);
  return new Response(nullBody || f.response.body === "" ? null : f.response.body, {
    status: f.response.status,
    statusText: f.response.statusText,
    headers: f.response.headers,
  });
}

const HUB_TASK: Record<ProbeTask, string> = {
  chatCompletion: "conversational",
  textGeneration: "text-generation",
  textClassification: "text-classification",
  tokenClassification: "token-classification",
  featureExtraction: "feature-extraction",
};

/** A fetch that answers like huggingface.co would around the fixture, and the fixture itself. */
function replayFetch(f: RealResponse, seen: string[]): typeof fetch {
  const validation = BY_ID.get(f.expect.whoami ?? "whoami-write-token-2025")!;
  return (input, init) => {
    const req = new Request(input, init);
    const url = new URL(req.url);
    seen.push(`${req.method} ${url.origin}${url.pathname}`);
    if (url.pathname === "/api/whoami-v2") {
      return Promise.resolve(answer(f.expect.via === "whoami" ? f : validation));
    }
    const e = f.expect;
    if (url.origin === ROUTER) return Promise.resolve(answer(f));
    if (e.call === "downloadFile" && url.pathname.includes("/resolve/")) {
      return Promise.resolve(answer(f));
    }
    if (e.call === "gatedAccess") {
      if (url.pathname.endsWith("/auth-check")) return Promise.resolve(answer(f));
      return Promise.resolve(Response.json({ _id: "0", id: e.target, gated: "manual" }));
    }
    if (e.call === "modelInfo" && url.pathname.startsWith("/api/models/")) {
      return Promise.resolve(answer(f));
    }
    if (e.model && url.pathname === `/api/models/${e.model}`) {
      // The client's provider-mapping lookup: the model is mapped to the fixture's provider.
      const provider = e.provider && e.provider !== "auto" ? e.provider : "hf-inference";
      return Promise.resolve(Response.json({
        _id: "0",
        id: e.model,
        inferenceProviderMapping: {
          [provider]: { status: "live", providerId: e.model, task: HUB_TASK[e.task!] },
        },
      }));
    }
    return Promise.resolve(Response.json({ error: `replay: unexpected ${req.url}` }, {
      status: 599,
    }));
  };
}

function downloadProbe(target: string, path: string): ProbeFunction {
  return async function downloadFileProbe(ctx: ProbeContext) {
    const { downloadFile } = await loadHubClient();
    const blob = await downloadFile({
      repo: target,
      path,
      accessToken: ctx.token,
      hubUrl: ctx.hubUrl,
      fetch: ctx.fetch,
    });
    return blob ? { ok: true, reason: "downloadable" } : { ok: false };
  };
}

async function replayProbe(f: RealResponse): Promise<{ row: ProbeRow; seen: string[] }> {
  const e = f.expect;
  const seen: string[] = [];
  const base = {
    token: TOKEN,
    hubUrl: HUB,
    inferenceUrl: ROUTER,
    env: {},
    display: false as const,
    fetch: replayFetch(f, seen),
    refresh: true,
    timeoutMs: 5000,
  };
  let suite: SuiteProbe[] = [];
  let probes: (ProbeFunction | { task: ProbeTask; model: string; provider?: string })[] = [];
  if (e.call === "modelInfo" || e.call === "gatedAccess") {
    suite = [{
      id: `replay.${e.call}`,
      capability: e.call,
      area: "hub",
      call: e.call,
      target: e.target,
      needs: e.call === "gatedAccess" ? "gated-read" : "public-read",
    }];
  } else if (e.call === "downloadFile") {
    probes = [downloadProbe(e.target!, e.path!)];
  } else {
    probes = [{ task: e.task!, model: e.model!, provider: e.provider }];
  }
  const table = await probe({ ...base, suite, probes });
  const rows = table.rows.filter((r) => r.id !== "(validation)");
  assert.equal(rows.length, 1, `${f.id}: one row expected, got ${rows.map((r) => r.id)}`);
  return { row: rows[0], seen };
}

Deno.test("the corpus: at least 40 recorded answers, each with its source, date and answer", () => {
  assert.ok(FIXTURES.length >= 40, `only ${FIXTURES.length} fixtures`);
  const families = new Set<string>();
  for (const f of FIXTURES) {
    assert.ok(f.source.issue || (f.source.repo && f.source.path && f.source.commit), f.id);
    assert.match(f.date, /^\d{4}-\d{2}-\d{2}$/, f.id);
    assert.ok(f.response.status >= 100 && f.response.status < 600, f.id);
    assert.ok(typeof f.response.body === "string", f.id);
    for (const name of Object.keys(f.response.headers)) {
      assert.equal(name, name.toLowerCase(), `${f.id}: header names are lower-case`);
    }
    if (f.reconstructed) assert.ok(f.reconstructed.reason.length > 20, f.id);
    const url = new URL(f.request.url);
    families.add(
      url.pathname.endsWith("/whoami-v2") || url.pathname.endsWith("/whoami")
        ? "whoami"
        : url.pathname.endsWith("/auth-check")
        ? "auth-check"
        : url.pathname.includes("/resolve/")
        ? "resolve"
        : url.pathname.startsWith("/api/models/")
        ? "model-info"
        : url.pathname.includes("/v1/")
        ? "router-v1"
        : "router-task",
    );
  }
  assert.deepEqual(
    [...families].sort(),
    ["auth-check", "model-info", "resolve", "router-task", "router-v1", "whoami"],
  );
});

for (const f of FIXTURES) {
  Deno.test(`replay ${f.id} → ${f.expect.code}`, async () => {
    const e = f.expect;
    if (e.via === "whoami") {
      const v = await whoami({
        token: TOKEN,
        hubUrl: HUB,
        env: {},
        fetch: replayFetch(f, []),
        refresh: true,
      });
      assert.equal(v.verdict, e.verdict, `${f.id}: ${v.reason}`);
      if (e.code === "ok") {
        assert.equal(v.failure, undefined);
        if (e.role) assert.equal(v.token?.role, e.role);
      } else {
        assert.equal(v.failure?.code, e.code, `${f.id}: ${v.reason}`);
        if (e.waitSeconds !== undefined) {
          assert.equal(v.failure?.retryAfterSeconds, e.waitSeconds, `${f.id}: ${v.reason}`);
          assert.match(v.reason, new RegExp(`${e.waitSeconds} s`));
        }
      }
      return;
    }
    const { row, seen } = await replayProbe(f);
    if (e.code === "ok") {
      assert.equal(row.verdict, "ok", `${f.id}: ${row.code} ${row.reason}`);
      return;
    }
    assert.equal(row.verdict, "failed", `${f.id}: ${row.verdict} ${row.reason}`);
    assert.equal(row.code, e.code, `${f.id}: got ${row.code}: ${row.reason} (calls: ${seen})`);
    assert.notEqual(row.code, "unknown");
    assert.equal(row.status, f.response.status, f.id);
    const cls = PROBE_FAILURE_CLASSES[row.code as ProbeFailureCode];
    assert.equal(cls.tokenFault, e.tokenFault, `${f.id}: ${row.code} blames the token?`);
    if (!e.tokenFault) {
      assert.doesNotMatch(
        row.reason ?? "",
        /token (was rejected|is invalid|has expired|lacks)/i,
        `${f.id}: the reason blames the token`,
      );
      assert.doesNotMatch(
        row.fix ?? "",
        /create a new token/i,
        `${f.id}: the fix blames the token`,
      );
    }
    assert.ok(row.fix && row.fix.length > 20, f.id);
    assert.ok(!(row.reason ?? "").includes(TOKEN) && !(row.fix ?? "").includes(TOKEN));
    // Never decided from the request URL: no reason quotes the `expand[]` query.
    assert.doesNotMatch(row.reason ?? "", /expand(\[\]|%5B%5D)=/, f.id);
    if (e.waitSeconds !== undefined) {
      assert.match(row.reason ?? "", new RegExp(`${e.waitSeconds} s`));
    }
    if (Deno.env.get("REPLAY_PRINT")) {
      console.log(`${f.id}\n  ${row.code}: ${row.reason}\n  fix: ${row.fix}`);
    }
  });
}

Deno.test("an unrelated error on the ?expand[]=gated URL is not called gated", async () => {
  // The client's message ends with the request URL (`…?expand[]=gated…`). A 403 that is not
  // GatedRepo — here huggingface_hub's DisabledRepoError answer, X-Error-Message "Access to
  // this resource is disabled." (utils/_http.py) — is a plain refusal, whatever the URL says.
  const seen: string[] = [];
  const table = await probe({
    token: TOKEN,
    hubUrl: HUB,
    inferenceUrl: ROUTER,
    env: {},
    display: false,
    refresh: true,
    fetch: (input, init) => {
      const url = new URL(new Request(input, init).url);
      seen.push(url.href);
      if (url.pathname === "/api/whoami-v2") {
        return Promise.resolve(answer(BY_ID.get("whoami-write-token-2025")!));
      }
      const message = "Access to this resource is disabled.";
      return Promise.resolve(Response.json({ error: message }, {
        status: 403,
        headers: { "x-error-message": message },
      }));
    },
    suite: [{
      id: "replay.disabled",
      capability: "disabled repo",
      area: "hub",
      call: "modelInfo",
      target: "org/not-gated",
      needs: "public-read",
    }],
  });
  assert.ok(seen.some((u) => /expand(\[\]|%5B%5D)?=gated/.test(u)), `no expand=gated in ${seen}`);
  const row = table.rows.find((r) => r.id === "replay.disabled")!;
  assert.equal(row.code, "forbidden", row.reason);
  assert.match(row.reason!, /disabled/);
});
