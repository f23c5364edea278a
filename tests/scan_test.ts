/**
 * `scan()` and `hf scan`: the matcher against real-shaped tokens and decoys, a corpus notebook
 * with a token planted in every place (and a decoy beside it), `--fix` (JSON-equal to the
 * original minus the outputs, same bytes otherwise, still runs in a real kernel), `--check`
 * against the sandbox (live, revoked, offline), `--staged` against a real git repository, the
 * walk (.gitignore through git, node_modules, symlinks), and bad input (broken JSON, a 2 GB
 * sparse file, a FIFO, symlink loops, binary, non-UTF-8 and UTF-16 text, 100,000 cells).
 *
 * Real-shaped tokens are built at run time: no token-shaped string is committed.
 */
import assert from "node:assert/strict";
import { main } from "../src/cli.ts";
import { scan } from "../mod.ts";
import { findTokens, isPlaceholderToken, removeOutputs } from "../src/scan/mod.ts";
import { maskToken } from "../src/_mask.ts";
import { CHUNK_BYTES, lineColumns, scanBytes } from "../src/scan/_byte_scan.ts";
import { jsonErrorPosition } from "../src/scan/_json_error.ts";
import { PERSONAS, startSandbox } from "../src/sandbox/mod.ts";
import { kernelTest, startJupyter } from "./_jupyter.ts";
import { inlineStyles, sanitizeLikeJupyterLab } from "./_sanitize.ts";
import { executeNotebookFile, notebookProblems } from "./_notebook_runner.ts";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random real-shaped token (re-rolled in the rare case it reads as a placeholder). */
function fakeToken(prefix = "hf_", length = 34): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(length));
    const token = prefix + [...bytes].map((b) => ALNUM[b % ALNUM.length]).join("");
    if (!isPlaceholderToken(token)) return token;
  }
}

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "hfna-scan-" });
}

async function cli(
  args: string[],
  cwd: string,
  extra: { env?: Record<string, string>; fetch?: typeof fetch } = {},
) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    env: { HOME: cwd, HF_HOME: `${cwd}/.hf-home`, ...extra.env },
    cwd,
    stdout: (s) => stdout += s,
    stderr: (s) => stderr += s,
    stdinIsTty: false,
    stdoutIsTty: false,
    ...(extra.fetch ? { fetch: extra.fetch } : {}),
  });
  return { code, stdout, stderr };
}

