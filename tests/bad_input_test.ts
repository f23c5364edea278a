/**
 * Bad-input matrix: every malformed value, file or store answer a person can
 * produce, fed through the public API (resolveToken / secrets.get / the
 * persistence functions). Each case asserts a specific message naming the
 * cause and the source, a typed error (never a raw Deno error or a crash),
 * and that the value itself never appears in the message.
 *
 * Unreadable files: the tests run as root, which reads a mode-000 file
 * regardless (CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH). Those cases run in a
 * subprocess started by `setpriv --bounding-set=-dac_override,-dac_read_search`:
 * still uid 0 (so the Deno cache stays readable), but the kernel now applies
 * file modes to it, so EACCES is real, not simulated. Not root: chmod suffices.
 */
import assert from "node:assert/strict";
import {
  clearToken,
  HfAuthError,
  InvalidTokenError,
  listStoredTokens,
  type ResolveOptions,
  resolveToken,
  saveToken,
  secrets,
  switchToken,
  TokenNotFoundError,
  TokenStorageError,
} from "../mod.ts";
import { SecretAccessError } from "../src/sources/mod.ts";
import { spoolOutput } from "./_leak_scanner.ts";

const READ = "hf_sandbox_read_alice";
const WRITE = "hf_sandbox_write_alice";
const JWT = "kaggle-jwt-sandbox-0123456789";

interface Ctx {
  root: string;
  options: ResolveOptions;
  env: Record<string, string>;
  write(path: string, content: string | Uint8Array, mode?: number): Promise<void>;
}

interface Case {
  name: string;
  /** Prepares files; returns options merged into the resolution options. */
  setup?: (c: Ctx) => Promise<Partial<ResolveOptions> | void>;
  /** What to call (default: resolveToken with the prepared options). */
  run?: (c: Ctx, extra: Partial<ResolveOptions>) => Promise<unknown>;
  /** Expected error class; absent means success expected. */
  error?: abstract new (...args: never[]) => Error;
  /** Every pattern must match the error message (or, on success, some warning). */
  message: RegExp[];
  /** On success: the token that must come out. */
  token?: string;
  /** Strings that must never appear in the message (besides persona tokens). */
  secret?: string;
  /** Run in a subprocess without DAC override (root cannot bypass file modes there). */
  unprivileged?: boolean;
}

const env = (vars: Record<string, string>) => (c: Ctx) =>
  Promise.resolve({ env: { ...c.env, ...vars } });

const kaggle = (respond: () => Promise<Response>) => (c: Ctx) =>
  secrets.get("HF_TOKEN", {
    env: { ...c.env, KAGGLE_USER_SECRETS_TOKEN: JWT, KAGGLE_URL_BASE: "http://kaggle.test" },
    mountedSecretDirs: [],
    fetch: () => respond(),
  });

