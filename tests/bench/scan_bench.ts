/**
 * `hf scan` on a generated tree vs ripgrep: 2,000 notebooks and 2,000 other files (about
 * `SCAN_BENCH_MB` MB in all, default 1024) with a few dozen planted tokens and as many
 * decoys. Checks that every planted token is found and no decoy is, times `hf scan --json`
 * and `rg` searching the same tree for the same token pattern (each as a fresh process, warm
 * page cache, median of `SCAN_BENCH_RUNS` runs, default 3), and reads the scan's peak RSS
 * from `/usr/bin/time`.
 *
 * Standalone: `deno run -A tests/bench/scan_bench.ts` prints a table and, last, one JSON line
 * that `tests/bench/run.ts` reads. The tree is generated once into a temporary folder and
 * removed at the end. Planted tokens are random (built here, never written in the source).
 */
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TOTAL_MB = Number(Deno.env.get("SCAN_BENCH_MB") ?? 1024);
const RUNS = Number(Deno.env.get("SCAN_BENCH_RUNS") ?? 3);
const NOTEBOOKS = 2000;
const OTHERS = 2000;
const PLANTED = 36;
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const { isPlaceholderToken } = await import(`${ROOT}src/scan/match_tokens.ts`);
const { maskToken } = await import(`${ROOT}src/_mask.ts`);

function token(prefix = "hf_", n = 34): string {
  for (;;) {
    const b = crypto.getRandomValues(new Uint8Array(n));
    const t = prefix + [...b].map((x) => ALNUM[x % 62]).join("");
    if (!isPlaceholderToken(t)) return t;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Filler text that looks like code and prose (underscores, `hf_` words that are no token). */
const CODE = [
  "from huggingface_hub import hf_hub_download, snapshot_download\n",
  "model_id = 'sandbox/tiny_model'  # see hf_hub_download docs\n",
  "const token = await getToken(); // never print it: maskToken(token)\n",
  "for (let row_index = 0; row_index < rows.length; row_index++) total_sum += rows[row_index];\n",
  "The quick brown fox jumps over the lazy dog; HF_TOKEN lives in a secret, not here.\n",
  "def train_step(batch_size=32, learning_rate=3e-4): return loss_fn(model(inputs), labels)\n",
  "HF_TOKEN=hf_[YOUR_TOKEN_HERE]  # placeholder from the guide\n",
];
const DECOYS = [
  () => "hf_" + "x".repeat(34),
  () => "hf_" + "X".repeat(34),
  () => "hf_sandbox_read_alice",
  () => maskToken(token()),
  () => token().slice(0, 36),
  () => "my" + token(),
  () => token() + "_v2",
  () => "hf_" + "abcdefghijklmnopqrstuvwxyz01234567",
];

function filler(bytes: number, seed: number): string {
  let s = "";
  let i = seed;
  while (s.length < bytes) s += CODE[i++ % CODE.length];
  return s;
}

/** A notebook of about `bytes` bytes: code cells with stream outputs and a base64 image. */
function notebook(
  bytes: number,
  seed: number,
  plant?: { where: string; token: string },
  decoy?: string,
) {
  const image = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(3000))));
  const cells = [];
  let size = 0;
  let i = 0;
  while (size < bytes) {
    const text = filler(4000, seed + i);
    cells.push({
      cell_type: "code",
      execution_count: i,
      id: `c${i}`,
      metadata: {},
      outputs: [
        { output_type: "stream", name: "stdout", text: text.split(/(?<=\n)/) },
        {
          output_type: "display_data",
          metadata: {},
          data: { "image/png": image, "text/plain": ["<Figure>"] },
        },
      ],
      source: filler(600, seed + i + 3).split(/(?<=\n)/),
    });
    size += 4000 + 600 + image.length + 300;
    i++;
  }
  if (plant) {
    const cell = cells[Math.floor(cells.length / 2)];
    if (plant.where === "output") cell.outputs[0].text!.push(`token: ${plant.token}\n`);
    else cell.source.push(`login("${plant.token}")\n`);
  }
  if (decoy) cells[0].source.push(`// ${decoy}\n`);
  return JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1) + "\n";
}

/** `SCAN_BENCH_KEEP=1`: leave the tree in place (its path is printed) to profile against it. */
const KEEP = Deno.env.get("SCAN_BENCH_KEEP") === "1";
/** Whether GNU time is there to report peak RSS (Debian package `time`). */
const HAS_TIME = await Deno.stat("/usr/bin/time").then(() => true, () => false);

/**
 * Runs `cmd` in `cwd` (under /usr/bin/time when present): wall time, exit code, stdout, peak RSS
 * in KB (`NaN` without /usr/bin/time).
 */
