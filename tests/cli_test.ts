/**
 * The command line, in-process (`main()` with captured streams) and as real
 * subprocesses in a pipe (`deno run -A src/cli.ts …`) against the sandbox.
 * Every output of every run is kept and checked for unmasked tokens at the end.
 */
import { currentDenoDir } from "./_jupyter.ts";
import { spoolOutputSync } from "./_leak_scanner.ts";
import assert from "node:assert/strict";
import { main } from "../src/cli.ts";
import { probe, resolveToken } from "../mod.ts";
import { PERSONAS, type Sandbox, startSandbox } from "../src/sandbox/mod.ts";
import type { PromptOutcome } from "../src/sources/prompt.ts";

const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const CLI = `${REPO}/src/cli.ts`;
const CONFIG = `${REPO}/deno.json`;
const TOKENS = Object.values(PERSONAS).map((p) => p.token);
const ANSI = new RegExp(String.raw`\x1b\[[0-9;]*m`);

/** Every stdout/stderr of every run, checked for unmasked tokens by the last test. */
const SEEN: { what: string; text: string }[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface Home {
  dir: string;
  hfHome: string;
  env: Record<string, string>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A temp HOME and HF_HOME, plus the sandbox endpoints. */
async function home(hub: Sandbox, extra: Record<string, string> = {}): Promise<Home> {
  const dir = await Deno.makeTempDir({ prefix: "hfna-cli-" });
  const hfHome = `${dir}/hf`;
  return {
    dir,
    hfHome,
    env: { ...hub.env, HOME: dir, HF_HOME: hfHome, ...extra },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** Runs `main()` in-process with captured streams (stdin/stdout are not terminals). */
async function run(
  args: string[],
  env: Record<string, string>,
  io: {
    stdinIsTty?: boolean;
    stdoutIsTty?: boolean;
    prompt?: () => Promise<PromptOutcome>;
    choose?: (question: string, choices: readonly string[]) => Promise<number | undefined>;
    cwd?: string;
    fetch?: typeof fetch;
  } = {},
): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    env,
    cwd: io.cwd ?? env.HOME ?? "/nonexistent",
    stdout: (s) => stdout += s,
    stderr: (s) => stderr += s,
    stdinIsTty: io.stdinIsTty ?? false,
    stdoutIsTty: io.stdoutIsTty ?? false,
    ...(io.prompt ? { prompt: io.prompt } : {}),
    ...(io.choose ? { choose: io.choose } : {}),
    ...(io.fetch ? { fetch: io.fetch } : {}),
  });
  SEEN.push({ what: `main ${args.join(" ")}`, text: stdout + stderr });
  spoolOutputSync(`cli/main`, { args, stdout, stderr });
  return { code, stdout, stderr };
}

/** Runs `deno run -A src/cli.ts …` in a pipe with exactly `env` (plus DENO_DIR). */
async function sub(args: string[], env: Record<string, string>): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, CLI, ...args],
    env: { DENO_DIR: (await currentDenoDir()) ?? "", ...env },
    clearEnv: true,
    cwd: env.HOME,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const result = { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  SEEN.push({ what: `sub ${args.join(" ")}`, text: result.stdout + result.stderr });
  spoolOutputSync(`cli/subprocess`, { args, stdout: result.stdout, stderr: result.stderr });
  return result;
}

/** stderr is one `error:` line plus at most one `hint:` line, and no stack trace. */
function assertOneLineError(stderr: string): void {
  const lines = stderr.trimEnd().split("\n");
  assert.ok(lines.length >= 1 && lines.length <= 2, `stderr has ${lines.length} lines:\n${stderr}`);
  assert.match(lines[0], /^error: \S/);
  if (lines[1] !== undefined) assert.match(lines[1], /^hint: \S/);
  assert.doesNotMatch(stderr, /^\s+at /m);
}

async function readMaybe(path: string): Promise<string | undefined> {
  return await Deno.readTextFile(path).catch(() => undefined);
}

