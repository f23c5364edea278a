/**
 * Fault matrix: every fault the sandbox can inject, for validation (whoami)
 * and for probe rows, plus a closed loopback port and an unresolvable host.
 * Each case asserts the verdict, the diagnosis code and the reason, and that
 * the card / table still renders with that reason in its text and HTML forms.
 *
 * Not repeated here: whoami_test.ts checks verdicts/codes of whoami() per fault
 * (this file adds the rendering), probe_test.ts checks router faults on
 * text-classification (500, 502, html-error, truncated-json, reset), 429 via
 * the rate-limited persona, 503 via the loading model, a hang on model-info
 * and connection refused for model-info/chat. This file covers the rest:
 * every fault on a Hub read (model-info), injected 429/503/hang/latency on the
 * router, faults on the probe table's own whoami row, real DNS failure.
 */
import assert from "node:assert/strict";
import { escapeHtml } from "../src/display/_html.ts";
import { clearToken, probe, type ProbeRow, type Validation, whoami } from "../mod.ts";
import { renderProbeTableText } from "../src/display/mod.ts";
import { type FaultMatch, PERSONAS, type Sandbox, startSandbox } from "../src/sandbox/mod.ts";
import { spoolOutput } from "./_leak_scanner.ts";

const TOKEN = PERSONAS.write.token;
/** `.invalid` never resolves (RFC 6761): only a local DNS lookup failure, no traffic. */
const UNRESOLVABLE = "http://hfna-does-not-exist.invalid";

interface Common {
  name: string;
  fault?: string;
  match?: FaultMatch;
  /** Where the requests go instead of the sandbox. */
  url?: "refused" | "dns";
  timeoutMs?: number;
  reason: RegExp;
}
interface WhoamiCase extends Common {
  kind: "whoami";
  verdict: Validation["verdict"];
  code?: string;
}
interface ProbeCase extends Common {
  kind: "probe";
  row: string;
  verdict: ProbeRow["verdict"];
  code?: string;
  status?: number;
}
type Case = WhoamiCase | ProbeCase;

const WHOAMI = { path: "/api/whoami-v2" };
const MODEL_INFO = { path: "/api/models/" };
const ROUTER = { origin: "router" as const };