const CASES: Case[] = [
  // ---- token hygiene, through env / files / the explicit option ----
  {
    name: "env token with a space inside",
    setup: env({ HF_TOKEN: "hf_sandbox read_alice" }),
    error: InvalidTokenError,
    message: [/env:HF_TOKEN is not a valid token: it contains a space at character 11/],
  },
  {
    name: "env token with a tab inside",
    setup: env({ HF_TOKEN: "hf_sandbox\tread_alice" }),
    error: InvalidTokenError,
    message: [/env:HF_TOKEN .*contains a tab at character 11.*one piece/],
  },
  {
    name: "env token with CRLF in the middle (pasted over two lines)",
    setup: env({ HF_TOKEN: "hf_sandbox_re\r\nad_alice" }),
    error: InvalidTokenError,
    message: [/env:HF_TOKEN .*contains a line break at character 14/],
  },
  {
    name: "token file ending in CRLF is cleaned",
    setup: (c) => c.write("hf/token", `${READ}\r\n`),
    message: [],
    token: READ,
  },
  {
    name: "token file with a UTF-8 BOM is cleaned",
    setup: (c) => c.write("hf/token", `\uFEFF${READ}\n`),
    message: [],
    token: READ,
  },
  {
    name: "quoted Bearer value in a mounted secret file is cleaned",
    setup: (c) => c.write("secrets/HF_TOKEN", `"Bearer ${WRITE}"\n`),
    message: [],
    token: WRITE,
  },
  {
    name: "an unmatched quote is named, not sent as part of the token",
    setup: env({ HF_TOKEN: `"${READ}` }),
    error: InvalidTokenError,
    message: [/env:HF_TOKEN .*unmatched quote \("\) at character 1/],
  },
  {
    name: "explicit token option with Bearer prefix and quotes is cleaned",
    setup: () => Promise.resolve({ token: `'Bearer ${READ}'` }),
    message: [],
    token: READ,
  },
  {
    name: "Cyrillic look-alike letter",
    setup: env({ HF_TOKEN: "hf_sandbox_reаd_alice" }),
    error: InvalidTokenError,
    message: [
      /env:HF_TOKEN .*non-ASCII character "а" \(U\+0430\) — a Cyrillic letter that looks like a Latin one at character 14/,
      /look-alike letter/,
    ],
  },
  {
    name: "zero-width space",
    setup: env({ HF_TOKEN: "hf_sandbox_\u200bread_alice" }),
    error: InvalidTokenError,
    message: [/env:HF_TOKEN .*an invisible zero-width space \(U\+200B\) at character 12/],
  },
  {
    name: "non-breaking space",
    setup: env({ HF_TOKEN: "hf_sandbox\u00a0read_alice" }),
    error: InvalidTokenError,
    message: [/env:HF_TOKEN .*a non-breaking space \(U\+00A0\) at character 11/],
  },
  {
    name: "1 MiB in an environment variable",
    setup: env({ HF_TOKEN: "x".repeat(1 << 20) }),
    error: InvalidTokenError,
    message: [/env:HF_TOKEN is 1048576 characters long, far too long/],
    secret: "x".repeat(64),
  },
  {
    name: "a token file over 1 MiB is refused without being read",
    setup: (c) => c.write("hf/token", "y".repeat((1 << 20) + 1)),
    error: TokenNotFoundError,
    message: [/The token file .*\/hf\/token is 1048577 bytes, far too large.*not read/],
    secret: "y".repeat(64),
  },
  {
    name: "empty environment variable is ignored and says so",
    setup: env({ HF_TOKEN: "" }),
    error: TokenNotFoundError,
    message: [/env:HF_TOKEN: not-found \(set but empty/],
  },
  {
    name: "empty token file",
    setup: (c) => c.write("hf/token", "\n"),
    error: InvalidTokenError,
    message: [/file:.*\/hf\/token is set but empty/],
  },
  {
    name: "UTF-16 token file (Notepad / PowerShell >)",
    setup: (c) =>
      c.write(
        "hf/token",
        new Uint8Array([0xff, 0xfe, ...[...READ].flatMap((ch) => [ch.charCodeAt(0), 0])]),
      ),
    error: TokenNotFoundError,
    message: [/The token file .*\/hf\/token is UTF-16 text .*Save it again as UTF-8/],
  },
  {
    name: "binary token file",
    setup: (c) => c.write("hf/token", new Uint8Array([0x68, 0x66, 0x5f, 0xc3, 0x28, 0x00])),
    error: TokenNotFoundError,
    message: [/The token file .*\/hf\/token is not UTF-8 text \(6 bytes/],
  },
  // ---- .env files ----
  {
    name: ".env with an unclosed quote",
    setup: (c) => c.write("cwd/.env", `# keys\nHF_TOKEN="${READ}\n`),
    error: TokenNotFoundError,
    message: [
      /dotenv:\.env:HF_TOKEN: error \(HF_TOKEN in \.env \(line 2\) opens a quote that is never closed/,
    ],
  },
  {
    name: ".env with duplicate keys warns naming both lines",
    setup: (c) => c.write("cwd/.env", `HF_TOKEN=${WRITE}\nOTHER=1\nHF_TOKEN=${READ}\n`, 0o600),
    message: [/HF_TOKEN is defined 2 times in \.env \(lines 1, 3\); the last one is used/],
    token: READ,
  },
  {
    name: ".env with a quoted token split across lines",
    setup: (c) => c.write("cwd/.env.local", `HF_TOKEN="hf_sandbox_\nread_alice"\n`),
    error: TokenNotFoundError,
    message: [
      /dotenv:\.env\.local:HF_TOKEN: error \(HF_TOKEN in \.env\.local \(line 1\) is a quoted value split across several lines/,
    ],
  },
  {
    name: ".env with an unquoted token wrapped onto the next line",
    setup: (c) => c.write("cwd/.env", "HF_TOKEN=hf_sandbox_re\nad_alice\n"),
    error: TokenNotFoundError,
    message: [
      /HF_TOKEN in \.env \(line 1\) seems to continue on line 2 \(a token split across lines\)/,
    ],
  },
  {
    name: "world-readable .env warns like ssh",
    setup: (c) => c.write("cwd/.env", `HF_TOKEN=${READ}\n`, 0o644),
    message: [/\.env is readable by other users of this machine\. Run: chmod 600 .*\/cwd\/\.env/],
    token: READ,
  },
  // ---- token file and secret files: directories, links, modes ----
  {
    name: "token file is a directory",
    setup: (c) => Deno.mkdir(`${c.root}/hf/token`),
    error: TokenNotFoundError,
    message: [/file:.*hf\/token: error \(The token file .*\/hf\/token is a directory, not a file/],
  },
  {
    name: "token file is a dangling symlink",
    setup: (c) => Deno.symlink(`${c.root}/gone`, `${c.root}/hf/token`),
    error: TokenNotFoundError,
    message: [/The token file .*\/hf\/token is a symbolic link to .*\/gone, which does not exist/],
  },
  {
    name: "token file is a named pipe (would block forever)",
    setup: async (c) => {
      const mk = await new Deno.Command("mkfifo", { args: [`${c.root}/hf/token`] }).output();
      assert.ok(mk.success, "mkfifo");
    },
    error: TokenNotFoundError,
    message: [/The token file .*\/hf\/token is not a regular file \(a pipe, socket or device\)/],
  },
  {
    name: "mounted secret file is a directory",
    setup: (c) => Deno.mkdir(`${c.root}/secrets/HF_TOKEN`),
    error: TokenNotFoundError,
    message: [
      /secret:file:.*\/secrets:HF_TOKEN: error \(The secret file .*\/secrets\/HF_TOKEN is a directory/,
    ],
  },
  {
    name: "extra secret file is a dangling symlink",
    setup: async (c) => {
      await Deno.symlink(`${c.root}/drive/gone`, `${c.root}/drive.txt`);
      return { secretFiles: [`${c.root}/drive.txt`] };
    },
    error: TokenNotFoundError,
    message: [
      /secret:file:.*\/drive\.txt: error \(The secret file .*drive\.txt is a symbolic link to .*\/drive\/gone/,
    ],
  },
  {
    name: "world-readable mounted secret file warns like ssh",
    setup: (c) => c.write("secrets/HF_TOKEN", READ, 0o644),
    message: [/secrets\/HF_TOKEN is readable by other users of this machine\. Run: chmod 600/],
    token: READ,
  },
  {
    name: "unreadable token file (mode 000)",
    setup: (c) => c.write("hf/token", READ, 0o000),
    unprivileged: true,
    error: TokenNotFoundError,
    message: [
      /The token file .*\/hf\/token exists but cannot be read \(permission denied\)\. Fix its owner\/mode/,
    ],
  },
  {
    name: "unreadable mounted secret file (mode 000)",
    setup: (c) => c.write("secrets/HF_TOKEN", READ, 0o000),
    unprivileged: true,
    error: TokenNotFoundError,
    message: [
      /secret:file:.*:HF_TOKEN: error \(The secret file .*HF_TOKEN exists but cannot be read \(permission denied\)/,
    ],
  },
  {
    name: "token file behind a directory without search permission",
    setup: async (c) => {
      await c.write("hf/token", READ);
      await Deno.chmod(`${c.root}/hf`, 0o600);
    },
    unprivileged: true,
    error: TokenNotFoundError,
    message: [
      /The token file .*\/hf\/token cannot be reached \(permission denied on a parent directory\)/,
    ],
  },
  // ---- Kaggle user secrets (secrets.get: the resolveToken path is in resolve_token_test) ----
  {
    name: "Kaggle answers 401",
    run: kaggle(() => Promise.resolve(new Response("denied", { status: 401 }))),
    error: SecretAccessError,
    message: [
      /Secret HF_TOKEN could not be read: Kaggle user secrets \(http:\/\/kaggle\.test\) refused the request \(HTTP 401\).*Restart the Kaggle session/,
    ],
  },
  {
    name: "Kaggle answers 500",
    run: kaggle(() => Promise.resolve(new Response("boom", { status: 500 }))),
    error: SecretAccessError,
    message: [/Kaggle user secrets \(http:\/\/kaggle\.test\) answered HTTP 500\. Try again/],
  },
  {
    name: "Kaggle answers non-JSON",
    run: kaggle(() => Promise.resolve(new Response("<html>maintenance</html>"))),
    error: SecretAccessError,
    message: [/Kaggle user secrets .*not JSON \(24 bytes, starting "<html>maintenance/],
  },
  {
    name: "Kaggle unreachable (network error) does not echo the notebook's secrets token",
    run: kaggle(() => Promise.reject(new TypeError(`connection refused (auth ${JWT})`))),
    error: SecretAccessError,
    message: [/Kaggle user secrets \(http:\/\/kaggle\.test\) could not be reached: .*Internet on/],
    secret: JWT,
  },
  {
    name: "Kaggle answers JSON of an unexpected shape",
    run: kaggle(() =>
      Promise.resolve(Response.json({ wasSuccessful: true, result: { secret: 42 } }))
    ),
    error: SecretAccessError,
    message: [/Kaggle user secrets .*answered an unexpected shape \(no result\.secret string\)/],
  },
  // ---- stored_tokens and the persistence functions ----
  {
    name: "malformed stored_tokens (listStoredTokens)",
    setup: (c) => c.write("hf/stored_tokens", `[a]\nhf_token = ${READ}\nthis is not ini\n`),
    run: (c) => listStoredTokens({ env: c.env }),
    error: TokenStorageError,
    message: [
      /\/hf\/stored_tokens line 3: a line that is neither a \[section\] nor a key = value pair.*left untouched/,
    ],
  },
  {
    // huggingface_hub lists it as <not set> and blocks nothing: switching to another name works
    // (issue 19 row 15); switching to it says why not.
    name: "stored_tokens section without hf_token (switchToken to it)",
    setup: (c) => c.write("hf/stored_tokens", `[a]\nhf_token = ${READ}\n\n[b]\nuser = alice\n`),
    run: async (c) => {
      await switchToken("a", { env: c.env });
      return await switchToken("b", { env: c.env });
    },
    error: TokenStorageError,
    message: [
      /The stored name "b" has no token \(its section in .*stored_tokens has no "hf_token = …" line/,
    ],
  },
  {
    name: "stored_tokens with a duplicate section (saveToken leaves it byte-identical)",
    setup: (c) =>
      c.write("hf/stored_tokens", `[a]\nhf_token = ${READ}\n\n[a]\nhf_token = ${WRITE}\n`),
    run: async (c) => {
      const path = `${c.root}/hf/stored_tokens`;
      const before = await Deno.readFile(path);
      try {
        return await saveToken(READ, { name: "b", env: c.env });
      } finally {
        assert.deepEqual(await Deno.readFile(path), before, "file untouched");
      }
    },
    error: TokenStorageError,
    message: [/stored_tokens line 4: section \[a\] appears twice \(first on line 1\)/],
  },
  {
    name: "stored_tokens is a directory",
    setup: (c) => Deno.mkdir(`${c.root}/hf/stored_tokens`),
    run: (c) => listStoredTokens({ env: c.env }),
    error: TokenStorageError,
    message: [/The stored tokens file .*\/hf\/stored_tokens is a directory, not a file/],
  },
  {
    name: "switchToken to an unknown name lists the stored names",
    setup: (c) => c.write("hf/stored_tokens", `[work]\nhf_token = ${WRITE}\n\n`),
    run: (c) => switchToken("home", { env: c.env }),
    error: TokenStorageError,
    message: [/No stored token is named "home"\. Stored names: work\. Save one with saveToken/],
  },
  {
    name: "saveToken of a token with a space is refused before any write",
    run: async (c) => {
      try {
        return await saveToken("hf_sandbox read_alice", { env: c.env });
      } finally {
        assert.deepEqual([...Deno.readDirSync(`${c.root}/hf`)], [], "nothing written");
      }
    },
    error: InvalidTokenError,
    message: [
      /The value in saveToken\(\) is not a valid token: it contains a space at character 11/,
    ],
  },
  {
    name: "saveToken under a name that cannot be an INI section",
    run: (c) => saveToken(READ, { env: c.env, name: "[evil]\nhf_token = x" }),
    error: TypeError,
    message: [
      /The token name .* cannot be stored: use a non-empty name without brackets, line breaks/,
    ],
  },
];

async function makeCtx(): Promise<Ctx & AsyncDisposable> {
  const root = await Deno.makeTempDir({ prefix: "hfna-bad-" });
  for (const dir of ["cwd", "hf", "secrets", "home"]) await Deno.mkdir(`${root}/${dir}`);
  const envRecord = { HOME: `${root}/home`, HF_HOME: `${root}/hf` };
  clearToken();
  return {
    root,
    env: envRecord,
    options: {
      env: envRecord,
      cwd: `${root}/cwd`,
      mountedSecretDirs: [`${root}/secrets`],
      kaggle: false,
      prompt: false,
      refresh: true,
      platform: "headless",
    },
    async write(path, content, mode = 0o600) {
      const full = `${root}/${path}`;
      if (typeof content === "string") await Deno.writeTextFile(full, content, { mode });
      else await Deno.writeFile(full, content, { mode });
      await Deno.chmod(full, mode);
    },
    async [Symbol.asyncDispose]() {
      clearToken();
      await new Deno.Command("chmod", { args: ["-R", "u+rwx", root] }).output();
      await Deno.remove(root, { recursive: true });
    },
  };
}

/** Outcome of one case, as plain data (it may come from a subprocess). */
interface Outcome {
  ok: boolean;
  token?: string;
  name?: string;
  message: string;
  warnings?: string[];
}

async function runCase(c: Case, ctx: Ctx): Promise<Outcome> {
  const extra = (await c.setup?.(ctx)) ?? {};
  try {
    const result = c.run
      ? await c.run(ctx, extra)
      : await resolveToken({ ...ctx.options, ...extra });
    const r = result as { token?: string; warnings?: { message: string }[] };
    return {
      ok: true,
      token: typeof r?.token === "string" ? r.token : undefined,
      message: "",
      warnings: r?.warnings?.map((w) => w.message) ?? [],
    };
  } catch (error) {
    const e = error as Error;
    // A typed error or the documented TypeError: anything else is a crash.
    const typed = e instanceof HfAuthError || e instanceof TypeError ? e.name : `CRASH:${e?.name}`;
    return { ok: false, name: typed, message: String(e?.message ?? e) };
  }
}

const IS_ROOT = Deno.uid() === 0;

/** Runs a case in a child that cannot bypass file modes (see the module comment). */
async function runUnprivileged(index: number): Promise<Outcome> {
  const prefix = IS_ROOT ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] : [];
  const args = [
    ...prefix,
    Deno.execPath(),
    "run",
    "-A",
    import.meta.filename!,
    "--case",
    `${index}`,
  ];
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(args[0], { args: args.slice(1), stdout: "piped", stderr: "piped" })
      .output();
  } catch (error) {
    throw new Error(
      `Cannot run the unreadable-file case without file-mode bypass: ${
        args[0]
      } failed (${error}). ` +
        `Install util-linux (setpriv) or run the tests as a non-root user.`,
    );
  }
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, `child failed: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(text.trim().split("\n").at(-1)!);
}

if (import.meta.main && Deno.args[0] === "--case") {
  // Child side of runUnprivileged: prove the privilege drop took, then run the case.
  const c = CASES[Number(Deno.args[1])];
  await using ctx = await makeCtx();
  const probe = `${ctx.root}/probe`;
  await Deno.writeTextFile(probe, "x", { mode: 0o000 });
  await Deno.chmod(probe, 0o000);
  const bypass = await Deno.readTextFile(probe).then(() => true, () => false);
  if (bypass) throw new Error("this process can still read a mode-000 file: privilege drop failed");
  console.log(JSON.stringify(await runCase(c, ctx)));
} else {
  Deno.test(`bad-input matrix has at least 25 cases (${CASES.length})`, () => {
    assert.ok(CASES.length >= 25);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length, "unique names");
  });

  CASES.forEach((c, index) => {
    Deno.test(`bad input: ${c.name}`, async () => {
      await using ctx = await makeCtx();
      const outcome = c.unprivileged ? await runUnprivileged(index) : await runCase(c, ctx);
      // The token itself is the expected result of success cases: spool the rest.
      await spoolOutput(`bad_input/${index}`, { ...outcome, token: outcome.token && "(returned)" });
      if (c.error) {
        assert.ok(!outcome.ok, `expected ${c.error.name}, got success (${outcome.token})`);
        assert.equal(outcome.name, c.error.name, outcome.message);
      } else {
        assert.ok(outcome.ok, `expected success, got ${outcome.name}: ${outcome.message}`);
        if (c.token) assert.equal(outcome.token, c.token);
      }
      const text = outcome.ok ? (outcome.warnings ?? []).join("\n") : outcome.message;
      for (const pattern of c.message) assert.match(text, pattern);
      // Never the value: not the persona tokens (raw or with their look-alike edits), not the secret.
      if (!outcome.ok) {
        for (const token of [READ, WRITE, "hf_sandbox read_alice", "hf_sandbox_reаd_alice"]) {
          assert.ok(!text.includes(token), `message contains ${token}`);
        }
      }
      if (c.secret) assert.ok(!text.includes(c.secret), "message contains the secret");
    });
  });
}