Deno.test("--help for the tool and every command; help topic; exit 0", async () => {
  const top = await run(["--help"], {});
  assert.equal(top.code, 0);
  for (const cmd of ["whoami", "probe", "login", "logout", "sources", "switch"]) {
    assert.match(top.stdout, new RegExp(`\\n  ${cmd} `));
    const r = await run([cmd, "--help"], {});
    assert.equal(r.code, 0, cmd);
    assert.match(r.stdout, new RegExp(`^Usage: deno task hf ${cmd}`), cmd);
    assert.equal(r.stderr, "");
    assert.deepEqual((await run(["help", cmd], {})).stdout, r.stdout);
  }
  assert.match((await run(["-h"], {})).stdout, /Usage: deno task hf <command>/);
});

Deno.test("usage errors exit 2 with one error line and one hint (subprocess and in-process)", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub, { HF_TOKEN: PERSONAS.read.token });
  const cases: [string[], RegExp][] = [
    [[], /no command given/],
    [["whoamii"], /unknown command "whoamii"/],
    [["probe", "--bogus"], /unknown option --bogus for `probe`/],
    [["probe", "--timeout", "x"], /--timeout must be a positive number/],
    [["probe", "--concurrency", "1.5"], /--concurrency must be a positive whole number/],
    [["probe", "--only", "nope"], /--only "nope" matches no probe/],
    [["probe", "--task", "chat-completion"], /--task chat-completion has no --model/],
    [["probe", "--model", "m", "--task", "dance"], /unknown task "dance"/],
    [["whoami", "extra"], /unexpected argument "extra"/],
    [["login", "--name"], /--name needs a value/],
    [["login", "--name", "x"], /--name only makes sense with --persist/],
    [["login", "--persist", "--name", "[x]"], /cannot be stored/],
    [["logout", "--name", "a", "--all"], /cannot be used together/],
    [["switch"], /switch needs the NAME/],
    [["whoami", "--hub-url", "ftp://x"], /--hub-url must be an http\(s\) URL/],
    [["whoami", "--jsonn"], /unknown option --jsonn/],
  ];
  for (const [args, message] of cases) {
    const r = await run(args, h.env);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assertOneLineError(r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, "");
  }
  const suggestion = await run(["whoami", "--jsno"], h.env);
  assert.match(suggestion.stderr, /hint: did you mean --json\?/);
  // The same through a real process.
  const s = await sub(["probe", "--bogus"], h.env);
  assert.equal(s.code, 2);
  assertOneLineError(s.stderr);
  assert.equal(s.stdout, "");
});

Deno.test("whoami: valid read token → exit 0 and the card; plain text in a pipe", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub, { HF_TOKEN: PERSONAS.read.token });
  const r = await sub(["whoami"], h.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Hugging Face token · VALID/);
  assert.match(r.stdout, /Account\s+sandbox-alice/);
  assert.match(r.stdout, /Source\s+env:HF_TOKEN/);
  assert.match(r.stdout, /Token\s+hf_sa…ice/);
  assert.doesNotMatch(r.stdout + r.stderr, ANSI);
  assert.equal(r.stderr, "");
});

Deno.test("whoami: expired / revoked tokens → exit 1 with a one-line reason on stderr", async () => {
  await using hub = startSandbox({ quiet: true });
  for (const persona of [PERSONAS.expired, PERSONAS.revoked]) {
    await using h = await home(hub, { HF_TOKEN: persona.token });
    const r = await sub(["whoami"], h.env);
    assert.equal(r.code, 1, persona.name);
    assertOneLineError(r.stderr);
    assert.match(r.stderr, /^error: .*401/);
    assert.match(r.stdout, /Hugging Face token · (INVALID|EXPIRED)/);
  }
});

Deno.test("whoami: no token and no terminal → exit 1 (subprocess); HF_HUB_OFFLINE → exit 1", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub);
  const r = await sub(["whoami"], h.env);
  assert.equal(r.code, 1);
  assertOneLineError(r.stderr);
  assert.match(r.stderr, /No Hugging Face token found/);
  assert.match(r.stderr, /hint: set HF_TOKEN/);
  assert.equal(r.stdout, "");
  const offline = await run(["whoami"], {
    ...h.env,
    HF_TOKEN: PERSONAS.read.token,
    HF_HUB_OFFLINE: "1",
  });
  assert.equal(offline.code, 1);
  assert.match(offline.stdout, /OFFLINE/);
  assertOneLineError(offline.stderr);
  assert.equal(hub.requests.length, 0);
});

