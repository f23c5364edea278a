/**
 * `deno task bench`: whole-process measurements plus the `deno bench` cases,
 * printed as a table and written into the generated section of BENCHMARKS.md.
 *
 * 1. import cost: `import mod.ts` vs an empty script, warm cache, interleaved
 *    subprocess runs, medians (target ≤ +15 ms), plus which npm packages
 *    the import loads (target: none — the Hugging Face clients load lazily);
 * 2. cached calls: getToken() and whoami() after the first call make 0 requests
 *    and 0 file operations (session stats, a counting fetch, and wrapped
 *    Deno file APIs in a subprocess), and their time per call (`deno bench`);
 * 2b. one whoami-v2 per token per session: login() + three probe() calls, counted
 *    at the sandbox (and one model search per searched task);
 * 3b. inferenceClient(): overhead vs a plain InferenceClient, and the bounded retries
 *    (tests/bench/calls_bench.ts);
 * 3. probe table vs the least time allowed (slowest probe, or ⌈requests/6⌉ rounds) vs
 *    sequential at 200/50 ms latency
 *    (tests/bench/probe_bench.ts, by the probe helper);
 * 4. memory: RSS added by import + login + probe in one process;
 * 4b. endless answers: peak RSS of whoami, probe, the device login and the Kaggle lookup
 *    against a body that never ends, over an idle process (target < +100 MB), and each ends
 *    within its timeout (tests/bench/endless_body_bench.ts, one child process per case);
 * 5. first run: `deno task demo --script` and `deno task hf whoami` (sandbox) with an empty
 *    DENO_DIR (downloads from the npm registry) vs the same command again, warm (target: cold
 *    within 1.5 s of warm), and what the cold run put in the cache (no test/tooling package);
 * 6. `hf scan` on a generated tree of 2,000 notebooks + 2,000 files with planted tokens and
 *    decoys vs ripgrep (tests/bench/scan_bench.ts; `SCAN_BENCH_MB`, default 256 here to keep
 *    CI short; BENCHMARKS.md records a hand run at 1 GB).
 *
 * Exits non-zero when a target is missed. Budget: well under 5 minutes.
 */
import { fileURLToPath } from "node:url";
import { PERSONAS, startSandbox } from "../../src/sandbox/mod.ts";
import { cachedNpmPackages, newcomerEnv, treeBytes } from "../_npm_cache.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CONFIG = `${ROOT}deno.json`;
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 41);
const started = performance.now();

interface Row {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}
const rows: Row[] = [];
const extra: string[] = [];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function run(args: string[], env: Record<string, string> = {}, clearEnv = false) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env,
    clearEnv,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    ok: out.success,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

async function timed(args: string[]): Promise<number> {
  const t0 = performance.now();
  const r = await run(args);
  const ms = performance.now() - t0;
  if (!r.ok) throw new Error(`${args.join(" ")} failed:\n${r.stderr}`);
  return ms;
}