async function timed(cwd: string, cmd: string, args: string[]) {
  const started = performance.now();
  const out = await new Deno.Command(HAS_TIME ? "/usr/bin/time" : cmd, {
    args: HAS_TIME ? ["-f", "%M", cmd, ...args] : args,
    cwd,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const ms = performance.now() - started;
  const err = new TextDecoder().decode(out.stderr).trim().split("\n");
  return {
    ms,
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    peakKb: HAS_TIME ? Number(err.at(-1)) : NaN,
  };
}
const tmp = await Deno.makeTempDir({ prefix: "hfna-scan-bench-" });
const tree = `${tmp}/tree`;
const planted = new Map<string, string>(); // masked → file
try {
  // ---- generate -------------------------------------------------------------------------------
  const t0 = performance.now();
  const per = Math.floor((TOTAL_MB * 2 ** 20) / (NOTEBOOKS + OTHERS));
  const plantAt = new Set<number>();
  while (plantAt.size < PLANTED) plantAt.add(Math.floor(Math.random() * (NOTEBOOKS + OTHERS)));
  let written = 0;
  let decoys = 0;
  for (let i = 0; i < NOTEBOOKS + OTHERS; i++) {
    const dir = `${tree}/d${i % 40}/e${i % 7}`;
    await Deno.mkdir(dir, { recursive: true });
    const plant = plantAt.has(i)
      ? { where: i % 2 ? "output" : "source", token: i % 9 === 0 ? token("api_org_") : token() }
      : undefined;
    const decoy = i % 5 === 0 ? DECOYS[i % DECOYS.length]() : undefined;
    if (decoy) decoys++;
    let path: string;
    let text: string;
    if (i < NOTEBOOKS) {
      path = `${dir}/nb${i}.ipynb`;
      text = notebook(per, i, plant, decoy);
    } else {
      const ext = [".py", ".md", ".ts", ".json", ".yaml", ".txt", ".env"][i % 7];
      path = `${dir}/f${i}${ext === ".env" ? "" : ext}${ext === ".env" ? ".env" : ""}`;
      const body = filler(per, i);
      const cut = Math.floor(body.length / 2);
      text = body.slice(0, cut) + (decoy ? `x = "${decoy}"\n` : "") +
        (plant ? `HF_TOKEN=${plant.token}\n` : "") + body.slice(cut);
    }
    if (plant) planted.set(maskToken(plant.token), path.slice(tree.length + 1));
    await Deno.writeTextFile(path, text);
    written += text.length;
  }
  const genSeconds = (performance.now() - t0) / 1000;

  // ---- run --------------------------------------------------------------------------------------
  const pattern = "hf_oauth_[A-Za-z0-9]{20,80}|hf_[A-Za-z0-9]{34}|api_org_[A-Za-z0-9]{34}";

  const scanArgs = [
    "run",
    "-A",
    "--no-check",
    "--config",
    `${ROOT}deno.json`,
    `${ROOT}src/cli.ts`,
    "scan",
    "--json",
    ".",
  ];
  const hasRg = await new Deno.Command("rg", { args: ["--version"], stdout: "null" }).output()
    .then((o) => o.success, () => false);
  await timed(tree, Deno.execPath(), scanArgs); // warm: compile cache, page cache
  if (hasRg) await timed(tree, "rg", ["--hidden", "--no-ignore", "-c", "-e", pattern, "."]);
  const scanRuns = [];
  const rgRuns = [];
  for (let r = 0; r < RUNS; r++) {
    scanRuns.push(await timed(tree, Deno.execPath(), scanArgs));
    if (hasRg) {
      rgRuns.push(await timed(tree, "rg", ["--hidden", "--no-ignore", "-c", "-e", pattern, "."]));
    }
  }
  const last = scanRuns.at(-1)!;
  const report = JSON.parse(last.stdout) as {
    files: number;
    bytes: number;
    findings: { file: string; masked: string }[];
  };
  const foundPlanted = [...planted].filter(([masked, file]) =>
    report.findings.some((f) =>
      f.masked === masked && f.file === file
    )
  ).length;
  const falsePositives = report.findings.filter((f) => !planted.has(f.masked)).length;
  const rgMatches = hasRg
    ? rgRuns.at(-1)!.stdout.trim().split("\n").filter(Boolean).reduce(
      (n, l) => n + Number(l.split(":").at(-1)),
      0,
    )
    : NaN;
  const scanMs = median(scanRuns.map((r) => r.ms));
  const rgMs = hasRg ? median(rgRuns.map((r) => r.ms)) : NaN;
  const peakMb = Math.max(...scanRuns.map((r) => r.peakKb)) / 1024;
  const result = {
    mb: written / 2 ** 20,
    files: report.files,
    notebooks: NOTEBOOKS,
    others: OTHERS,
    planted: planted.size,
    foundPlanted,
    falsePositives,
    decoys,
    rgMatches,
    scanMs,
    rgMs,
    ratio: scanMs / rgMs,
    peakMb,
    runs: RUNS,
    genSeconds,
    exit: last.code,
  };
  console.log(
    `tree: ${result.files} files, ${result.mb.toFixed(0)} MB (${NOTEBOOKS} notebooks, ${OTHERS} ` +
      `other files), ${planted.size} planted tokens, ${decoys} decoys; generated in ` +
      `${genSeconds.toFixed(1)} s`,
  );
  console.log(
    `hf scan: ${
      scanMs.toFixed(0)
    } ms (median of ${RUNS}), found ${foundPlanted}/${planted.size}, ` +
      `${falsePositives} false positives, peak RSS ${peakMb.toFixed(0)} MB, exit ${last.code}`,
  );
  console.log(
    hasRg
      ? `rg: ${
        rgMs.toFixed(0)
      } ms (median of ${RUNS}), ${rgMatches} matching lines; hf scan / rg = ` +
        `${result.ratio.toFixed(2)}×`
      : "rg: not installed (apt-get install ripgrep)",
  );
  console.log(JSON.stringify(result));
} finally {
  if (KEEP) console.error(`tree kept in ${tree}`);
  else await Deno.remove(tmp, { recursive: true });
}