Deno.test("whoami --json: one JSON document with the validation's fields", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub, { HF_TOKEN: PERSONAS.fineGrainedNoInference.token });
  const r = await sub(["whoami", "--json"], h.env);
  assert.equal(r.code, 0, r.stderr);
  const data = JSON.parse(r.stdout);
  assert.equal(data.verdict, "valid");
  assert.equal(data.identity.name, "sandbox-alice");
  assert.equal(data.token.role, "fineGrained");
  assert.equal(data.masked, "hf_sa…ice");
  assert.equal(data.source, "env:HF_TOKEN");
  assert.equal(data.hubUrl, hub.url);
  assert.ok(
    data.diagnostics.some((d: { code: string }) => d.code === "missing-inference-permission"),
  );
  const bad = await sub(["whoami", "--json"], { ...h.env, HF_TOKEN: PERSONAS.revoked.token });
  assert.equal(bad.code, 1);
  assert.equal(JSON.parse(bad.stdout).verdict, "invalid");
  assertOneLineError(bad.stderr);
});

Deno.test("--hub-url wins over HF_ENDPOINT", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub, {
    HF_TOKEN: PERSONAS.read.token,
    HF_ENDPOINT: "http://127.0.0.1:9", // nothing listens there
  });
  const dead = await run(["whoami"], h.env);
  assert.equal(dead.code, 1);
  assertOneLineError(dead.stderr);
  const r = await run(["whoami", "--hub-url", hub.url], h.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`against ${hub.url.replaceAll(".", "\\.")}`));
});

/** Rows without what differs from run to run: latency and the server's request id. */
function withoutLatency(rows: { latencyMs?: number; requestId?: string }[]) {
  return rows.map(({ latencyMs: _l, requestId: _r, ...rest }) => rest);
}

Deno.test("probe --json: rows equal probe()'s for the same persona and options", async () => {
  await using hub = startSandbox({ quiet: true });
  for (const persona of [PERSONAS.read, PERSONAS.fineGrainedNoInference]) {
    await using h = await home(hub, { HF_TOKEN: persona.token });
    const r = await sub(["probe", "--json"], h.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const data = JSON.parse(r.stdout); // the whole stdout is one JSON document
    assert.equal(data.complete, true);
    assert.equal(data.masked, "hf_sa…ice");
    const resolution = await resolveToken({ env: h.env, cwd: h.dir, refresh: true, prompt: false });
    const expected = (await probe({ resolution, env: h.env, display: false })).toJSON();
    assert.deepEqual(withoutLatency(data.rows), withoutLatency(expected.rows));
    assert.deepEqual(data.counts, expected.counts);
    assert.equal(data.summary, expected.summary);
    assert.equal(data.source, expected.source);
  }
});

Deno.test("probe: rows print as they finish, then the summary; --strict; refused token", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub, { HF_TOKEN: PERSONAS.fineGrainedNoInference.token });
  const only = ["--only", "hub.whoami", "--only", "inference"];
  const r = await run(["probe", ...only], h.env);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.match(lines[0], /^Probing 6 capabilities of hf_sa…ice \(from env:HF_TOKEN\)$/);
  assert.match(r.stdout, /✔ ok\s+Authentication/);
  assert.match(r.stdout, /✖ failed\s+Chat completion/);
  assert.match(r.stdout, /Fix: .*Make calls to Inference Providers/);
  const summary = lines.findIndex((l) => /^\d+ of 6 work/.test(l));
  const rowLines = lines.flatMap((l, i) => /^[✔✖▲–] /.test(l) ? [i] : []);
  assert.equal(rowLines.length, 6);
  assert.ok(rowLines[0] === 1 && summary > rowLines[5], r.stdout);
  assert.doesNotMatch(r.stdout, ANSI);

  const strict = await sub(["probe", "--strict", ...only], h.env);
  assert.equal(strict.code, 1);
  assertOneLineError(strict.stderr);
  assert.match(strict.stderr, /probes failed \(--strict\): .*inference\.chat/);

  const fine = await run(["probe", "--strict", "--only", "inference.feature-extraction"], {
    ...h.env,
    HF_TOKEN: PERSONAS.read.token,
  });
  assert.equal(fine.code, 0, fine.stderr);

  // Legacy rows are never the token's fault: they fail --strict only when asked for by name.
  const legacy = await run(["probe", "--strict", "--only", "hub.whoami", "--only", "legacy"], {
    ...h.env,
    HF_TOKEN: PERSONAS.read.token,
  });
  assert.equal(legacy.code, 1);
  const unnamed = await run(["probe", "--strict", "--skip", "hub", "--skip", "inference"], {
    ...h.env,
    HF_TOKEN: PERSONAS.read.token,
  });
  assert.match(unnamed.stdout, /legacy/);
  assert.equal(unnamed.code, 0, unnamed.stderr);

  const refused = await sub(["probe", "--only", "hub.whoami"], {
    ...h.env,
    HF_TOKEN: PERSONAS.revoked.token,
  });
  assert.equal(refused.code, 1);
  assertOneLineError(refused.stderr);
});

