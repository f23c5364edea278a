/**
 * Issue 19 "Done when": the peak memory of whoami, probe, the device login and the Kaggle
 * lookup against a server whose answer never ends stays under 100 MB more than an idle
 * process, and each ends within its timeout.
 *
 * The parent serves the endless answers on loopback (`Deno.serve`, port 0) and runs each
 * case in a child process of its own; the child reports its peak resident set (`VmHWM` in
 * `/proc/self/status`, the kernel's high-water mark, so nothing between two samples is
 * missed) and its wall time. The idle process imports the same modules and does nothing.
 * A watchdog stops a child that passes 1 GB (an unbounded reader would take the machine).
 *
 * Run: `deno run -A tests/bench/endless_body_bench.ts` (also run by `deno task bench`); the
 * last line is JSON for tests/bench/run.ts.
 */

const SELF = new URL(import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;
/** The bound this bench checks (issue 19). */
export const LIMIT_MB = 100;
const WATCHDOG_MB = 1024;

/** Timeouts each case runs with (the library's defaults, given explicitly). */
const TIMEOUT_MS = { whoami: 10_000, probe: 15_000, device: 15_000, kaggle: 40_000 };
type Case = "idle" | keyof typeof TIMEOUT_MS;

function peakMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

// ------------------------------------------------------------------------------ child side
if (import.meta.main && Deno.args[0] === "--child") {
  const what = Deno.args[1] as Case;
  const url = Deno.args[2];
  const mod = await import(`${ROOT}mod.ts`);
  const token = "hf_sandbox_read_alice";
  const t0 = performance.now();
  const watchdog = setInterval(() => {
    const rss = Deno.memoryUsage().rss / 2 ** 20;
    if (rss > WATCHDOG_MB) {
      const ms = performance.now() - t0;
      console.log(JSON.stringify({ what, peakMb: peakMb(), ms, outcome: "stopped at 1 GB" }));
      Deno.exit(0);
    }
  }, 20);
  let outcome = "";
  try {
    if (what === "whoami") {
      const v = await mod.whoami({ token, hubUrl: url, env: {}, timeoutMs: TIMEOUT_MS.whoami });
      outcome = `${v.verdict}: ${v.reason}`;
    } else if (what === "probe") {
      const table = await mod.probe({
        token,
        hubUrl: url,
        inferenceUrl: url,
        env: {},
        display: false,
        timeoutMs: TIMEOUT_MS.probe,
      });
      outcome = table.toJSON().summary;
    } else if (what === "device") {
      const v = await mod.browserLogin({
        hubUrl: url,
        env: {},
        display: "none",
        sleep: (ms: number) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
      });
      outcome = `${v.verdict}: ${v.reason}`;
    } else if (what === "kaggle") {
      const got = await mod.secrets.get("HF_TOKEN", {
        env: { KAGGLE_USER_SECRETS_TOKEN: "kaggle-bench-jwt", KAGGLE_URL_BASE: url },
        mountedSecretDirs: [],
      });
      outcome = `got ${typeof got}`;
    }
  } catch (error) {
    outcome = `${(error as Error).name}: ${(error as Error).message}`;
  }
  const ms = performance.now() - t0;
  clearInterval(watchdog);
  console.log(JSON.stringify({ what, peakMb: peakMb(), ms, outcome: outcome.slice(0, 160) }));
  Deno.exit(0);
}

// ----------------------------------------------------------------------------- parent side

/** A body that never ends: 64 KiB of JSON-looking text per chunk, as fast as it is read. */
function endless(): Response {
  const chunk = new TextEncoder().encode(`{"pad":"${"x".repeat(65_536)}",`);
  return new Response(
    new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(chunk) }),
    { headers: { "content-type": "application/json" } },
  );
}

/** One result of a case. */
export interface EndlessResult {
  what: Case;
  peakMb: number;
  ms: number;
  outcome: string;
  timeoutMs?: number;
  addedMb?: number;
  met?: boolean;
}

if (import.meta.main) {
  // The device login starts normally (its code endpoint answers) and then polls an endless
  // token endpoint; every other request gets an endless answer.
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/oauth/device") {
      return Response.json({
        device_code: "bench-device-code-not-a-secret-0000",
        user_code: "BNCH-MARK",
        verification_uri: `http://127.0.0.1/oauth/device`,
        expires_in: 60,
        interval: 1,
      });
    }
    return endless();
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  const child = async (what: Case): Promise<EndlessResult> => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-check", "--config", `${ROOT}deno.json`, SELF, "--child", what, url],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
    try {
      return JSON.parse(text);
    } catch {
      return {
        what,
        peakMb: NaN,
        ms: NaN,
        outcome: new TextDecoder().decode(out.stderr).slice(-300),
      };
    }
  };
  const idle = await child("idle");
  const results: EndlessResult[] = [];
  for (const what of ["whoami", "probe", "device", "kaggle"] as const) {
    const r = await child(what);
    r.timeoutMs = TIMEOUT_MS[what];
    r.addedMb = r.peakMb - idle.peakMb;
    r.met = r.addedMb < LIMIT_MB && r.ms <= r.timeoutMs;
    results.push(r);
  }
  await server.shutdown();
  console.log(`idle process: peak ${idle.peakMb.toFixed(1)} MB`);
  for (const r of results) {
    console.log(
      `${r.what.padEnd(7)} peak ${r.peakMb.toFixed(1)} MB (+${r.addedMb!.toFixed(1)} MB), ` +
        `${(r.ms / 1000).toFixed(2)} s of ${r.timeoutMs! / 1000} s ${
          r.met ? "✔" : "✖"
        } — ${r.outcome}`,
    );
  }
  console.log(JSON.stringify({ idleMb: idle.peakMb, results }));
}
