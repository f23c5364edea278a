/**
 * "At a glance" without a browser: the seed-000 persona's probe table as text in a real
 * 100-column terminal (tmux) is at most 40 lines and repeats no sentence of 40+ characters;
 * rows are grouped by cause generically (a code nobody knows yet gets its own block, a row's
 * own `tokenFault` flag wins); surprises are called out and matched predictions are not
 * repeated; every field of every row stays reachable in the HTML; and JupyterLab's real
 * `Sanitizer` removes nothing from any gallery state but the `<style>` block.
 */
import assert from "node:assert/strict";
import { clearToken, probe, type ProbeRow, ProbeTable } from "../mod.ts";
import { groupProbeRows } from "../src/display/_probe_groups.ts";
import { PROBE_FAILURE_CLASSES } from "../src/diagnose.ts";
import { escapeHtml } from "../src/display/_html.ts";
import { renderSourcesText } from "../src/display/sources_table.ts";
import { PERSONAS, startSandbox } from "../src/sandbox/mod.ts";
import { ptyTest, startPty } from "./_pty.ts";
import { repeatedSentences } from "./_repeats.ts";
import { inlineStyles, sanitizeLikeJupyterLab } from "./_sanitize.ts";
import { buildGalleryStates } from "./browser/gallery.ts";

const MOD = new URL("../mod.ts", import.meta.url).href;
const SANDBOX = new URL("../src/sandbox/mod.ts", import.meta.url).href;

async function seed000Table(): Promise<ProbeTable> {
  clearToken();
  await using hub = startSandbox({ quiet: true });
  return await probe({
    hubUrl: hub.url,
    inferenceUrl: hub.inferenceUrl,
    env: {},
    token: PERSONAS.fineGrainedNoInference.token,
    display: false,
  });
}

Deno.test("seed-000 text at 100 columns: ≤ 40 lines, none wider, no sentence said twice", async () => {
  const text = (await seed000Table()).toString();
  const lines = text.split("\n");
  assert.ok(lines.length <= 40, `${lines.length} lines:\n${text}`);
  for (const line of lines) assert.ok([...line].length <= 100, `too wide: ${line}`);
  assert.deepEqual(repeatedSentences(text), []);
  const words = text.replace(/\s+/g, " ");
  assert.equal(words.match(/tick "Make calls to Inference Providers"/g)?.length, 1, text);
  assert.match(lines[1], /^3 of 12 work · 5 blocked by one missing permission/);
  // every row points at its cause
  assert.equal(text.match(/^✖ .*\[1\]/gm)?.length, 5, text);
});