const CASES: Case[] = [
  // ---- validation (whoami): the card must render the reason ----
  {
    kind: "whoami",
    name: "latency within the timeout",
    fault: "latency:150",
    match: WHOAMI,
    timeoutMs: 5_000,
    verdict: "valid",
    reason: /sandbox-alice.*write token/,
  },
  {
    kind: "whoami",
    name: "hang → timeout",
    fault: "hang",
    match: WHOAMI,
    timeoutMs: 300,
    verdict: "network-error",
    code: "timeout",
    reason: /No answer from 127\.0\.0\.1:\d+ within 0\.3 s \(timeout\)/,
  },
  {
    kind: "whoami",
    name: "429 with Retry-After",
    fault: "429",
    match: WHOAMI,
    verdict: "rate-limited",
    code: "rate-limited",
    reason: /429.*Retry-After: 7 s/,
  },
  {
    kind: "whoami",
    name: "500",
    fault: "500",
    match: WHOAMI,
    verdict: "server-error",
    code: "server-error",
    reason: /answered 500/,
  },
  {
    kind: "whoami",
    name: "502",
    fault: "502",
    match: WHOAMI,
    verdict: "server-error",
    code: "server-error",
    reason: /answered 502/,
  },
  {
    kind: "whoami",
    name: "503-loading",
    fault: "503-loading",
    match: WHOAMI,
    verdict: "server-error",
    code: "server-error",
    reason: /answered 503/,
  },
  {
    kind: "whoami",
    name: "html-error",
    fault: "html-error",
    match: WHOAMI,
    verdict: "server-error",
    code: "unexpected-response",
    reason: /502 with an HTML error page/,
  },
  {
    kind: "whoami",
    name: "truncated-json",
    fault: "truncated-json",
    match: WHOAMI,
    verdict: "server-error",
    code: "unexpected-response",
    reason: /truncated/,
  },
  {
    kind: "whoami",
    name: "reset",
    fault: "reset",
    match: WHOAMI,
    verdict: "network-error",
    code: "connection-failed",
    reason: /connection to 127\.0\.0\.1:\d+ was reset/,
  },
  {
    kind: "whoami",
    name: "connection refused (closed loopback port)",
    url: "refused",
    verdict: "network-error",
    code: "offline",
    reason: /127\.0\.0\.1:\d+ refused/,
  },
  {
    kind: "whoami",
    name: "unresolvable host (real DNS failure)",
    url: "dns",
    timeoutMs: 10_000,
    verdict: "network-error",
    code: "offline",
    reason: /Could not resolve the host name hfna-does-not-exist\.invalid \(DNS\)/,
  },
  // ---- probe rows: every fault on a Hub read (model-info) ----
  {
    kind: "probe",
    name: "model-info: latency within the timeout",
    row: "hub.model-info",
    fault: "latency:150",
    match: MODEL_INFO,
    timeoutMs: 5_000,
    verdict: "ok",
    status: 200,
    reason: /distilbert.*text-classification, public/,
  },
  {
    kind: "probe",
    name: "model-info: 429",
    row: "hub.model-info",
    fault: "429",
    match: MODEL_INFO,
    verdict: "failed",
    code: "rate-limited",
    status: 429,
    reason: /Rate limited \(429\).*retry after 7 s/,
  },
  {
    kind: "probe",
    name: "model-info: 500",
    row: "hub.model-info",
    fault: "500",
    match: MODEL_INFO,
    verdict: "failed",
    code: "server-error",
    status: 500,
    reason: /answered 500 .*not your token's fault/,
  },
  {
    kind: "probe",
    name: "model-info: 502",
    row: "hub.model-info",
    fault: "502",
    match: MODEL_INFO,
    verdict: "failed",
    code: "server-error",
    status: 502,
    reason: /answered 502 \(Bad Gateway\)/,
  },
  {
    kind: "probe",
    name: "model-info: 503-loading",
    row: "hub.model-info",
    fault: "503-loading",
    match: MODEL_INFO,
    verdict: "failed",
    code: "model-loading",
    status: 503,
    reason: /loading \(503\); ready in about 20 s/,
  },
  {
    kind: "probe",
    name: "model-info: html-error",
    row: "hub.model-info",
    fault: "html-error",
    match: MODEL_INFO,
    verdict: "failed",
    code: "unexpected-response",
    status: 502,
    reason: /502 with an HTML page instead of JSON/,
  },
  {
    kind: "probe",
    name: "model-info: truncated-json",
    row: "hub.model-info",
    fault: "truncated-json",
    match: MODEL_INFO,
    verdict: "failed",
    code: "unexpected-response",
    reason: /not valid JSON \(cut off or garbled\)/,
  },
  {
    kind: "probe",
    name: "model-info: reset",
    row: "hub.model-info",
    fault: "reset",
    match: MODEL_INFO,
    verdict: "failed",
    code: "connection-failed",
    reason: /the Hub closed the connection without an answer/,
  },
  // ---- probe rows: router faults probe_test.ts does not inject ----
  {
    kind: "probe",
    name: "router: latency within the timeout",
    row: "inference.text-classification",
    fault: "latency:150",
    match: ROUTER,
    timeoutMs: 5_000,
    verdict: "ok",
    status: 200,
    reason: /top label POSITIVE/,
  },
  {
    kind: "probe",
    name: "router: hang → the row's own timeout",
    row: "inference.text-classification",
    fault: "hang",
    match: ROUTER,
    timeoutMs: 400,
    verdict: "failed",
    code: "timeout",
    reason: /No answer from the Inference Providers router within 400 ms/,
  },
  {
    kind: "probe",
    name: "router: injected 429",
    row: "inference.text-classification",
    fault: "429",
    match: ROUTER,
    verdict: "failed",
    code: "provider-rate-limited",
    status: 429,
    reason: /Rate limited \(429\).*retry after 7 s/,
  },
  {
    kind: "probe",
    name: "router: injected 503-loading on a normal model",
    row: "inference.text-classification",
    fault: "503-loading",
    match: ROUTER,
    verdict: "failed",
    code: "model-loading",
    status: 503,
    reason: /distilbert.* is loading \(503\); ready in about 20 s/,
  },
  // ---- probe rows: the table's own whoami row ----
  {
    kind: "probe",
    name: "whoami row: hang → timeout",
    row: "hub.whoami",
    fault: "hang",
    match: WHOAMI,
    timeoutMs: 400,
    verdict: "failed",
    code: "timeout",
    reason: /No answer from the Hub within 400 ms/,
  },
  {
    kind: "probe",
    name: "whoami row: 429",
    row: "hub.whoami",
    fault: "429",
    match: WHOAMI,
    verdict: "failed",
    code: "rate-limited",
    status: 429,
    reason: /Rate limited \(429\).*retry after 7 s/,
  },
  {
    kind: "probe",
    name: "whoami row: html-error",
    row: "hub.whoami",
    fault: "html-error",
    match: WHOAMI,
    verdict: "failed",
    code: "unexpected-response",
    status: 502,
    reason: /HTML page instead of JSON/,
  },
  {
    kind: "probe",
    name: "whoami row: 503 from the Hub API is a server error, not a loading model",
    row: "hub.whoami",
    fault: "503-loading",
    match: WHOAMI,
    verdict: "failed",
    code: "server-error",
    status: 503,
    reason: /503/,
  },
  {
    kind: "probe",
    name: "whoami row: reset",
    row: "hub.whoami",
    fault: "reset",
    match: WHOAMI,
    verdict: "failed",
    code: "connection-failed",
    reason: /connection to 127\.0\.0\.1:\d+ was reset/,
  },
  {
    kind: "probe",
    name: "whoami row: connection refused (closed loopback port)",
    row: "hub.whoami",
    url: "refused",
    verdict: "failed",
    code: "offline",
    reason: /127\.0\.0\.1:\d+ refused/,
  },
  {
    kind: "probe",
    name: "whoami row: unresolvable host (real DNS failure)",
    row: "hub.whoami",
    url: "dns",
    timeoutMs: 10_000,
    verdict: "failed",
    code: "offline",
    reason: /Could not resolve the host name hfna-does-not-exist\.invalid \(DNS\)/,
  },
  {
    kind: "probe",
    name: "whoami row: truncated-json says what happened",
    row: "hub.whoami",
    fault: "truncated-json",
    match: WHOAMI,
    verdict: "failed",
    code: "unexpected-response",
    reason: /truncated|not valid JSON/,
  },
  {
    kind: "probe",
    name: "chat row: unresolvable host (real DNS failure)",
    row: "inference.chat",
    url: "dns",
    timeoutMs: 10_000,
    verdict: "failed",
    code: "offline",
    reason: /Could not resolve the Inference Providers router: the name lookup \(DNS\) failed/,
  },
];