function git(cwd: string, ...args: string[]) {
  const out = new Deno.Command("git", {
    args: ["-c", "user.email=t@example.invalid", "-c", "user.name=t", ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
}

// ---- the matcher ---------------------------------------------------------------------------

Deno.test("matcher: real-shaped tokens are found in every usual context", () => {
  const user = fakeToken();
  const oauth = fakeToken("hf_oauth_");
  const org = fakeToken("api_org_");
  const contexts = [
    `HF_TOKEN=${user}`,
    `token = "${user}"`,
    `token = '${user}';`,
    `Authorization: Bearer ${user}`,
    `https://example.com/?token=${user}&x=1`,
    `\x1b[0;31m${user}\x1b[0m`, // coloured traceback
    `"text": "line\\n${user}\\n"`, // a notebook's raw JSON
    `{"token":"${user}"}`,
    `(${user})`,
    `${user}`,
  ];
  for (const text of contexts) {
    assert.deepEqual(findTokens(text).map((m) => m.token), [user], JSON.stringify(text));
  }
  assert.deepEqual(findTokens(`a ${oauth} b`).map((m) => [m.token, m.kind]), [[oauth, "oauth"]]);
  assert.deepEqual(findTokens(`a ${org} b`).map((m) => [m.token, m.kind]), [[org, "org-legacy"]]);
});

Deno.test("matcher: placeholders, fakes, masked, sandbox and near-miss shapes are not tokens", () => {
  const user = fakeToken();
  const decoys = [
    "hf_" + "x".repeat(34),
    "hf_" + "X".repeat(34),
    "hf_[YOUR_TOKEN_HERE]",
    "hf_YOUR_TOKEN_HERE",
    "hf_...",
    "hf_***",
    "hf_" + "abcdefghijklmnopqrstuvwxyz01234567",
    "hf_" + "AbCd".repeat(8) + "Ab",
    ("hf_" + "YourTokenGoesHere".repeat(2))
      .slice(0, 37),
    "hf_" + "0123456789".repeat(4).slice(0, 34),
    "hf_ExampleToken" + "Q".repeat(19),
    PERSONAS.read.token,
    PERSONAS.revoked.token,
    "hf_oauth_sandbox_alice_123",
    maskToken(user),
    user.slice(0, 36), // one short
    user + "Z", // one long
    "my" + user, // inside a longer word
    user + "_suffix",
    "hf_hub_download",
    "from huggingface_hub import hf_hub_download",
    "HF_" + user.slice(3), // upper-case prefix
  ];
  for (const text of decoys) {
    assert.deepEqual(findTokens(`x ${text} y`), [], `should not match: ${text}`);
  }
});

/** A byte source over memory, handing out at most `step` bytes per read. */
function memory(bytes: Uint8Array, step = 1 << 30) {
  let at = 0;
  return {
    read(into: Uint8Array) {
      if (at >= bytes.length) return Promise.resolve(null);
      const n = Math.min(into.length, step, bytes.length - at);
      into.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(n);
    },
    close() {},
  };
}

Deno.test("byte search: a token across the 1 MiB read boundary is found once, at its offset", async () => {
  const kinds = [fakeToken(), fakeToken("hf_oauth_"), fakeToken("api_org_")];
  for (const token of kinds) {
    for (let shift = -token.length - 40; shift <= 40; shift += 3) {
      const at = CHUNK_BYTES + shift;
      const bytes = new Uint8Array(CHUNK_BYTES * 2 + 100).fill(0x61); // "aaaa…"
      bytes.fill(0x0a, 0, 10); // ten newlines first
      const text = new TextEncoder().encode(` ${token} `);
      bytes.set(text, at - 1);
      for (const step of [1 << 30, 4096]) {
        const scanned = await scanBytes(memory(bytes, step));
        assert.deepEqual(
          scanned.hits.map((h) => [h.token, h.offset]),
          [[token, at]],
          `shift ${shift}`,
        );
        assert.deepEqual(await lineColumns(memory(bytes, step), [at]), [[11, at - 10 + 1]]);
      }
    }
  }
});

Deno.test("byte search: near-miss shapes are rejected on the bytes (hf_hub_download, too short, too long)", async () => {
  const token = fakeToken();
  const text = `hf_hub_download ${token.slice(0, 36)} ${token}9 my${token} ${
    "hf_" + "x".repeat(34)
  } ok`;
  const scanned = await scanBytes(memory(new TextEncoder().encode(text)));
  assert.deepEqual(scanned.hits, []);
  assert.equal(scanned.anyPrefix, true);
});

Deno.test("broken JSON: the position and what was expected", () => {
  assert.equal(jsonErrorPosition('{"a": [1, 2]}'), undefined);
  assert.deepEqual(jsonErrorPosition('{\n "a": 1,\n}'), {
    offset: 11,
    line: 3,
    column: 1,
    expected: "a key in double quotes",
  });
  assert.equal(jsonErrorPosition('{"a": [1 2]}')?.expected, '"," or "]"');
  assert.equal(jsonErrorPosition('{"a": tru}')?.expected, "a value");
  assert.equal(jsonErrorPosition('{"a": 1} x')?.expected, "the end of the document");
  assert.equal(jsonErrorPosition("[".repeat(100_000))?.expected, "a value"); // no stack overflow
});

// ---- the corpus notebook ---------------------------------------------------------------------

/** Builds the corpus: one token per place, each with a decoy beside it. */
function corpus() {
  const t = {
    source: fakeToken(),
    stream: fakeToken(),
    plain: fakeToken(),
    html: fakeToken(),
    json: fakeToken(),
    evalue: fakeToken(),
    traceback: fakeToken(),
    attachment: fakeToken(),
    cellMeta: fakeToken(),
    nbMeta: fakeToken(),
    widget: fakeToken("hf_oauth_"),
    org: fakeToken("api_org_"),
  };
  const decoy = "hf_" + "x".repeat(34);
  const notebook = {
    cells: [
      {
        cell_type: "code",
        execution_count: 1,
        id: "c0",
        metadata: { tags: ["setup"], secret: t.cellMeta },
        outputs: [
          { output_type: "stream", name: "stdout", text: [`ok\n`, `token ${t.stream}\n`] },
          { output_type: "stream", name: "stderr", text: [`masked ${maskToken(t.stream)}\n`] },
        ],
        source: [`const a = 1;\n`, `const b = "${t.source}"; // ${decoy}`],
      },
      {
        cell_type: "code",
        execution_count: 2,
        id: "c1",
        metadata: {},
        outputs: [
          {
            output_type: "execute_result",
            execution_count: 2,
            metadata: {},
            data: { "text/plain": [`'${t.plain}'`] },
          },
          {
            output_type: "display_data",
            metadata: {},
            data: {
              "text/html": [`<b>${PERSONAS.read.token}</b>\n`, `<i>${t.html}</i>`],
              "text/plain": ["<card>"],
            },
          },
          {
            output_type: "display_data",
            metadata: {},
            data: {
              "application/json": { auth: { headers: { Authorization: `Bearer ${t.json}` } } },
            },
          },
          { output_type: "stream", name: "stdout", text: "harmless\n" },
        ],
        source: "console.log(1 + 1);",
      },
      {
        cell_type: "code",
        execution_count: 3,
        id: "c2",
        metadata: {},
        outputs: [
          {
            output_type: "error",
            ename: "HTTPError",
            evalue: `401 for ${t.evalue}`,
            traceback: [
              "\x1b[0;31m---------------------------------\x1b[0m",
              `\x1b[0;31mheaders = {'authorization': 'Bearer \x1b[0m\x1b[1;32m${t.traceback}\x1b[0m'}`,
            ],
          },
        ],
        source: ["console.log('fine');"],
      },
      {
        cell_type: "markdown",
        id: "m0",
        metadata: {},
        attachments: {
          "note.txt": { "text/plain": btoa(`pasted ${t.attachment}\n`) },
          "decoy.txt": { "text/plain": btoa(`example ${decoy}\n`) },
        },
        source: [`Legacy org key: ${t.org}\n`, "Use `hf_[YOUR_TOKEN_HERE]`."],
      },
    ],
    metadata: {
      kernelspec: { display_name: "Deno", language: "typescript", name: "deno" },
      language_info: { name: "typescript" },
      hf: { token: t.nbMeta },
      widgets: {
        "application/vnd.jupyter.widget-state+json": {
          state: {
            "a1b2": { model_name: "TextModel", state: { value: t.widget, placeholder: decoy } },
          },
          version_major: 2,
          version_minor: 0,
        },
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return { t, notebook };
}

/** Compact description of a finding, for exact comparison. */
function key(f: { part: string; cell?: number; output?: number; masked: string }): string {
  return `${f.part} c${f.cell ?? "-"} o${f.output ?? "-"} ${f.masked}`;
}

Deno.test("corpus: a token in every place of a notebook is found exactly, decoys are not", async () => {
  const dir = await tempDir();
  try {
    const { t, notebook } = corpus();
    await Deno.writeTextFile(`${dir}/corpus.ipynb`, JSON.stringify(notebook, null, 1) + "\n");
    const report = await scan([], { cwd: dir });
    const m = maskToken;
    assert.deepEqual(
      report.findings.map(key).sort(),
      [
        `source c0 o- ${m(t.source)}`,
        `cell-metadata c0 o- ${m(t.cellMeta)}`,
        `output c0 o0 ${m(t.stream)}`,
        `output c1 o0 ${m(t.plain)}`,
        `output c1 o1 ${m(t.html)}`,
        `output c1 o2 ${m(t.json)}`,
        `output c2 o0 ${m(t.evalue)}`,
        `output c2 o0 ${m(t.traceback)}`,
        `attachment c3 o- ${m(t.attachment)}`,
        `source c3 o- ${m(t.org)}`,
        `notebook-metadata c- o- ${m(t.nbMeta)}`,
        `widget-state c- o- ${m(t.widget)}`,
      ].sort(),
    );
    const where = Object.fromEntries(report.findings.map((f) => [f.masked, f.where]));
    assert.equal(where[m(t.stream)], "cell 0 (code) · output 0 (stream) · stdout, line 2");
    assert.equal(where[m(t.source)], "cell 0 (code) · source, line 2");
    assert.equal(where[m(t.traceback)], "cell 2 (code) · output 0 (error) · traceback, line 2");
    assert.equal(where[m(t.evalue)], "cell 2 (code) · output 0 (error) · error message");
    assert.match(where[m(t.json)], /application\/json at auth › headers › Authorization/);
    assert.match(where[m(t.attachment)], /attachment note\.txt \(text\/plain\) \(base64-decoded\)/);
    assert.match(where[m(t.widget)], /saved widget state · model a1b2 › state › value/);
    assert.equal(report.tokens.length, 12);
    assert.equal(report.tokens.find((x) => x.masked === m(t.org))?.kind, "org-legacy");
    // Every rendering shows tokens masked only.
    const outputs = [report.toString(), report.toHtml(), JSON.stringify(report)];
    for (const text of outputs) {
      for (const token of Object.values(t)) assert.ok(!text.includes(token), "a token leaked");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--fix: JSON-equal to the original minus the outputs, every other byte kept (1, 2, 4 spaces)", async () => {
  for (const indent of [1, 2, 4]) {
    const dir = await tempDir();
    try {
      const { t, notebook } = corpus();
      const original = JSON.stringify(notebook, null, indent) + "\n";
      const path = `${dir}/corpus.ipynb`;
      await Deno.writeTextFile(path, original);
      await Deno.writeTextFile(`${dir}/app.ts`, `const t = "${t.source}";\n`);

      const dry = await scan([], { cwd: dir, fix: true, dryRun: true });
      assert.equal(await Deno.readTextFile(path), original, "--dry-run changed the file");
      assert.deepEqual(dry.data.changes.map((c) => [c.file, c.written, c.removed.length]), [[
        "corpus.ipynb",
        false,
        5,
      ]]);

      const fixed = await scan([], { cwd: dir, fix: true });
      assert.equal(fixed.data.changes[0]?.written, true);
      const expected = structuredClone(notebook);
      expected.cells[0].outputs!.splice(0, 1); // stream with the token (the masked one stays)
      expected.cells[1].outputs!.splice(0, 3); // text/plain, text/html, application/json
      expected.cells[2].outputs!.splice(0, 1); // the error
      const after = await Deno.readTextFile(path);
      assert.deepEqual(JSON.parse(after), expected);
      assert.equal(after, JSON.stringify(expected, null, indent) + "\n", `indent ${indent}`);
      assert.equal(await Deno.readTextFile(`${dir}/app.ts`), `const t = "${t.source}";\n`);
      // What is left is reported, not fixable: source, metadata, attachment, widget state.
      const again = await scan([], { cwd: dir });
      assert.ok(again.findings.every((f) => f.part !== "output"));
      assert.equal(again.findings.length, 7);
      assert.ok(again.findings.every((f) => !f.fixable && /getToken|Delete|Clear/.test(f.fix)));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("--fix keeps number spellings, a BOM-less compact layout and the missing final newline", () => {
  const token = fakeToken();
  const text = `{"cells": [{"cell_type": "code", "outputs": [{"output_type": "stream", ` +
    `"text": "${token}"}, {"n": 1.0, "e": 1e-05}], "source": []}], "metadata": {"r": 2.50}}`;
  const fixed = removeOutputs(text, [{ cell: 0, output: 0 }]);
  assert.equal(
    fixed,
    `{"cells": [{"cell_type": "code", "outputs": [{"n": 1.0, "e": 1e-05}], "source": []}], ` +
      `"metadata": {"r": 2.50}}`,
  );
});

Deno.test("--fix through a symlink rewrites the notebook it points at; the link stays", async () => {
  const dir = await tempDir();
  try {
    const token = fakeToken();
    const nb = {
      cells: [{
        cell_type: "code",
        metadata: {},
        outputs: [{ output_type: "stream", name: "stdout", text: token }],
        source: [],
      }],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    };
    await Deno.mkdir(`${dir}/real`);
    await Deno.writeTextFile(`${dir}/real/a.ipynb`, JSON.stringify(nb, null, 1) + "\n");
    await Deno.symlink("real/a.ipynb", `${dir}/link.ipynb`);
    const report = await scan(["link.ipynb"], { cwd: dir, fix: true });
    assert.equal(report.data.changes.length, 1);
    assert.ok((await Deno.lstat(`${dir}/link.ipynb`)).isSymlink);
    assert.deepEqual(
      JSON.parse(await Deno.readTextFile(`${dir}/real/a.ipynb`)).cells[0].outputs,
      [],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

kernelTest("--fix: the fixed corpus notebook still runs in the real kernel", async () => {
  const dir = await tempDir();
  try {
    const { notebook } = corpus();
    const path = `${dir}/corpus.ipynb`;
    await Deno.writeTextFile(path, JSON.stringify(notebook, null, 1) + "\n");
    await scan([], { cwd: dir, fix: true });
    const { run } = await executeNotebookFile(path, { outDir: `${dir}/out`, html: false });
    assert.deepEqual(notebookProblems(run), []);
    assert.equal(run.cells.length, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---- --check ---------------------------------------------------------------------------------

Deno.test("--check against the sandbox: live (account, role), revoked, offline, the token in use", async () => {
  await using hub = startSandbox({ quiet: true });
  const live = fakeToken();
  const revoked = fakeToken();
  // The sandbox knows its personas only: the injected fetch swaps the planted real-shaped
  // tokens for persona tokens on the wire, so the real whoami path runs end to end.
  const swap: Record<string, string> = {
    [live]: PERSONAS.read.token,
    [revoked]: PERSONAS.revoked.token,
  };
  const sent: string[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const request = new Request(input, init);
    const auth = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
    sent.push(new URL(request.url).pathname);
    const headers = new Headers(request.headers);
    if (swap[auth]) headers.set("authorization", `Bearer ${swap[auth]}`);
    return globalThis.fetch(new Request(request, { headers }));
  };
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.py`, `A = "${live}"\nB = "${revoked}"\nC = "${live}"\n`);
    // Nothing is sent without check.
    await scan([], { cwd: dir, hubUrl: hub.url, fetch, env: {} });
    assert.deepEqual(sent, []);

    const env = { HF_TOKEN: live };
    const report = await scan([], { cwd: dir, check: true, hubUrl: hub.url, fetch, env });
    assert.deepEqual(sent, ["/api/whoami-v2", "/api/whoami-v2"], "once per distinct token");
    const [a, b] = report.tokens;
    assert.equal(a.status?.state, "live");
    assert.equal(a.status?.account, "sandbox-alice");
    assert.equal(a.status?.role, "read");
    assert.equal(a.inUse, true);
    assert.match(
      a.advice ?? "",
      /^This token still works: revoke it first at https:\/\/huggingface\.co\/settings\/tokens/,
    );
    assert.equal(b.status?.state, "revoked");
    assert.equal(b.inUse, false);
    assert.match(
      report.toString(),
      /LIVE: sandbox-alice[\s\S]*revoke it first at https:\/\/huggingface\.co\/settings\/tokens/,
    );
    assert.match(report.toString(), /the token this machine uses now/);
    assert.match(report.toHtml(), /LIVE: sandbox-alice/);

    const offline = await scan([], {
      cwd: dir,
      check: true,
      hubUrl: hub.url,
      fetch,
      env: { HF_HUB_OFFLINE: "1" },
    });
    assert.deepEqual(offline.tokens.map((x) => x.status?.state), ["unknown", "unknown"]);
    assert.equal(sent.length, 2, "offline: nothing sent");

    const r = await cli(["scan", "--check", "--hub-url", hub.url], dir, { fetch });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /LIVE: sandbox-alice/);
    assert.ok(!r.stdout.includes(live) && !r.stdout.includes(revoked));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---- --staged, the walk, the CLI -------------------------------------------------------------

Deno.test("--staged scans the git index, not the work tree; exit codes 0, 1, 2", async () => {
  const dir = await tempDir();
  try {
    const staged = fakeToken();
    const unstaged = fakeToken();
    git(dir, "init", "-q");
    await Deno.writeTextFile(`${dir}/config.py`, `TOKEN = "${staged}"\n`);
    git(dir, "add", "config.py");
    // The work tree changes after `git add`: the index still holds the token.
    await Deno.writeTextFile(`${dir}/config.py`, `TOKEN = os.environ["HF_TOKEN"]\n`);
    await Deno.writeTextFile(`${dir}/notes.txt`, `${unstaged}\n`); // untracked, not staged

    const report = await scan([], { cwd: dir, staged: true });
    assert.deepEqual(report.findings.map((f) => [f.file, f.where, f.masked]), [
      ["config.py", "line 1", maskToken(staged)],
    ]);
    const r = await cli(["scan", "--staged"], dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /staged for commit/);

    git(dir, "add", "config.py");
    assert.equal((await cli(["scan", "--staged"], dir)).code, 0);
    assert.equal((await cli(["scan"], dir)).code, 1, "the work tree still has notes.txt");

    // As a pre-commit hook (the README's line, with this checkout's path): the commit is refused.
    const repo = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
    await Deno.writeTextFile(
      `${dir}/.git/hooks/pre-commit`,
      `#!/bin/sh\nexec "${Deno.execPath()}" run -A --config ${repo}/deno.json ${repo}/src/cli.ts scan --staged\n`,
      { mode: 0o755 },
    );
    await Deno.writeTextFile(`${dir}/leak.md`, `${unstaged}\n`);
    const add = new Deno.Command("git", { args: ["add", "leak.md"], cwd: dir }).outputSync();
    assert.ok(add.success);
    const commit = new Deno.Command("git", {
      args: ["-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "x"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    const said = new TextDecoder().decode(commit.stdout) + new TextDecoder().decode(commit.stderr);
    assert.equal(commit.success, false, "the hook let a token through");
    assert.ok(said.includes(maskToken(unstaged)) && !said.includes(unstaged), said);

    const outside = await tempDir();
    const usage = await cli(["scan", "--staged"], outside);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /needs a git repository/);
    await Deno.remove(outside, { recursive: true });
    assert.equal((await cli(["scan", "--staged", "--fix"], dir)).code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("walk: .gitignore (through git), node_modules and .git are skipped unless asked", async () => {
  const dir = await tempDir();
  try {
    const token = fakeToken();
    git(dir, "init", "-q");
    await Deno.writeTextFile(`${dir}/.gitignore`, "secret*.txt\n!secret-kept.txt\nbuild/\n");
    for (
      const p of ["secret1.txt", "secret-kept.txt", "build/x.md", "node_modules/a/b.js", "ok.md"]
    ) {
      await Deno.mkdir(`${dir}/${p}`.replace(/\/[^/]+$/, ""), { recursive: true });
      await Deno.writeTextFile(`${dir}/${p}`, `${token}\n`);
    }
    await Deno.writeTextFile(`${dir}/.git/leak`, `${token}\n`);
    const files = (r: { findings: { file: string }[] }) => r.findings.map((f) => f.file).sort();
    assert.deepEqual(files(await scan([], { cwd: dir })), ["ok.md", "secret-kept.txt"]);
    assert.deepEqual(files(await scan([], { cwd: dir, noIgnore: true })), [
      "build/x.md",
      "node_modules/a/b.js",
      "ok.md",
      "secret-kept.txt",
      "secret1.txt",
    ]);
    // An explicit file is searched even when ignored.
    assert.deepEqual(files(await scan(["secret1.txt"], { cwd: dir })), ["secret1.txt"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hf scan: help, JSON without tokens, a clean tree exits 0, usage errors exit 2", async () => {
  const dir = await tempDir();
  try {
    const help = await cli(["--help"], dir);
    assert.match(help.stdout, /scan\s+Find leaked tokens/);
    assert.match((await cli(["scan", "--help"], dir)).stdout, /pre-commit/);
    await Deno.writeTextFile(`${dir}/clean.md`, "HF_TOKEN=hf_[YOUR_TOKEN_HERE]\n");
    const clean = await cli(["scan"], dir);
    assert.equal(clean.code, 0);
    assert.match(clean.stdout, /No Hugging Face token found in 1 file/);
    const token = fakeToken();
    await Deno.writeTextFile(`${dir}/leak.md`, `x\n\ny ${token}\n`);
    const json = await cli(["scan", "--json"], dir);
    assert.equal(json.code, 1);
    assert.ok(!json.stdout.includes(token));
    const data = JSON.parse(json.stdout);
    assert.deepEqual(
      data.findings.map((
        f: { file: string; line: number; column: number },
      ) => [f.file, f.line, f.column]),
      [["leak.md", 3, 3]],
    );
    assert.equal((await cli(["scan", "--bogus"], dir)).code, 2);
    const missing = await cli(["scan", "nope/"], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\/ does not exist/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HTML report: escaped, inline styles, grouped by token", async () => {
  const dir = await tempDir();
  try {
    const token = fakeToken();
    const evil = `<img src=x onerror=alert(1)>.md`;
    await Deno.writeTextFile(`${dir}/${evil}`, `${token}\n${token}\n`);
    const html = (await scan([], { cwd: dir })).toHtml();
    assert.ok(!html.includes("<img"), "file name not escaped");
    assert.ok(html.includes("&lt;img src=x"));
    assert.ok(!html.includes(token));
    assert.equal((html.match(/rowspan="2"/g) ?? []).length, 2, "one token, two rows, grouped");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HTML report: JupyterLab's sanitizer keeps every inline style (no <style> needed)", async () => {
  const dir = await tempDir();
  try {
    const { notebook } = corpus();
    await Deno.writeTextFile(`${dir}/corpus.ipynb`, JSON.stringify(notebook, null, 1) + "\n");
    await Deno.writeTextFile(`${dir}/broken.ipynb`, "{");
    const html = (await scan([], { cwd: dir, fix: true, dryRun: true })).toHtml();
    const clean = sanitizeLikeJupyterLab(html);
    const decode = (x: string) => x.replaceAll("&#39;", "'").replaceAll("&quot;", '"');
    assert.doesNotMatch(clean, /<style/);
    assert.deepEqual(inlineStyles(clean).map(decode), inlineStyles(html).map(decode));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

kernelTest("in a notebook: `await scan()` renders the table as HTML, tokens masked", async () => {
  const dir = await tempDir();
  try {
    const token = fakeToken();
    await Deno.writeTextFile(`${dir}/.env`, `HF_TOKEN=${token}\n`);
    const repo = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
    await using server = await startJupyter({ cwd: repo, env: { HF_TOKEN: "" } });
    await using kernel = await server.startKernel();
    const result = await kernel.execute(
      `const { scan } = await import("${repo}/mod.ts");\nawait scan([${JSON.stringify(dir)}]);`,
    );
    assert.equal(result.status, "ok", result.error?.evalue);
    assert.match(result.html(), /<table[\s\S]*hf scan|hf scan[\s\S]*<table/);
    assert.ok(result.html().includes(maskToken(token)));
    assert.ok(!JSON.stringify(result.raw).includes(token), "the token reached the kernel output");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---- bad input -------------------------------------------------------------------------------

Deno.test("bad input: broken JSON, FIFO, symlink loops, binary, Latin-1, UTF-16, each with its message", async () => {
  const dir = await tempDir();
  try {
    const token = fakeToken();
    await Deno.writeTextFile(
      `${dir}/broken.ipynb`,
      `{\n "cells": [\n  {"outputs": ["${token}"],,}\n ]\n}\n`,
    );
    new Deno.Command("mkfifo", { args: [`${dir}/pipe`] }).outputSync();
    await Deno.symlink("loop-b", `${dir}/loop-a`);
    await Deno.symlink("loop-a", `${dir}/loop-b`);
    await Deno.mkdir(`${dir}/sub`);
    await Deno.symlink("..", `${dir}/sub/up`);
    await Deno.writeFile(
      `${dir}/model.bin`,
      new Uint8Array([0, 1, 2, 0, ...new TextEncoder().encode(` ${token} `), 0, 255]),
    );
    await Deno.writeFile(
      `${dir}/latin1.txt`,
      new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a, ...new TextEncoder().encode(`t=${token}\n`)]),
    );
    const utf16 = `\uFEFFHF_TOKEN=${token}\r\n`;
    const le = new Uint8Array(utf16.length * 2);
    for (let i = 0; i < utf16.length; i++) {
      le[2 * i] = utf16.charCodeAt(i) & 0xff;
      le[2 * i + 1] = utf16.charCodeAt(i) >> 8;
    }
    await Deno.writeFile(`${dir}/.env.local`, le);

    // A notebook cut short with no token in it is reported too.
    await Deno.writeTextFile(`${dir}/cut.ipynb`, '{\n "cells": [\n  {"cell_type": "code", "sou');

    const report = await scan([], { cwd: dir });
    const notice = (file: string) => report.notices.find((n) => n.file === file);
    assert.match(notice("broken.ipynb")!.message, /not valid JSON at line 3, column 57/);
    assert.match(notice("cut.ipynb")!.message, /not valid JSON at line 3, column 25 .*no token/);
    assert.equal(notice("pipe")?.code, "special-file");
    assert.match(notice("pipe")!.message, /FIFO/);
    assert.equal(notice("loop-a")?.code, "symlink-loop");
    assert.equal(notice("sub/up")?.code, "symlink-loop");
    assert.equal(notice("model.bin")?.code, "binary");
    assert.equal(notice("latin1.txt")?.code, "not-utf8");
    assert.equal(notice(".env.local")?.code, "utf16");
    const found = report.findings.map((f) => `${f.file} ${f.where}`).sort();
    assert.deepEqual(found, [
      ".env.local line 1",
      "broken.ipynb line 3",
      "latin1.txt line 2",
      "model.bin line 1",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad input: an unreadable folder (and file) is reported, the rest is searched", async () => {
  // Root reads everything: as root, the scan runs in a child process as `nobody` (setpriv).
  const asRoot = Deno.uid() === 0;
  const dir = await tempDir();
  const denoDir = await tempDir();
  try {
    await Deno.mkdir(`${dir}/locked`);
    await Deno.writeTextFile(`${dir}/locked/a.txt`, fakeToken());
    await Deno.writeTextFile(`${dir}/closed.txt`, fakeToken());
    const open = fakeToken();
    await Deno.writeTextFile(`${dir}/open.txt`, open);
    await Deno.chmod(`${dir}/locked`, 0o000);
    await Deno.chmod(`${dir}/closed.txt`, 0o000);
    await Deno.chmod(dir, 0o755);
    await Deno.chmod(denoDir, 0o777);
    const scanModule = new URL("../src/scan/scan.ts", import.meta.url).href;
    const script = `import { scan } from "${scanModule}";\n` +
      "const r = await scan([]);\n" +
      "console.log(JSON.stringify({ notices: r.notices, files: r.findings.map((f) => f.file) }));";
    const out = await new Deno.Command(asRoot ? "setpriv" : Deno.execPath(), {
      args: [
        ...(asRoot ? ["--reuid=65534", "--regid=65534", "--clear-groups", Deno.execPath()] : []),
        "eval",
        "--no-config",
        script,
      ],
      cwd: dir,
      env: { DENO_DIR: denoDir, HOME: denoDir, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const result = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      notices: { file: string; code: string; message: string }[];
      files: string[];
    };
    assert.deepEqual(result.files, ["open.txt"]);
    const byFile = Object.fromEntries(result.notices.map((n) => [n.file, n]));
    assert.equal(byFile.locked?.code, "unreadable");
    assert.match(byFile.locked.message, /folder cannot be read \(permission denied\)/);
    assert.equal(byFile["closed.txt"]?.code, "unreadable");
  } finally {
    await Deno.chmod(`${dir}/locked`, 0o755).catch(() => {});
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(denoDir, { recursive: true });
  }
});

Deno.test("bad input: a 2 GB sparse file is streamed in bounded memory; a token at its end is found", async () => {
  const dir = await tempDir();
  try {
    const token = fakeToken();
    const path = `${dir}/huge.log`;
    const file = await Deno.open(path, { write: true, create: true });
    const size = 2 * 2 ** 30;
    await file.truncate(size);
    await file.seek(size - 200, Deno.SeekMode.Start);
    await file.write(new TextEncoder().encode(`\nkey ${token}\n`));
    file.close();
    const before = Deno.memoryUsage().rss;
    const report = await scan([], { cwd: dir });
    const grew = Deno.memoryUsage().rss - before;
    assert.deepEqual(report.findings.map((f) => f.where), ["line 2"]);
    assert.equal(report.notices.find((n) => n.code === "large-file")?.file, "huge.log");
    assert.ok(grew < 200 * 2 ** 20, `RSS grew by ${(grew / 2 ** 20).toFixed(0)} MB`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad input: a notebook with 100,000 cells is parsed and located without trouble", async () => {
  const dir = await tempDir();
  try {
    const token = fakeToken();
    const cells = Array.from({ length: 100_000 }, (_, i) => ({
      cell_type: "code",
      execution_count: i,
      metadata: {},
      outputs: i === 99_999 ? [{ output_type: "stream", name: "stdout", text: [token] }] : [],
      source: [`${i}`],
    }));
    const nb = { cells, metadata: {}, nbformat: 4, nbformat_minor: 5 };
    await Deno.writeTextFile(`${dir}/big.ipynb`, JSON.stringify(nb, null, 1) + "\n");
    const report = await scan([], { cwd: dir, fix: true });
    assert.deepEqual(report.findings.map((f) => [f.cell, f.output, f.removed]), [[
      99_999,
      0,
      "removed",
    ]]);
    const after = JSON.parse(await Deno.readTextFile(`${dir}/big.ipynb`));
    assert.deepEqual(after.cells[99_999].outputs, []);
    assert.equal(after.cells.length, 100_000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