Deno.test("probe: --dry-run calls nothing; --model/--task/--provider add custom probes", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub, { HF_TOKEN: PERSONAS.read.token });
  const dry = await run(["probe", "--dry-run", "--json"], h.env);
  assert.equal(dry.code, 0);
  const data = JSON.parse(dry.stdout);
  assert.equal(data.dryRun, true);
  assert.ok(data.rows.every((row: { verdict: string }) => row.verdict === "skipped"));
  assert.equal(hub.requests.length, 0);
  const dryText = await run(["probe", "--dry-run"], h.env);
  assert.match(dryText.stdout, /^Dry run: would probe 12 capabilities/);
  assert.match(dryText.stdout, /dry run: would call/);

  const custom = await sub([
    "probe",
    "--only",
    "custom",
    "--model",
    "sandbox/tiny-chat",
    "--task",
    "chat-completion",
    "--provider",
    "together",
    "--model",
    "dslim/bert-base-NER",
    "--task",
    "token-classification",
    "--json",
    "--timeout",
    "10",
    "--concurrency",
    "2",
  ], h.env);
  assert.equal(custom.code, 0, custom.stderr);
  const rows = JSON.parse(custom.stdout).rows as {
    id: string;
    verdict: string;
    provider?: string;
  }[];
  assert.deepEqual(rows.map((row) => row.id), [
    "custom.chatCompletion.sandbox/tiny-chat",
    "custom.tokenClassification.dslim/bert-base-NER",
  ]);
  assert.ok(rows.every((row) => row.verdict === "ok"), JSON.stringify(rows));
  assert.match(rows[0].provider ?? "", /together/);
});

Deno.test("login --persist writes the token file (0600) and stored_tokens under the token's name", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub, { HF_TOKEN: PERSONAS.write.token });
  const r = await sub(["login", "--persist"], h.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Hugging Face token · VALID/);
  assert.match(r.stdout, /Saved as "sandbox-write" \(hf_sa…ice\) in ~\/hf\/stored_tokens/);
  const token = `${h.hfHome}/token`;
  const stored = `${h.hfHome}/stored_tokens`;
  assert.equal(await Deno.readTextFile(token), PERSONAS.write.token);
  assert.equal((await Deno.stat(token)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(stored)).mode! & 0o777, 0o600);
  assert.match(
    await Deno.readTextFile(stored),
    /^\[sandbox-write\]\nhf_token = hf_sandbox_write_alice\n/,
  );

  const named = await run(["login", "--persist", "--name", "ci"], {
    ...h.env,
    HF_TOKEN: PERSONAS.read.token,
  });
  assert.equal(named.code, 0, named.stderr);
  assert.match(await Deno.readTextFile(stored), /\[ci\]\nhf_token = hf_sandbox_read_alice/);
  assert.match(await Deno.readTextFile(stored), /\[sandbox-write\]/);
});

Deno.test("login --persist refuses a token that failed validation unless --force", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub, { HF_TOKEN: PERSONAS.revoked.token });
  const token = `${h.hfHome}/token`;
  const stored = `${h.hfHome}/stored_tokens`;
  const r = await sub(["login", "--persist"], h.env);
  assert.equal(r.code, 1);
  assertOneLineError(r.stderr);
  assert.match(r.stderr, /^error: Nothing was saved \(verdict: invalid\)/);
  assert.match(r.stderr, /--force/);
  assert.equal(await readMaybe(token), undefined);
  assert.equal(await readMaybe(stored), undefined);

  const forced = await sub(["login", "--persist", "--force", "--name", "anyway"], h.env);
  assert.equal(forced.code, 1, "the token is still not valid");
  assertOneLineError(forced.stderr);
  assert.match(forced.stderr, /hint: it was saved anyway as "anyway" because of --force/);
  assert.equal(await readMaybe(token), PERSONAS.revoked.token);
  assert.match((await readMaybe(stored))!, /\[anyway\]/);
});