const tmp = await Deno.makeTempDir({ prefix: "hfna-bench-" });
try {
  // ---- 1. import cost ---------------------------------------------------------------------
  const empty = `${tmp}/empty.ts`;
  const importer = `${tmp}/import.ts`;
  await Deno.writeTextFile(empty, "export {};\n");
  await Deno.writeTextFile(importer, `import * as m from "${ROOT}mod.ts";\nvoid m;\n`);
  const argsOf = (file: string) => ["run", "-A", "--no-check", "--config", CONFIG, file];
  for (let i = 0; i < 2; i++) await timed(argsOf(importer)), await timed(argsOf(empty)); // warm
  const tEmpty: number[] = [];
  const tImport: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    tEmpty.push(await timed(argsOf(empty)));
    tImport.push(await timed(argsOf(importer)));
  }
  const added = median(tImport) - median(tEmpty);
  rows.push({
    what: `import mod.ts (warm cache), median of ${RUNS} runs each`,
    target: "≤ +15 ms over an empty script",
    measured: `+${added.toFixed(1)} ms (${median(tImport).toFixed(0)} vs ${
      median(tEmpty).toFixed(0)
    } ms)`,
    met: added <= 15,
  });

  // Which npm packages does the import load? (The HF clients must load on first use only.)
  const graph = await run(["info", "--json", "--config", CONFIG, `${ROOT}mod.ts`]);
  const info = JSON.parse(graph.stdout) as {
    modules: {
      specifier: string;
      dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
    }[];
  };
  const staticNpm = new Set<string>();
  const dynamicNpm = new Set<string>();
  for (const m of info.modules) {
    if (!m.specifier.startsWith("file:")) continue;
    for (const d of m.dependencies ?? []) {
      const spec = d.code?.specifier ?? "";
      if (!spec.startsWith("npm:") && !spec.startsWith("@")) continue;
      (d.isDynamic ? dynamicNpm : staticNpm).add(spec);
    }
  }
  rows.push({
    what: "npm packages imported eagerly by mod.ts",
    target: "none (clients load lazily)",
    measured: staticNpm.size
      ? [...staticNpm].join(", ")
      : dynamicNpm.size
      ? `none (${dynamicNpm.size} lazy: ${
        [...dynamicNpm].map((s) => s.replace(/^npm:/, "").replace(/@\^?[\d.]+$/, "")).join(", ")
      })`
      : "none (src/_clients.ts loads the clients on first use, outside the static graph)",
    met: staticNpm.size === 0,
  });

  // ---- 2. cached calls: no I/O -------------------------------------------------------------
  const ioScript = `${tmp}/io.ts`;
  await Deno.writeTextFile(
    ioScript,
    `
import { getToken, whoami } from "${ROOT}mod.ts";
import { sessionState } from "${ROOT}src/resolve/mod.ts";
import { PERSONAS, startSandbox } from "${ROOT}src/sandbox/mod.ts";
await using hub = startSandbox({ quiet: true });
const home = await Deno.makeTempDir();
await Deno.writeTextFile(home + "/token", PERSONAS.read.token, { mode: 0o600 });
let requests = 0;
const fetch: typeof globalThis.fetch = (i, init) => { requests++; return globalThis.fetch(i, init); };
const fileOps: Record<string, number> = {};
const d = Deno as unknown as Record<string, unknown>;
for (const name of ["readTextFile", "readFile", "stat", "lstat", "open", "readDir", "readLink"]) {
  const original = d[name] as (...a: unknown[]) => unknown;
  d[name] = (...a: unknown[]) => { fileOps[name] = (fileOps[name] ?? 0) + 1; return original.apply(Deno, a); };
}
const opts = { env: { HF_HOME: home }, cwd: home, mountedSecretDirs: [], kaggle: false, prompt: false };
await getToken(opts);
await whoami({ hubUrl: hub.url, env: {}, fetch });
const stats0 = structuredClone(sessionState().stats);
const before = { requests, files: Object.values(fileOps).reduce((a, b) => a + b, 0), hub: hub.requests.length };
const N = 1000;
const t0 = performance.now();
for (let i = 0; i < N; i++) await getToken();
const tGet = (performance.now() - t0) / N;
const t1 = performance.now();
for (let i = 0; i < N; i++) await whoami({ hubUrl: hub.url, env: {}, fetch });
const tWho = (performance.now() - t1) / N;
const stats1 = sessionState().stats;
console.log(JSON.stringify({
  requests: requests - before.requests,
  hubRequests: hub.requests.length - before.hub,
  fileOps: Object.values(fileOps).reduce((a, b) => a + b, 0) - before.files,
  statRequests: stats1.requests - stats0.requests,
  statFileReads: stats1.fileReads - stats0.fileReads,
  resolutions: stats1.resolutions - stats0.resolutions,
  firstCallFileOps: before.files,
  usGet: tGet * 1000, usWho: tWho * 1000,
}));
await Deno.remove(home, { recursive: true });
`,
  );
  const io = await run(["run", "-A", "--no-check", "--config", CONFIG, ioScript]);
  if (!io.ok) throw new Error(`io script failed:\n${io.stderr}`);
  const m = JSON.parse(io.stdout.trim().split("\n").at(-1)!);
  const zero = m.requests + m.hubRequests + m.statRequests === 0 &&
    m.fileOps + m.statFileReads + m.resolutions === 0;
  rows.push({
    what: "getToken() + whoami() ×1000 after the first call",
    target: "0 requests, 0 file operations",
    measured: `${m.requests} requests (fetch), ${m.hubRequests} (sandbox), ${m.statRequests} ` +
      `(stats); ${m.fileOps} file ops (wrapped Deno APIs), ${m.statFileReads} (stats); first ` +
      `call: ${m.firstCallFileOps} file ops`,
    met: zero,
  });
  extra.push(
    `In-process loop (1000 calls): getToken() ${m.usGet.toFixed(2)} µs/call, whoami() ` +
      `${m.usWho.toFixed(2)} µs/call.`,
  );

  // ---- 2b. one whoami-v2 per token per session, one model search per task ------------------
  const sessionScript = `${tmp}/session.ts`;
  await Deno.writeTextFile(
    sessionScript,
    `
import { login, probe } from "${ROOT}mod.ts";
import { DEFAULT_SUITE } from "${ROOT}src/probes/mod.ts";
import { PERSONAS, startSandbox } from "${ROOT}src/sandbox/mod.ts";
await using hub = startSandbox({ quiet: true });
const token = PERSONAS.read.token;
const net = { hubUrl: hub.url, inferenceUrl: hub.inferenceUrl, env: {} };
await login({ token, ...net });
for (let i = 0; i < 3; i++) await probe({ token, ...net, display: false });
const paths = hub.requests.map((r) => r.path);
console.log(JSON.stringify({
  whoami: paths.filter((p) => p.startsWith("/api/whoami-v2")).length,
  searches: paths.filter((p) => /^\\/api\\/models\\?/.test(p) && p.includes("pipeline_tag=")).length,
  tasks: DEFAULT_SUITE.filter((p) => p.pick).length,
}));
`,
  );
  const session = await run(["run", "-A", "--no-check", "--config", CONFIG, sessionScript]);
  if (!session.ok) throw new Error(`session script failed:\n${session.stderr}`);
  const sess = JSON.parse(session.stdout.trim().split("\n").at(-1)!);
  rows.push({
    what: "whoami-v2 requests per session: login() + three probe() calls (counted at the sandbox)",
    target: "1",
    measured: String(sess.whoami),
    met: sess.whoami === 1,
  });
  rows.push({
    what: "model searches per session: the same login() + three probe() calls",
    target: `1 per searched task (${sess.tasks})`,
    measured: String(sess.searches),
    met: sess.searches === sess.tasks,
  });

  // deno bench cases (time per call).
  const bench = await run(["bench", "-A", "--no-check", "--json", "tests/bench/session_bench.ts"]);
  if (!bench.ok) throw new Error(`deno bench failed:\n${bench.stderr}`);
  const benchJson = JSON.parse(bench.stdout) as {
    benches: { name: string; results: { ok?: { avg: number; p99: number } }[] }[];
  };
  for (const b of benchJson.benches) {
    const r = b.results[0]?.ok;
    if (!r) continue;
    const us = r.avg / 1000;
    const limit = b.name.startsWith("whoami") ? 100 : b.name.startsWith("getToken") ? 10 : 50;
    rows.push({
      what: `deno bench: ${b.name}`,
      target: `≤ ${limit} µs/call`,
      measured: `${us < 1 ? `${r.avg.toFixed(0)} ns` : `${us.toFixed(1)} µs`} avg, p99 ${
        (r.p99 / 1000).toFixed(1)
      } µs`,
      met: us <= limit,
    });
  }

  // ---- 3. probe table ---------------------------------------------------------------------
  const probeBench = await run(["run", "-A", "--no-check", "tests/bench/probe_bench.ts"]);
  const probeOut = (probeBench.stdout + probeBench.stderr).trim();
  extra.push(
    "Probe table (tests/bench/probe_bench.ts, by the probe helper):\n\n```\n" + probeOut + "\n```",
  );
  for (const line of probeOut.split("\n").filter((l) => /^\d+ ms\s/.test(l))) {
    const cells = line.split("│").map((c) => c.trim());
    rows.push({
      what: `probe() at ${cells[0]}/request: concurrent vs least allowed (slowest probe, or ` +
        `⌈requests/6⌉ rounds)`,
      target: "≤ 1.25×",
      measured: `${cells[1]} vs ${cells[2]}: ${cells[4].replace(/ [✔✖].*/, "")}`,
      met: cells[4].includes("✔"),
    });
    rows.push({
      what: `probe() at ${cells[0]}/request: sequential vs concurrent`,
      target: "≥ 4× faster",
      measured: `${cells[3]} vs ${cells[1]}: ${cells[5].replace(/ [✔✖].*/, "")}`,
      met: cells[5].includes("✔"),
    });
  }
  if (!probeOut.match(/^\d+ ms\s/m)) {
    rows.push({ what: "probe bench", target: "runs", measured: "failed to run", met: false });
  }

  // ---- 3b. your own calls: inferenceClient() overhead and bounded retries -----------------
  const callsBench = await run(["run", "-A", "--no-check", "tests/bench/calls_bench.ts"]);
  const callsOut = (callsBench.stdout + callsBench.stderr).trim();
  const callsLine = callsOut.split("\n").find((l) => l.startsWith("RESULT "));
  if (callsLine) {
    const c = JSON.parse(callsLine.slice("RESULT ".length));
    rows.push({
      what: `inferenceClient() vs plain InferenceClient, same fetch, sandbox, median of ${c.calls}`,
      target: "≤ +1 ms, no extra request",
      measured: `+${c.overheadMs.toFixed(3)} ms (${c.medianWrappedMs.toFixed(3)} vs ` +
        `${
          c.medianPlainMs.toFixed(3)
        } ms); ${c.wrappedRequests} vs ${c.plainRequests} request/call`,
      met: c.overheadMs <= 1 && c.wrappedRequests === c.plainRequests,
    });
    rows.push({
      what: "inferenceClient(): a 429 with Retry-After: 2",
      target: "retried once after 2 s (± 0.2 s)",
      measured: `${c.retry.requests} requests, ${c.retry.seconds.toFixed(2)} s, ` +
        (c.retry.ok ? "succeeded" : "failed"),
      met: c.retry.ok && c.retry.requests === 2 && Math.abs(c.retry.seconds - 2) <= 0.2,
    });
    rows.push({
      what: "inferenceClient(): a 429 asking 120 s (> maxWaitSeconds 60)",
      target: "not retried",
      measured: `${c.long.requests} request, ${c.long.seconds.toFixed(2)} s, ${c.long.code}`,
      met: c.long.requests === 1,
    });
    rows.push({
      what: "inferenceClient(): a 503 with Retry-After: 1 every time",
      target: "ends after maxRetries (2): 3 requests",
      measured: `${c.loop.requests} requests, ${c.loop.seconds.toFixed(2)} s, ${c.loop.code}`,
      met: c.loop.requests === 3,
    });
  } else {
    rows.push({ what: "calls bench", target: "runs", measured: "failed to run", met: false });
    extra.push("calls bench output:\n\n```\n" + callsOut + "\n```");
  }

  // ---- 4. memory --------------------------------------------------------------------------
  const memScript = `${tmp}/mem.ts`;
  await Deno.writeTextFile(
    memScript,
    `
import { PERSONAS, startSandbox } from "${ROOT}src/sandbox/mod.ts";
await using hub = startSandbox({ quiet: true });
const rss = () => Deno.memoryUsage().rss;
const r0 = rss();
const mod = await import("${ROOT}mod.ts");
const r1 = rss();
const v = await mod.login({ token: PERSONAS.read.token, hubUrl: hub.url, env: {}, display: false });
const r2 = rss();
await mod.probe({ token: PERSONAS.read.token, hubUrl: hub.url, inferenceUrl: hub.inferenceUrl, env: {}, display: false });
const r3 = rss();
console.log(JSON.stringify({ verdict: v.verdict, importMb: (r1 - r0) / 2 ** 20, loginMb: (r2 - r1) / 2 ** 20, probeMb: (r3 - r2) / 2 ** 20, totalMb: (r3 - r0) / 2 ** 20 }));
`,
  );
  const mems: { importMb: number; loginMb: number; probeMb: number; totalMb: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const mem = await run(["run", "-A", "--no-check", "--config", CONFIG, memScript]);
    if (!mem.ok) throw new Error(`memory script failed:\n${mem.stderr}`);
    mems.push(JSON.parse(mem.stdout.trim().split("\n").at(-1)!));
  }
  const med = (k: keyof typeof mems[0]) => median(mems.map((x) => x[k]));
  rows.push({
    what: "RSS added by import + login + probe (one process, median of 3)",
    target: "≤ 150 MB",
    measured: `${med("totalMb").toFixed(1)} MB (import ${med("importMb").toFixed(1)}, login ${
      med("loginMb").toFixed(1)
    }, probe ${med("probeMb").toFixed(1)})`,
    met: med("totalMb") <= 150,
  });

  // ---- 4b. endless answers: bounded memory, ends within the timeout (issue 19) ---------------
  const endless = await run(["run", "-A", "--no-check", "tests/bench/endless_body_bench.ts"]);
  const endlessOut = endless.stdout.trim().split("\n");
  try {
    const e = JSON.parse(endlessOut.at(-1)!) as {
      idleMb: number;
      results: {
        what: string;
        peakMb: number;
        addedMb: number;
        ms: number;
        timeoutMs: number;
        met: boolean;
        outcome: string;
      }[];
    };
    const label: Record<string, string> = {
      whoami: "whoami()",
      probe: "probe()",
      device: "the device login (polling)",
      kaggle: "the Kaggle secret lookup",
    };
    for (const r of e.results) {
      rows.push({
        what: `${label[r.what] ?? r.what} against an endless answer: peak RSS (VmHWM) over an ` +
          `idle process (${e.idleMb.toFixed(0)} MB); wall time`,
        target: `< +100 MB; ends within its timeout (${r.timeoutMs / 1000} s)`,
        measured: `+${r.addedMb.toFixed(1)} MB; ${(r.ms / 1000).toFixed(2)} s` +
          (r.outcome.startsWith("stopped") ? ` (${r.outcome})` : ""),
        met: r.met,
      });
    }
    extra.push(
      "Endless answers (tests/bench/endless_body_bench.ts: one child process per case, peak " +
        "RSS from /proc/self/status VmHWM):\n\n```\n" + endlessOut.slice(0, -1).join("\n") +
        "\n```",
    );
  } catch {
    rows.push({
      what: "endless-answer bench",
      target: "runs",
      measured: `failed to run: ${endless.stderr.slice(-200)}`,
      met: false,
    });
  }

  // ---- 5. first run: empty DENO_DIR vs warm ---------------------------------------------------
  const COLD_RUNS = Number(Deno.env.get("BENCH_COLD_RUNS") ?? 5);
  const TOOLING =
    /^(playwright(-core)?|@jupyterlab\/.*|@jupyter\/.*|@lumino\/.*|react(-is)?|yjs|ajv)@/;
  await using hub = startSandbox({ quiet: true });
  // Issue 15 sets the target for the demo; the CLI's figure is reported beside it.
  const firstRuns: [string, string[], Record<string, string>, boolean][] = [
    ["deno task demo --script", ["task", "demo", "--script"], {}, true],
    ["deno task hf whoami (sandbox)", ["task", "hf", "whoami"], {
      ...hub.env,
      HF_TOKEN: PERSONAS.read.token,
    }, false],
  ];
  for (const [label, args, env, hasTarget] of firstRuns) {
    const cold: number[] = [];
    const warm: number[] = [];
    let fetched = new Set<string>();
    let bytes = 0;
    for (let i = 0; i < COLD_RUNS; i++) {
      const home = await Deno.makeTempDir({ dir: tmp, prefix: "home-" });
      const denoDir = await Deno.makeTempDir({ dir: tmp, prefix: "deno-dir-" });
      const once = async () => {
        const t0 = performance.now();
        const r = await run(args, { ...newcomerEnv(home, denoDir), ...env }, true);
        if (!r.ok) throw new Error(`${label} failed:\n${r.stdout}\n${r.stderr}`);
        return performance.now() - t0;
      };
      cold.push(await once());
      fetched = await cachedNpmPackages(denoDir);
      bytes = await treeBytes(denoDir);
      warm.push(await once());
      await Deno.remove(denoDir, { recursive: true });
    }
    const delta = median(cold) - median(warm);
    rows.push({
      what: `${label}: cold (empty DENO_DIR) vs warm, median of ${COLD_RUNS}`,
      target: hasTarget ? "cold ≤ warm + 1.5 s" : "reported (target set for the demo)",
      measured: `${(median(cold) / 1000).toFixed(2)} s vs ${(median(warm) / 1000).toFixed(2)} s ` +
        `(+${(delta / 1000).toFixed(2)} s)`,
      met: !hasTarget || delta <= 1500,
    });
    const tooling = [...fetched].filter((p) => TOOLING.test(p));
    rows.push({
      what: `${label}: what the cold run cached`,
      target: "no test/tooling package",
      measured: `${fetched.size} npm packages, ${(bytes / 2 ** 20).toFixed(0)} MB in DENO_DIR` +
        (tooling.length ? `, including ${tooling.join(", ")}` : ""),
      met: tooling.length === 0,
    });
  }

  // ---- 6. hf scan vs ripgrep ------------------------------------------------------------------
  const scanMb = Deno.env.get("SCAN_BENCH_MB") ?? "256";
  const scanBench = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", "tests/bench/scan_bench.ts"],
    cwd: ROOT,
    env: { SCAN_BENCH_MB: scanMb },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const scanLines = new TextDecoder().decode(scanBench.stdout).trim().split("\n");
  if (!scanBench.success) {
    rows.push({ what: "hf scan bench", target: "runs", measured: "failed to run", met: false });
  } else {
    const sc = JSON.parse(scanLines.at(-1)!);
    const tree = `${sc.notebooks} notebooks + ${sc.others} files, ${sc.mb.toFixed(0)} MB`;
    rows.push({
      what: `hf scan (${tree}): planted tokens found, decoys flagged`,
      target: `all ${sc.planted} found, 0 decoys`,
      measured: `${sc.foundPlanted}/${sc.planted} found, ${sc.falsePositives} false positives ` +
        `(${sc.decoys} decoys planted)`,
      met: sc.foundPlanted === sc.planted && sc.falsePositives === 0,
    });
    rows.push({
      what: `hf scan --json vs rg, same tree and token pattern, median of ${sc.runs}`,
      target: "≤ 3× rg",
      measured: Number.isFinite(sc.rgMs)
        ? `${sc.scanMs.toFixed(0)} ms vs ${sc.rgMs.toFixed(0)} ms: ${sc.ratio.toFixed(2)}×`
        : "rg not installed",
      met: Number.isFinite(sc.rgMs) && sc.ratio <= 3,
    });
    rows.push({
      what: "hf scan peak RSS (/usr/bin/time)",
      target: "< 200 MB",
      measured: Number.isFinite(sc.peakMb)
        ? `${sc.peakMb.toFixed(0)} MB`
        : "unknown (no /usr/bin/time)",
      met: Number.isFinite(sc.peakMb) && sc.peakMb < 200,
    });
    extra.push(
      "hf scan (tests/bench/scan_bench.ts):\n\n```\n" + scanLines.slice(0, -1).join("\n") + "\n```",
    );
  }
} finally {
  await Deno.remove(tmp, { recursive: true });
}