function closedPort(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return `http://127.0.0.1:${port}`;
}

function endpoints(c: Case, hub: Sandbox) {
  if (c.url === "refused") {
    const url = closedPort();
    return { hubUrl: url, inferenceUrl: url };
  }
  if (c.url === "dns") return { hubUrl: UNRESOLVABLE, inferenceUrl: UNRESOLVABLE };
  return { hubUrl: hub.url, inferenceUrl: hub.inferenceUrl };
}

function assertRenders(label: string, text: string, html: string, reason: string): void {
  // the text form wraps long lines at the terminal's width
  const words = (s: string) => s.replace(/\s+/g, " ");
  assert.ok(words(text).includes(words(reason)), `${label}: text form lacks the reason\n${text}`);
  assert.ok(html.includes(escapeHtml(reason)), `${label}: HTML form lacks the reason`);
  for (const p of Object.values(PERSONAS)) {
    assert.ok(!(text + html).includes(p.token), `${label}: ${p.name}'s token in the output`);
  }
}

async function runCase(c: Case): Promise<void> {
  clearToken();
  await using hub = startSandbox({ quiet: true });
  if (c.fault) hub.setFault({ fault: c.fault, match: c.match });
  const urls = endpoints(c, hub);
  if (c.kind === "whoami") {
    const v = await whoami({
      token: TOKEN,
      ...urls,
      env: {},
      refresh: true,
      timeoutMs: c.timeoutMs,
    });
    await spoolOutput(`fault_matrix/whoami/${c.name}`, v);
    assert.equal(v.verdict, c.verdict, `${c.name}: ${v.reason}`);
    if (c.code) assert.ok(v.diagnostics.some((d) => d.code === c.code), `${c.name}: ${c.code}`);
    assert.match(v.reason, c.reason);
    assertRenders(c.name, v.toString(), v.toHtml(), v.reason);
    return;
  }
  const table = await probe({
    token: TOKEN,
    ...urls,
    env: {},
    display: false,
    only: [c.row],
    timeoutMs: c.timeoutMs ?? 5_000,
  });
  await spoolOutput(`fault_matrix/probe/${c.name}`, table);
  const row = table.get(c.row);
  assert.ok(row, `${c.name}: no row ${c.row}`);
  assert.equal(row.verdict, c.verdict, `${c.name}: ${row.code} ${row.reason}`);
  if (c.code) assert.equal(row.code, c.code, `${c.name}: ${row.reason}`);
  if (c.status !== undefined) assert.equal(row.status, c.status, c.name);
  assert.match(row.reason ?? "", c.reason);
  if (row.verdict === "failed") assert.ok((row.fix ?? "").length > 10, `${c.name}: a fix`);
  // a failure's reason is in the compact text; a success's observation only in the full text
  const text = row.verdict === "ok"
    ? renderProbeTableText(table.toJSON(), { verbose: true })
    : table.toString();
  assertRenders(c.name, text, table.toHtml(), row.reason!);
  assert.ok(table.isComplete, "the table completes");
}

Deno.test(`fault matrix has at least 15 cases (${CASES.length})`, () => {
  assert.ok(CASES.length >= 15);
  assert.equal(new Set(CASES.map((c) => `${c.kind}:${c.name}`)).size, CASES.length);
});

for (const c of CASES) {
  Deno.test(`fault matrix: ${c.kind} — ${c.name}`, () => runCase(c));
}
