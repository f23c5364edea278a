/**
 * `deno task notebooks`: runs every notebook in `notebooks/` top to bottom in a REAL Deno kernel
 * (Jupyter Notebook server + `deno jupyter --kernel`), answering the secure prompt with a sandbox
 * token, and checks what a reader would see: no error output, the card / probe table / sources
 * table rendered as HTML, no unmasked token anywhere (outputs, kernel messages, HTML report).
 * Executed notebooks and their HTML renderings land in `out/notebooks/`.
 *
 * Also runs `deno task demo` in a subprocess (with and without Jupyter on PATH).
 */
import assert from "node:assert/strict";
import { PERSONAS } from "../src/sandbox/mod.ts";
import { kernelTest, stripAnsi } from "./_jupyter.ts";
import {
  cellHtml,
  cellSource,
  cellText,
  executeNotebookFile,
  findTokenLeaks,
  notebookProblems,
  type NotebookRun,
} from "./_notebook_runner.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const NOTEBOOKS = `${ROOT}/notebooks`;
const OUT = `${ROOT}/out/notebooks`;
const TOKENS = Object.values(PERSONAS).map((p) => p.token);
/** Cells with these tags must render rich (text/html) output. */
const RICH_TAGS = new Set(["login", "probe", "sources"]);
const EXPECTED = ["01_quickstart.ipynb", "02_token_sources.ipynb", "03_troubleshooting.ipynb"];

async function notebookFiles(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(NOTEBOOKS)) {
    if (entry.isFile && entry.name.endsWith(".ipynb")) names.push(entry.name);
  }
  return names.sort();
}

Deno.test("notebooks are committed clean: Deno kernelspec, no outputs, no tokens", async () => {
  assert.deepEqual(await notebookFiles(), EXPECTED);
  for (const name of EXPECTED) {
    const text = await Deno.readTextFile(`${NOTEBOOKS}/${name}`);
    const nb = JSON.parse(text);
    assert.equal(nb.nbformat, 4, name);
    assert.deepEqual(nb.metadata.kernelspec, {
      display_name: "Deno",
      language: "typescript",
      name: "deno",
    });
    assert.equal(nb.metadata.language_info.name, "typescript");
    for (const cell of nb.cells) {
      if (cell.cell_type !== "code") continue;
      assert.deepEqual(cell.outputs, [], `${name}: a code cell has outputs`);
      assert.equal(cell.execution_count, null, `${name}: a code cell has an execution count`);
    }
    // no token literal in code (the kernel would echo it in execute_input), none real-looking
    for (const token of TOKENS) assert.ok(!text.includes(token), `${name} contains a token`);
    assert.ok(!/hf_[A-Za-z0-9]{34}/.test(text), `${name} contains a real-looking token`);
    assert.match(
      cellSource(nb.cells.find((c: { cell_type: string }) => c.cell_type === "code")),
      /"\.\.\/mod\.ts"/,
    );
  }
});

/** Answers the secure prompt like a reader would: checks it is a password box first. */
function answerWith(token: string) {
  return (request: { prompt: string; password: boolean }) => {
    assert.equal(request.password, true, `prompt ${JSON.stringify(request.prompt)} is not hidden`);
    assert.match(request.prompt, /Hugging Face token/);
    return token;
  };
}

function assertCleanRun(name: string, run: NotebookRun): void {
  assert.deepEqual(notebookProblems(run), [], `${name} has errors`);
  assert.equal(run.failedCell, undefined);
  assert.deepEqual(findTokenLeaks(run, TOKENS), [], `${name} leaks a token`);
  for (const cell of run.cells) {
    for (const tag of cell.tags) {
      if (!RICH_TAGS.has(tag)) continue;
      assert.ok(
        cellHtml(cell).includes('class="hfna'),
        `${name} cell ${cell.index} (${tag}) produced no rich output:\n${cellText(cell)}`,
      );
    }
  }
}

function textOf(run: NotebookRun, tag: string): string {
  return run.cells.filter((c) => c.tags.includes(tag)).map(cellText).join("\n");
}

function htmlOf(run: NotebookRun, tag: string): string {
  return run.cells.filter((c) => c.tags.includes(tag)).map(cellHtml).join("\n");
}

async function assertHtmlReport(path: string | undefined): Promise<string> {
  assert.ok(path, "no HTML report");
  const html = await Deno.readTextFile(path);
  for (const token of TOKENS) assert.ok(!html.includes(token), `${path} contains a token`);
  return html;
}