Deno.test("login without a token: the menu on a terminal (paste → hidden prompt), Ctrl-C → 130", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub);
  let asked = 0;
  const menus: string[][] = [];
  const paste = (question: string, choices: readonly string[]) => {
    menus.push([question, ...choices]);
    return Promise.resolve(1);
  };
  const answer = (value: string) => () => {
    asked++;
    return Promise.resolve({ kind: "answered", value, via: "terminal" } as PromptOutcome);
  };
  const ok = await run(["login"], h.env, {
    stdinIsTty: true,
    choose: paste,
    prompt: answer(` ${PERSONAS.read.token}\n`),
  });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Source\s+prompt:terminal/);
  assert.equal(asked, 1);
  assert.deepEqual(menus, [[
    "How would you like to log in?",
    "Log in with your browser",
    "Paste an access token",
  ]]);

  // --paste skips the menu; --browser and --paste together are a usage error.
  const direct = await run(["login", "--paste"], h.env, {
    stdinIsTty: true,
    choose: () => Promise.reject(new Error("no menu with --paste")),
    prompt: answer(PERSONAS.read.token),
  });
  assert.equal(direct.code, 0, direct.stderr);
  assert.equal(asked, 2);
  const both = await run(["login", "--paste", "--browser"], h.env);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--browser and --paste exclude each other/);

  const menuCancelled = await run(["login"], h.env, {
    stdinIsTty: true,
    choose: () => Promise.resolve(undefined),
  });
  assert.equal(menuCancelled.code, 130);
  assertOneLineError(menuCancelled.stderr);

  const cancelled = await run(["login"], h.env, {
    stdinIsTty: true,
    choose: paste,
    prompt: () =>
      Promise.resolve({
        kind: "dismissed",
        via: "terminal",
        reason: "the prompt was cancelled (Ctrl-C)",
      }),
  });
  assert.equal(cancelled.code, 130);
  assertOneLineError(cancelled.stderr);
  const empty = await run(["login"], h.env, {
    stdinIsTty: true,
    choose: paste,
    prompt: () =>
      Promise.resolve({ kind: "dismissed", via: "terminal", reason: "an empty line was entered" }),
  });
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /No Hugging Face token was entered \(an empty line was entered\)/);
});

Deno.test("login without a terminal: the browser flow prints the URL and code, saves, exits 0; denial exits 1", async () => {
  await using hub = startSandbox({ quiet: true, oauth: { interval: 1 } });
  await using h = await home(hub);
  const approver = setInterval(() => {
    for (const code of hub.pendingDeviceCodes()) hub.approveDevice(code);
  }, 20);
  let ok: Run;
  try {
    ok = await run(["login"], h.env, {
      stdinIsTty: false,
      prompt: () => Promise.reject(new Error("no prompt without a terminal")),
    });
  } finally {
    clearInterval(approver);
  }
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(
    ok.stdout,
    new RegExp(`Open ${hub.url.replaceAll(".", "\\.")}/oauth/device\\?user_code=`),
  );
  assert.match(ok.stdout, /Check that it shows the code [A-Z0-9]{4}-[A-Z0-9]{4}/);
  assert.match(ok.stdout, /Hugging Face token · VALID/);
  assert.match(ok.stdout, /oauth-sandbox-alice/);
  const token = await Deno.readTextFile(`${h.hfHome}/token`);
  assert.ok(!ok.stdout.includes(token) && !ok.stderr.includes(token), "token printed");

  const denier = setInterval(() => {
    for (const code of hub.pendingDeviceCodes()) hub.denyDevice(code);
  }, 20);
  let denied: Run;
  try {
    denied = await run(["login", "--browser"], h.env);
  } finally {
    clearInterval(denier);
  }
  assert.equal(denied.code, 1);
  assert.match(denied.stdout, /The login was denied in the browser/);
  assert.match(denied.stderr, /^error: browser login failed \(access_denied\)\./);
  const refused = await run(["login", "--browser", "--persist"], h.env);
  assert.equal(refused.code, 2);
});