// ---- report ---------------------------------------------------------------------------------
const seconds = (performance.now() - started) / 1000;
const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() => "")).match(
  /model name\s*:\s*(.*)/,
)?.[1] ?? Deno.build.arch;
const machine =
  `${navigator.hardwareConcurrency} cores (${cpu}), ${Deno.build.os}, Deno ${Deno.version.deno}`;
const table = [
  "| measurement | target | measured | met? |",
  "| --- | --- | --- | --- |",
  ...rows.map((r) => `| ${r.what} | ${r.target} | ${r.measured} | ${r.met ? "✔ yes" : "✖ no"} |`),
].join("\n");
const section = `<!-- bench:start (generated by \`deno task bench\`; do not edit by hand) -->\n\n` +
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; the bench took ` +
  `${seconds.toFixed(0)} s.\n\n${table}\n\n${extra.join("\n\n")}\n\n<!-- bench:end -->`;
console.log(table);
for (const e of extra) console.log(`\n${e}`);
console.log(`\n${machine}; ${seconds.toFixed(0)} s`);

const mdPath = `${ROOT}BENCHMARKS.md`;
const md = await Deno.readTextFile(mdPath).catch(() => "");
const re = /<!-- bench:start[\s\S]*?<!-- bench:end -->/;
await Deno.writeTextFile(mdPath, re.test(md) ? md.replace(re, section) : `${md}\n${section}\n`);
// The generated table is aligned by the project's formatter, so the committed file stays
// `deno fmt --check` clean without a hand edit after each bench run.
await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", mdPath], stdout: "null" })
  .output();
if (rows.some((r) => !r.met)) {
  console.error("bench: a target was missed (see ✖ rows)");
  Deno.exit(3); // distinct from a crash (1): CI reports a miss without failing on timing noise
}