kernelTest(
  "notebook 01_quickstart: browser login → card, password box → probe table → sources",
  async () => {
    const approved: string[] = [];
    const { run, htmlPath } = await executeNotebookFile(`${NOTEBOOKS}/01_quickstart.ipynb`, {
      outDir: OUT,
      answer: answerWith(PERSONAS.read.token),
      // Approves the browser login on the sandbox's verification page, as a reader clicking
      // Authorize would (GET the page, POST its form).
      deviceLogins: { onApproved: (code) => approved.push(code) },
    });
    assertCleanRun("01_quickstart", run);
    assert.equal(approved.length, 1, "exactly one browser login");
    assert.equal(run.inputRequests.length, 1, "exactly one prompt (the alternative)");
    assert.ok(
      run.cells.some((c) => c.tags.includes("token") && c.result.inputRequests.length === 1),
    );
    assert.match(textOf(run, "setup"), /Started the sandbox Hub in this kernel/);
    const login = run.cells.find((c) => c.tags.includes("login"))!;
    const live = login.result.outputs.filter((o) =>
      String(o.content?.transient?.display_id ?? "").startsWith("hfna-login-")
    );
    assert.equal(live[0]?.type, "display_data", "the login shows one live output");
    assert.ok(live.slice(1).every((o) => o.type === "update_display_data"));
    assert.match(live[0].content.data["text/html"], new RegExp(`user_code=${approved[0]}`));
    assert.ok(live.some((o) => /Hugging Face token · VALID/.test(o.content.data["text/plain"])));
    assert.match(textOf(run, "login"), /Hugging Face token · VALID/);
    assert.match(textOf(run, "login"), /sandbox-alice/);
    assert.match(textOf(run, "login"), /Browser login saved as "oauth-sandbox-alice"/);
    assert.match(textOf(run, "probe"), /Token probes/);
    assert.match(textOf(run, "probe"), /not your token/);
    assert.match(textOf(run, "sources"), /prompt:jupyter/);
    assert.match(htmlOf(run, "probe"), /<details class="hfna-row-ok"/);

    const html = await assertHtmlReport(htmlPath);
    assert.match(html, /class="hfna[^"]*"/, "card/table classes");
    assert.match(html, /<table[^>]*class="hfna/, "probe table");
    assert.match(html, /Hugging Face token/);
    assert.match(html, /Authentication \(whoami\)/);
    assert.match(html, /Chat completion/);
    assert.match(html, /hf_sa…ice/);
  },
);

kernelTest("notebook 02_token_sources: every source, demonstrated in temp dirs", async () => {
  const { run, htmlPath } = await executeNotebookFile(`${NOTEBOOKS}/02_token_sources.ipynb`, {
    outDir: OUT,
    answer: answerWith(PERSONAS.read.token),
  });
  assertCleanRun("02_token_sources", run);
  assert.equal(run.inputRequests.length, 1, "the prompt section asks once");
  const all = run.cells.map(cellText).join("\n");
  for (
    const expected of [
      /from secret:kaggle:HF_TOKEN {3}\(platform: kaggle\)/,
      /GROQ_API_KEY: \d+ characters/,
      /SecretNotFoundError: Secret WANDB_API_KEY was not found/,
      /from secret:file:\S+\/run\/secrets:HF_TOKEN/,
      /from env:HUGGINGFACE_HUB_TOKEN {3}\(platform: spaces\)\n {2}⚠ .*legacy name/,
      /Platform: colab/,
      /userdata\.get\("HF_TOKEN"\)/,
      /from secret:file:\S+\/My Drive\/huggingface_token\.txt/,
      /from env:HF_API_KEY/,
      /InvalidTokenError: .*placeholder/,
      /from dotenv:\.env\.local:HUGGINGFACE_API_KEY/,
      /from file:~\/hf\/token/,
      /from prompt:jupyter/,
      /TokenNotFoundError: No Hugging Face token found/,
      /token file mode: 600/,
      /after forgetToken\(\{ all: true \}\): \[\]/,
      /Scratch directory removed/,
    ]
  ) assert.match(all, expected);
  const table = textOf(run, "sources");
  assert.match(table, /in use: env:HF_TOKEN/);
  assert.match(table, /shadowed/);
  assert.match(table, /shadows a different token/);
  assert.match(htmlOf(run, "sources"), /<table/);
  await assertHtmlReport(htmlPath);
});

kernelTest("notebook 03_troubleshooting: each failure diagnosed by card and table", async () => {
  const { run, htmlPath } = await executeNotebookFile(`${NOTEBOOKS}/03_troubleshooting.ipynb`, {
    outDir: OUT,
    answer: answerWith(PERSONAS.read.token),
  });
  assertCleanRun("03_troubleshooting", run);
  assert.equal(run.inputRequests.length, 0, "no prompt: every section names its token");
  const cards = textOf(run, "login");
  assert.match(cards, /VALID[\s\S]*Make calls to Inference Providers/, "card names the permission");
  assert.match(cards, /INVALID[\s\S]*401/, "expired token");
  assert.match(cards, /RATE-LIMITED/);
  const all = run.cells.map(cellText).join("\n");
  // seed 000: hub rows work, inference rows fail for the missing permission
  assert.match(all, /✔ hub\.whoami +ok +200/);
  assert.match(all, /✔ hub\.model-info +ok +200/);
  for (const id of ["chat", "text-classification", "token-classification", "feature-extraction"]) {
    assert.match(all, new RegExp(`✖ inference\\.${id} +failed +403 +missing-inference-permission`));
  }
  // legacy rows fail for every token, and not because of it
  assert.equal((all.match(/ gpt2 +failed +legacy-model/g) ?? []).length, 4);
  assert.equal((all.match(/DialoGPT-small +failed +legacy-model/g) ?? []).length, 4);
  assert.match(all, /not your token's fault/);
  assert.match(all, /read: failed 403 gated-model/);
  assert.match(all, /pro: ok 200/);
  assert.match(all, /fineGrainedOrg: failed 403 missing-gated-permission/);
  assert.match(all, /fineGrainedOrg: failed 404 repo-not-found/);
  const tables = textOf(run, "probe");
  assert.match(tables, /Rate limited \(429\)/);
  assert.match(tables, /is loading \(503\)/);
  assert.match(all, /Faults cleared[\s\S]*✔ inference\.chat +ok/);
  // answers recorded from the real Hub and router, each with its own class
  assert.match(tables, /Payment required \(402\)[\s\S]*settings\/billing/);
  assert.match(all, /gated-awaiting-review +→ hub\.gated: failed 403 gated-awaiting-review/);
  assert.match(all, /gated-rejected +→ hub\.gated: failed 403 gated-rejected/);
  assert.match(all, /422-no-chat-template +→ inference\.chat: failed 422 not-a-chat-model/);
  assert.match(
    all,
    /410-deprecated +→ inference\.text-classification: failed 410 model-deprecated/,
  );
  assert.match(all, /429-provider +→ inference\.chat: failed 429 provider-rate-limited/);
  assert.match(all, /429-hub +→ hub\.model-info: failed 429 rate-limited\n.*retry after 55 s/);
  // your own call failed: the raw error, explain(), inferenceClient() waiting out a 429, a stream error
  assert.match(all, /raw: ProviderApiError: /);
  assert.match(all, /Model not found \(model-not-found\) — not your token's fault/);
  assert.match(all, /waiting 7 s as asked, then retry 1\/2/);
  assert.match(all, /after the wait: Hello from the sandbox/);
  assert.match(all, /after 2 chunks: invalid-request \(422\), token's fault: false/);
  await assertHtmlReport(htmlPath);
});

/** Runs `deno task demo …` and returns its exit code and output. */
async function runDemo(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "demo", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => stripAnsi(new TextDecoder().decode(b));
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

function assertNoTokens(text: string): void {
  for (const token of TOKENS) assert.ok(!text.includes(token), "demo output contains a token");
}

kernelTest(
  "deno task demo: quickstart in a kernel, tables printed, HTML report written",
  async () => {
    // A token in the caller's shell must not reach the kernel (the notebook still prompts).
    const { code, stdout, stderr } = await runDemo([], { HF_TOKEN: PERSONAS.write.token });
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /password box; answered with the fake sandbox token of persona "read"/);
    assert.match(
      stdout,
      /showed a browser login \(code [A-Z0-9-]+\): approved it on the sandbox's page/,
    );
    assert.match(stdout, /Hugging Face token · VALID/);
    assert.match(stdout, /Source {6}oauth:device/);
    assert.match(stdout, /Token probes — hf_sa…ice \(from prompt:jupyter\)/);
    assert.match(stdout, /✔ Chat completion /);
    assert.match(stdout, /Token sources/);
    assert.ok(!/Starting WebSocket/.test(stdout), "websocket chatter is muted");
    assertNoTokens(stdout + stderr);
    const report = stdout.match(/HTML report: (\S+\.html)/)?.[1];
    assert.ok(report, stdout);
    const html = await Deno.readTextFile(report);
    assert.match(html, /<table[^>]*class="hfna/);
    assertNoTokens(html);
  },
);

Deno.test("deno task demo without Jupyter runs the steps as a script and says how to install it", async () => {
  // PATH holds only deno: no jupyter, as on a machine without it.
  const bin = await Deno.makeTempDir({ prefix: "hfna-demo-path-" });
  try {
    await Deno.symlink(Deno.execPath(), `${bin}/deno`);
    const { code, stdout, stderr } = await runDemo(["--persona", "fineGrainedNoInference"], {
      PATH: bin,
    });
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /Jupyter is not available: running the quickstart's steps as a script/);
    assert.match(stdout, /Open http:\/\/127\.0\.0\.1:\d+\/oauth\/device\?user_code=/);
    assert.match(stdout, /approved on the sandbox's page/);
    assert.match(stdout, /Source {6}oauth:device/);
    assert.match(stdout, /Hugging Face token · VALID/);
    assert.match(stdout, /Make calls to Inference Providers/);
    assert.match(stdout, /Token probes/);
    assert.match(stdout, /missing permission/);
    assert.match(stdout, /Token sources/);
    assert.match(stdout, /apt-get install jupyter-notebook/);
    assert.match(stdout, /pip install notebook/);
    assert.match(stdout, /deno jupyter --install/);
    assertNoTokens(stdout + stderr);
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
});

Deno.test("deno task demo rejects bad usage (unknown persona, --real without HF_TOKEN)", async () => {
  const persona = await runDemo(["--persona", "nobody"]);
  assert.equal(persona.code, 2);
  assert.match(persona.stderr, /Unknown persona "nobody"/);
  const real = await runDemo(["--real"], { HF_TOKEN: "" });
  assert.equal(real.code, 2);
  assert.match(real.stderr, /--real needs your token in HF_TOKEN/);
});