async function storeTwo(h: Home): Promise<void> {
  for (const [token, name] of [[PERSONAS.read.token, "a"], [PERSONAS.write.token, "b"]]) {
    const r = await run(["login", "--persist", "--name", name], { ...h.env, HF_TOKEN: token });
    assert.equal(r.code, 0, r.stderr);
  }
}

Deno.test("logout --name keeps the other tokens; logout; logout --all", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub);
  const token = `${h.hfHome}/token`;
  const stored = `${h.hfHome}/stored_tokens`;
  await storeTwo(h); // b is active

  const r = await sub(["logout", "--name", "a"], h.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Forgot "a" \(hf_sa…ice\)/);
  assert.match(r.stdout, /Still stored: b \(active\)/);
  assert.doesNotMatch(await Deno.readTextFile(stored), /\[a\]/);
  assert.match(await Deno.readTextFile(stored), /\[b\]/);
  assert.equal(await Deno.readTextFile(token), PERSONAS.write.token, "active token kept");

  const unknown = await sub(["logout", "--name", "zzz"], h.env);
  assert.equal(unknown.code, 1);
  assertOneLineError(unknown.stderr);
  assert.match(unknown.stderr, /No stored token is named "zzz"/);

  const active = await sub(["logout"], h.env);
  assert.equal(active.code, 0, active.stderr);
  assert.match(active.stdout, /Removed the active token file ~\/hf\/token/);
  assert.match(active.stdout, /Named tokens kept: b/);
  assert.equal(await readMaybe(token), undefined);
  assert.match(await Deno.readTextFile(stored), /\[b\]/);

  await storeTwo(h);
  const all = await sub(["logout", "--all"], { ...h.env, HF_TOKEN: PERSONAS.pro.token });
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /Forgot every stored token \(a, b\) and the active token file/);
  assert.match(all.stdout, /HF_TOKEN is still set in the environment/);
  assert.equal(await readMaybe(token), undefined);
  assert.equal(await readMaybe(stored), undefined);
  const again = await run(["logout", "--all"], h.env);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /Nothing to forget/);
});

Deno.test("switch NAME activates a stored token; an unknown NAME lists the stored names", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub);
  const token = `${h.hfHome}/token`;
  const none = await sub(["switch", "a"], h.env);
  assert.equal(none.code, 1);
  assertOneLineError(none.stderr);
  assert.match(none.stderr, /no token is stored yet/);

  await storeTwo(h);
  const r = await sub(["switch", "a"], h.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /"a" \(hf_sa…ice\) is now the active token \(~\/hf\/token\)/);
  assert.equal(await Deno.readTextFile(token), PERSONAS.read.token);

  const unknown = await sub(["switch", "c"], h.env);
  assert.equal(unknown.code, 1);
  assertOneLineError(unknown.stderr);
  assert.match(unknown.stderr, /^hint: stored names: a \(active\), b\.$/m);
  assert.equal(await Deno.readTextFile(token), PERSONAS.read.token, "nothing changed");

  const who = await sub(["whoami"], h.env);
  assert.match(who.stdout, /Source\s+file:~\/hf\/token/);
  assert.match(who.stdout, /Role\s+read/);
});

Deno.test("sources shows the winning source and the shadowed ones (text and --json)", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub);
  await storeTwo(h); // token file holds b (write)
  const env = { ...h.env, HF_TOKEN: PERSONAS.read.token };
  const r = await sub(["sources"], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /in use: env:HF_TOKEN/);
  assert.match(r.stdout, /^\* env:HF_TOKEN\s+in use\s+hf_sa…ice/m);
  assert.match(r.stdout, /file:~\/hf\/token\s+shadowed/);
  const json = JSON.parse((await sub(["sources", "--json"], env)).stdout);
  assert.equal(json.active, "env:HF_TOKEN");
  const file = json.rows.find((row: { source: string }) => row.source === "file:~/hf/token");
  assert.equal(file.shadowed, true);
  assert.equal(json.warnings[0].code, "shadowed-token");

  const nothing = await run(["sources"], { ...hub.env, HOME: h.dir, HF_HOME: `${h.dir}/empty` });
  assert.equal(nothing.code, 1, nothing.stdout);
  assertOneLineError(nothing.stderr);
});

