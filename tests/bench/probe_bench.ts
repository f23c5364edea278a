/**
 * Benchmark of probe(): the default suite against the sandbox with injected
 * latency per request (200 ms and 50 ms), comparing
 * - concurrent: the suite with the default concurrency (6),
 * - slowest probe: each probe alone (`only: [id]`), the slowest of them,
 * - sequential: the suite with `concurrency: 1`.
 *
 * Targets: concurrent ≤ 1.25 × the least time allowed, and concurrent ≥ 4 × faster
 * than sequential. The least time allowed is the slowest probe alone, or, when the
 * suite makes more requests than `concurrency` lets fly at once, ⌈requests / 6⌉ ×
 * latency (the documented bound: never more than 6 requests in flight). Since the
 * session keeps the token's validation and the model searches (issue 12), a warm
 * suite is ~12 one-request rows: two rounds of 6, so the slowest probe alone (one
 * request) is no longer the floor. Exits non-zero when a target is missed.
 *
 * Run: `deno run -A tests/bench/probe_bench.ts` (a script, not a timed test).
 */
import { probe, type ProbeOptions } from "../../mod.ts";
import { DEFAULT_PROBE_CONCURRENCY, DEFAULT_SUITE } from "../../src/probes/mod.ts";
import { PERSONAS, startSandbox } from "../../src/sandbox/mod.ts";

const RUNS = 3;

async function wall(options: ProbeOptions): Promise<number> {
  const t0 = performance.now();
  const table = await probe(options);
  const ms = performance.now() - t0;
  if (!table.isComplete) throw new Error("table not complete");
  return ms;
}

async function median(fn: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await fn());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const rows: string[][] = [];
let failed = false;

for (const latency of [200, 50]) {
  await using hub = startSandbox({ quiet: true });
  const base: ProbeOptions = {
    token: PERSONAS.read.token,
    hubUrl: hub.url,
    inferenceUrl: hub.inferenceUrl,
    env: {},
    display: false,
  };
  // Warm-up without latency: module loading and the client's provider-mapping cache.
  await probe(base);
  hub.setLatency(latency);

  const before = hub.requests.length;
  await wall(base);
  const requests = hub.requests.length - before;
  const concurrent = await median(() => wall(base));
  const sequential = await median(() => wall({ ...base, concurrency: 1 }));
  let slowest = 0;
  let slowestId = "";
  for (const p of DEFAULT_SUITE) {
    const ms = await median(() => wall({ ...base, only: [p.id] }));
    if (ms > slowest) {
      slowest = ms;
      slowestId = p.id;
    }
  }
  const rounds = Math.ceil(requests / DEFAULT_PROBE_CONCURRENCY);
  const floor = Math.max(slowest, rounds * latency);
  const vsSlowest = concurrent / floor;
  const speedup = sequential / concurrent;
  const ok1 = vsSlowest <= 1.25;
  const ok2 = speedup >= 4;
  failed ||= !ok1 || !ok2;
  rows.push([
    `${latency} ms`,
    `${concurrent.toFixed(0)} ms`,
    `${floor.toFixed(0)} ms (slowest ${slowestId} ${
      slowest.toFixed(0)
    } ms; ${requests} req → ${rounds} rounds)`,
    `${sequential.toFixed(0)} ms`,
    `${vsSlowest.toFixed(2)}× ${ok1 ? "✔" : "✖"} (≤ 1.25)`,
    `${speedup.toFixed(1)}× ${ok2 ? "✔" : "✖"} (≥ 4)`,
  ]);
}

const header = [
  "latency/request",
  "concurrent (6)",
  "least allowed",
  "sequential (1)",
  "concurrent/least",
  "sequential/concurrent",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(" │ ");
console.log(`probe() default suite (${DEFAULT_SUITE.length} rows), median of ${RUNS} runs`);
console.log(line(header));
console.log(widths.map((w) => "─".repeat(w)).join("─┼─"));
for (const r of rows) console.log(line(r));
if (failed) {
  console.error("probe bench: a target was missed");
  Deno.exit(1);
}