ptyTest("seed-000 table in a real 100-column terminal: ≤ 40 lines, no sentence twice", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hfna-glance-" });
  try {
    const script = `${dir}/print_table.ts`;
    await Deno.writeTextFile(
      script,
      `import { probe } from ${JSON.stringify(MOD)};
import { PERSONAS, startSandbox } from ${JSON.stringify(SANDBOX)};
await using hub = startSandbox({ quiet: true });
const table = await probe({ hubUrl: hub.url, inferenceUrl: hub.inferenceUrl, env: {},
  token: PERSONAS.fineGrainedNoInference.token, display: false });
console.log("--- begin ---");
console.log(table);
console.log("--- end ---");
`,
    );
    await using term = await startPty([Deno.execPath(), "run", "-A", script], {
      cols: 100,
      rows: 70,
    });
    const screen = await term.waitFor("--- end ---", 60_000);
    assert.equal(await term.exitCode(), 0);
    const all = screen.split("\n");
    const body = all.slice(
      all.findIndex((l) => l.includes("--- begin ---")) + 1,
      all.findIndex((l) => l.includes("--- end ---")),
    );
    assert.match(body[0], /^Token probes — hf_sa…ice/);
    assert.ok(body.length <= 40, `${body.length} terminal lines:\n${body.join("\n")}`);
    assert.deepEqual(repeatedSentences(body.join("\n")), []);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

const base = { inferred: false, legacy: false };
const init = {
  masked: "hf_sa…ice",
  hubUrl: "https://huggingface.co",
  inferenceUrl: "https://router.huggingface.co",
  startedAt: "2030-01-01T00:00:00.000Z",
};

function table(rows: ProbeRow[]): ProbeTable {
  const t = new ProbeTable({ ...init, rows });
  t.complete(10);
  return t;
}

Deno.test("a failure class nobody knows yet gets its own cause; the row's tokenFault wins", () => {
  const frozen = {
    ...base,
    verdict: "failed" as const,
    code: "org-billing-frozen",
    status: 402,
    reason: "The organization's billing is frozen by an administrator.",
    fix: "Ask an admin of the organization to unfreeze billing.",
    tokenFault: false,
  };
  const rows: ProbeRow[] = [
    { ...base, id: "a", capability: "Chat completion", ...frozen },
    { ...base, id: "b", capability: "Text generation", ...frozen },
    { ...base, id: "c", capability: "Authentication", verdict: "ok", status: 200 },
  ];
  const groups = groupProbeRows({ rows, complete: true, dryRun: false });
  assert.equal(groups.causes.length, 1);
  const [cause] = groups.causes;
  assert.equal(cause.title, "Org billing frozen");
  assert.equal(cause.known, false);
  assert.equal(cause.fault, "not-token");
  assert.deepEqual(cause.rows.map((r) => r.id), ["a", "b"]);
  assert.equal(groups.headline, "1 works · 2 not your token");
  const t = table(rows);
  const html = t.toHtml();
  // unknown title: the shared reason is shown once in the block, the fix once
  const visible = html.replace(/<div class="hfna-row-more"[\s\S]*?<\/details>/g, "");
  assert.equal(visible.split(escapeHtml(frozen.reason)).length - 1, 1);
  assert.equal(visible.split(escapeHtml(frozen.fix)).length - 1, 1);
  assert.match(t.toString(), /\[1\] Org billing frozen \(not your token; 2 rows\)/);
  // without the row's flag, a code outside the classes is nobody's fault for sure
  const unflagged = rows.map(({ tokenFault: _, ...r }) => r);
  assert.equal(
    groupProbeRows({ rows: unflagged, complete: true, dryRun: false }).causes[0].fault,
    "unclear",
  );
});

Deno.test("every failure class has its own short title, and its tokenFault decides the blame", () => {
  const titles = new Set<string>();
  for (const [code, cls] of Object.entries(PROBE_FAILURE_CLASSES)) {
    const row: ProbeRow = {
      ...base,
      id: code,
      capability: "Chat completion",
      verdict: "failed",
      code,
      reason: `Reason for ${code}.`,
    };
    const [cause] = groupProbeRows({ rows: [row], complete: true, dryRun: false }).causes;
    const generated = code.replace(/-/g, " ");
    assert.notEqual(cause.title.toLowerCase(), generated, `${code}: a title made from the code`);
    assert.ok(cause.title.length <= 60, `${code}: "${cause.title}" is not short`);
    assert.ok(!titles.has(cause.title), `${code}: "${cause.title}" names another class too`);
    titles.add(cause.title);
    assert.equal(cause.known, code !== "unknown", code);
    assert.equal(
      cause.fault,
      code === "unknown" ? "unclear" : cls.tokenFault ? "token" : "not-token",
      code,
    );
  }
  // the Hub's and the provider's 429 are told apart
  const title = (code: string) =>
    groupProbeRows({
      rows: [{ ...base, id: "x", capability: "Chat", verdict: "failed", code }],
      complete: true,
      dryRun: false,
    }).causes[0].title;
  assert.match(title("rate-limited"), /^Hub /);
  assert.match(title("provider-rate-limited"), /^Provider /);
});

Deno.test("surprises are called out; matched predictions are not repeated", () => {
  const t = table([
    {
      ...base,
      id: "a",
      capability: "Chat completion",
      verdict: "ok",
      status: 200,
      prediction: { outcome: "fail", reason: "fine-grained token without the permission" },
    },
    {
      ...base,
      id: "b",
      capability: "Read a model",
      verdict: "ok",
      status: 200,
      prediction: { outcome: "ok", reason: "any valid token can read public repos" },
    },
  ]);
  const html = t.toHtml();
  const summaries = [...html.matchAll(/<summary[\s\S]*?<\/summary>/g)].map((m) => m[0]);
  assert.match(summaries[0], /surprise: predicted fails/);
  assert.doesNotMatch(summaries[1], /predicted|surprise/);
  // the prediction itself is in the row's details, with how it compares
  assert.match(html, /predicted: works — any valid token can read public repos \(as observed\)/);
  assert.match(html, /observed otherwise: a surprise/);
  assert.match(t.toString(), /SURPRISE: predicted fails/);
  assert.doesNotMatch(t.toString(), /any valid token can read public repos/);
});

Deno.test("every field of every row stays reachable in the HTML, and in toJSON()", async () => {
  const t = await seed000Table();
  const withId: ProbeRow[] = t.rows.map((r, i) => i === 4 ? { ...r, requestId: "Root=1-abc" } : r);
  const html = table(withId).toHtml();
  for (const row of withId) {
    for (
      const value of [
        row.id,
        row.capability,
        row.target,
        row.provider,
        row.reason,
        row.fix,
        row.code,
        row.requestId,
        row.targetReason,
        row.prediction?.reason,
        row.status !== undefined ? `HTTP ${row.status}` : undefined,
        row.latencyMs !== undefined ? `${row.latencyMs} ms` : undefined,
      ]
    ) {
      if (value !== undefined) assert.ok(html.includes(escapeHtml(value)), `${row.id}: ${value}`);
    }
  }
  assert.deepEqual(table(withId).toJSON().rows, withId);
});

Deno.test("sources text: warnings and tokens first, the empty places on one line by name", () => {
  const text = renderSourcesText({
    rows: [
      {
        source: "env:HF_TOKEN",
        status: "found",
        masked: "hf_sa…ice",
        active: true,
        shadowed: false,
      },
      { source: "env:HF_API_KEY", status: "not-found", active: false, shadowed: false },
      { source: "secret:kaggle:HF_TOKEN", status: "n/a", active: false, shadowed: false },
    ],
    active: "env:HF_TOKEN",
    warnings: [],
    platform: "terminal",
  });
  assert.equal(text.split("\n").length, 3, text);
  assert.match(text, /2 other places checked, nothing there: env:HF_API_KEY, secret:kaggle/);
});

Deno.test("JupyterLab's Sanitizer removes nothing from any gallery state but the <style> block", async () => {
  const states = await buildGalleryStates();
  assert.ok(states.length > 40);
  const decode = (s: string) => s.replaceAll("&#39;", "'").replaceAll("&quot;", '"');
  const text = (html: string) =>
    decode(html.replace(/<style>[\s\S]*?<\/style>/g, "").replace(/<[^>]+>/g, "")).replace(
      /\s+/g,
      " ",
    ).trim();
  for (const state of states) {
    const clean = sanitizeLikeJupyterLab(state.html);
    assert.doesNotMatch(clean, /<style/, state.id);
    assert.deepEqual(
      inlineStyles(clean).map(decode),
      inlineStyles(state.html).map(decode),
      `${state.id}: an inline style was changed`,
    );
    assert.equal(text(clean), text(state.html), `${state.id}: text changed`);
  }
});