Deno.test("colours only on a terminal without NO_COLOR / --no-color", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub, { HF_TOKEN: PERSONAS.read.token });
  const tty = await run(["whoami"], h.env, { stdoutIsTty: true });
  assert.match(tty.stdout, ANSI);
  const probeTty = await run(["probe", "--only", "hub.whoami"], h.env, { stdoutIsTty: true });
  assert.match(probeTty.stdout, ANSI);
  for (
    const [args, env] of [
      [["whoami"], { ...h.env, NO_COLOR: "1" }],
      [["whoami", "--no-color"], h.env],
      [["--no-color", "probe", "--only", "hub.whoami"], h.env],
      [["probe", "--only", "hub.whoami"], { ...h.env, NO_COLOR: "1" }],
    ] as [string[], Record<string, string>][]
  ) {
    const r = await run(args, env, { stdoutIsTty: true });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, ANSI, args.join(" "));
  }
  const piped = await sub(["probe", "--only", "hub"], h.env);
  assert.doesNotMatch(piped.stdout + piped.stderr, ANSI);
});

Deno.test("--debug on failing commands: details on stderr, still no unmasked token", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub);
  await storeTwo(h);
  const failing: [string[], Record<string, string>][] = [
    [["--debug", "whoami"], { HF_TOKEN: PERSONAS.revoked.token }],
    [["--debug", "probe", "--strict", "--only", "hub"], { HF_TOKEN: PERSONAS.serverError.token }],
    [["--debug", "login", "--persist"], { HF_TOKEN: PERSONAS.expired.token }],
    [["--debug", "switch", "nope"], {}],
    [["--debug", "logout", "--name", "nope"], {}],
    [["--debug", "whoami"], { HF_TOKEN: "hf_sandbox_read alice", HF_HOME: `${h.dir}/none` }], // malformed
  ];
  for (const [args, extra] of failing) {
    const r = await sub(args, { ...h.env, ...extra });
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /^debug: /m);
    assert.match(r.stderr, /^error: /m);
  }
  // A third-party error that quotes the token is masked too, stack trace included.
  const leaky: typeof fetch = (input) =>
    Promise.reject(
      new TypeError(`connection to ${String(input)} failed for ${PERSONAS.read.token}`),
    );
  const r = await run(["--debug", "probe", "--only", "hub.whoami"], {
    ...h.env,
    HF_TOKEN: PERSONAS.read.token,
  }, { fetch: leaky });
  assert.ok(!(r.stdout + r.stderr).includes(PERSONAS.read.token));
});

Deno.test("no output of any run above contains a persona token unmasked", () => {
  assert.ok(SEEN.length > 50, `only ${SEEN.length} runs recorded`);
  for (const { what, text } of SEEN) {
    for (const token of TOKENS) {
      assert.ok(!text.includes(token), `${what} printed ${token.slice(0, 12)}…`);
    }
    assert.doesNotMatch(text, /hf_sandbox_[A-Za-z]+_[a-z]+/, what);
  }
});

Deno.test("login --persist in a project whose .env holds HF_TOKEN: the save line says the machine's active token is now that .env's token", async () => {
  await using hub = startSandbox({ quiet: true });
  await using h = await home(hub);
  const project = `${h.dir}/project`;
  await Deno.mkdir(project);
  await Deno.writeTextFile(`${project}/.env`, `HF_TOKEN=${PERSONAS.write.token}\n`);
  const r = await run(["login", "--persist"], h.env, { cwd: project });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    new RegExp(
      `Saved as "sandbox-write" \\(hf_sa…ice\\) in ~/hf/stored_tokens; the machine's active ` +
        `token \\(~/hf/token\\) is now the token from ${project}/\\.env \\(HF_TOKEN\\): hf, ` +
        `huggingface_hub and every notebook on this machine use it, not only this project\\.`,
    ),
  );
  assert.equal(await Deno.readTextFile(`${h.hfHome}/token`), PERSONAS.write.token);
  // A token from the environment: the plain line.
  const env = await run(["login", "--persist", "--name", "ci"], {
    ...h.env,
    HF_TOKEN: PERSONAS.read.token,
  });
  assert.match(
    env.stdout,
    /Saved as "ci" \(hf_sa…ice\) in ~\/hf\/stored_tokens; it is now the active token \(~\/hf\/token\)\./,
  );
});
