import assert from "node:assert/strict";
import {
  clearToken,
  forgetToken,
  InvalidTokenError,
  listStoredTokens,
  saveToken,
  setToken,
  switchToken,
  TokenStorageError,
} from "../mod.ts";
import { normalizeToken } from "../src/sources/mod.ts";
import { sessionState } from "../src/resolve/mod.ts";
import { pythonJson } from "./_python.ts";
import {
  parseStoredTokens,
  parseStoredTokensFile,
  serializeStoredTokens,
  tokenPaths,
} from "../src/store/mod.ts";

const FIXTURES = new URL("./fixtures/huggingface_hub/", import.meta.url);

async function tempHome() {
  const home = await Deno.makeTempDir({ prefix: "hfna-store-" });
  return {
    home,
    env: { HF_HOME: `${home}/hf` },
    [Symbol.asyncDispose]: () => Deno.remove(home, { recursive: true }),
  };
}

Deno.test("hygiene: whitespace, CR/LF, BOM, quotes and Bearer are stripped", () => {
  for (
    const raw of [
      "hf_sandbox_read_alice",
      "  hf_sandbox_read_alice  ",
      "hf_sandbox_read_alice\r\n",
      "\uFEFFhf_sandbox_read_alice",
      '"hf_sandbox_read_alice"',
      "'hf_sandbox_read_alice'",
      "Bearer hf_sandbox_read_alice",
      "bearer   hf_sandbox_read_alice",
      '"Bearer hf_sandbox_read_alice"\n',
    ]
  ) {
    assert.equal(normalizeToken(raw, "test").token, "hf_sandbox_read_alice", JSON.stringify(raw));
  }
});

Deno.test("hygiene: rejects empty, too long, inner whitespace/control/non-ASCII; names the source only", () => {
  const cases: [string, RegExp][] = [
    ["", /env:HF_TOKEN is set but empty/],
    ["   \n", /is set but empty/],
    ["hf_" + "a".repeat(1100), /1103 characters long; a Hugging Face token is about 37/],
    ["x".repeat(1 << 20), /far too long/],
    ["hf_abc def_ghijklmnop", /contains a space at character 7/],
    ["hf_abc\tdefghijklmnop", /contains a tab at character 7/],
    ["hf_abc\ndefghijklmnop", /contains a line break/],
    ["hf_abc\u0007defghijklmnop", /control character \(U\+0007\)/],
    ["hf_аbcdefghijklmnop", /non-ASCII character "а" \(U\+0430\).*look-alike/],
    ["hf_" + "x".repeat(34), /placeholder/],
    ["hf_YOUR_NEW_TOKEN_HERE", /placeholder/],
    ["your_hugging_face_token_here", /placeholder/],
  ];
  for (const [raw, pattern] of cases) {
    try {
      normalizeToken(raw, "env:HF_TOKEN");
      assert.fail(`accepted ${JSON.stringify(raw.slice(0, 30))}`);
    } catch (e) {
      assert.ok(e instanceof InvalidTokenError, String(e));
      assert.match(e.message, pattern);
      assert.equal(e.source, "env:HF_TOKEN");
      if (raw.length > 8 && raw.trim()) {
        assert.ok(!e.message.includes(raw.trim()), "value never in message");
      }
    }
  }
});

Deno.test("hygiene: a token without hf_ works but warns", () => {
  const { token, warnings } = normalizeToken("api_org_sandbox_legacy_token", "env:HF_TOKEN");
  assert.equal(token, "api_org_sandbox_legacy_token");
  assert.equal(warnings[0].code, "not-hf-prefix");
});

Deno.test("INI: parses and re-serialises huggingface_hub's own stored_tokens byte for byte", async () => {
  const bytes = await Deno.readTextFile(new URL("stored_tokens", FIXTURES));
  const parsed = parseStoredTokens(bytes, "stored_tokens");
  assert.deepEqual([...parsed], [
    ["Zeta org", "hf_sandbox_org_app"],
    ["notebook", "hf_sandbox_read_alice"],
    ["work", "hf_sandbox_write_bob"],
  ]);
  assert.equal(serializeStoredTokens(parsed), bytes);
  // Order of insertion does not matter: Python sorts section names by code point.
  assert.equal(serializeStoredTokens(new Map([...parsed].reverse())), bytes);
});

Deno.test("INI: what configparser refuses is reported with its line; the file is never rewritten", () => {
  const cases: [string, RegExp][] = [
    ["hf_token = x\n", /line 1: an entry before any \[section\] header/],
    [
      "[a]\nhf_token = x\n[a]\nhf_token = y\n",
      /line 3: section \[a\] appears twice \(first on line 1\)/,
    ],
    ["[a\nhf_token = x\n", /line 1: a section header without its closing bracket/],
    ["[a]\n[]\n", /line 2: a section header without its closing bracket \(or with an empty name\)/],
    ["[a]\njust words\n", /line 2: a line that is neither/],
    ["[a]\nhf_token = x\nHF_TOKEN = y\n", /line 3: hf_token appears twice in section \[a\]/],
    ["[a]\n= x\n", /line 2: an entry with an empty key/],
  ];
  for (const [text, pattern] of cases) {
    assert.throws(() => parseStoredTokens(text, "/x/stored_tokens"), (e: unknown) => {
      assert.ok(e instanceof TokenStorageError);
      assert.match(e.message, pattern);
      assert.match(e.message, /configparser\) cannot read it either\. The file was left untouched/);
      return true;
    });
  }
});

Deno.test("INI: reads what configparser reads (checked against /usr/bin/python3's configparser)", async () => {
  // Each text, and what huggingface_hub's get_stored_tokens() returns for it.
  const cases: [string, Record<string, string>][] = [
    ["[a]\nother = 1\n", { a: "" }], // no hf_token: listed as <not set>
    ["[a]\nhf_token =\n", { a: "" }],
    ["[a]\nhf_token = hf_abc\n  def\n", { a: "hf_abc\ndef" }], // a continuation line
    ["[a]\nhf_token = x\n\n  more\n[b]\nhf_token=y\n", { a: "x\n\nmore", b: "y" }],
    ["[a] junk\nhf_token = x\n", { a: "x" }],
    ["[a]]\nhf_token=x\n", { "a]": "x" }],
    ["[DEFAULT]\nhf_token = d\n[a]\nfoo = 1\n[b]\nhf_token = e\n", { a: "d", b: "e" }],
    ["  [b]\nhf_token=x\n", { b: "x" }],
    ["[a]\n  # c\nhf_token = x ; not a comment\n", { a: "x ; not a comment" }],
    ["[a]\r\nHF_Token : x\r\n\r\n[ b ]\rhf_token=y", { a: "x", " b ": "y" }],
    ["[a]\nx = 1\n\thf_token = y\n", { a: "" }],
  ];
  const script = `import configparser, json, sys
out = []
for text in json.load(sys.stdin):
    c = configparser.ConfigParser(interpolation=None)
    c.read_string(text.replace("\\r\\n", "\\n").replace("\\r", "\\n"))
    out.append({s: c.get(s, "hf_token", fallback="") for s in c.sections()})
print(json.dumps(out))`;
  const fromPython = await pythonJson<Record<string, string>[]>(
    script,
    cases.map(([text]) => text),
  );
  cases.forEach(([text, expected], i) => {
    const ours = Object.fromEntries(
      parseStoredTokensFile(text, "x").sections.map((s) => [
        s.name,
        s.fields.hf_token ?? "",
      ]),
    );
    assert.deepEqual(ours, expected, JSON.stringify(text));
    assert.deepEqual(fromPython[i], expected, `python: ${JSON.stringify(text)}`);
  });
});

Deno.test("saveToken writes huggingface_hub's exact files, atomically, 0600 files in a 0700 dir", async () => {
  await using t = await tempHome();
  await saveToken("hf_sandbox_write_bob", { name: "work", env: t.env });
  await saveToken("hf_sandbox_org_app", { name: "Zeta org", env: t.env });
  await saveToken("hf_sandbox_read_alice", { name: "notebook", env: t.env });
  const { tokenPath, storedTokensPath } = tokenPaths({ env: t.env });
  assert.equal(
    await Deno.readTextFile(storedTokensPath),
    await Deno.readTextFile(new URL("stored_tokens", FIXTURES)),
  );
  assert.equal(
    await Deno.readTextFile(tokenPath),
    await Deno.readTextFile(new URL("token", FIXTURES)),
  );
  assert.equal((await Deno.stat(tokenPath)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(storedTokensPath)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(`${t.home}/hf`)).mode! & 0o777, 0o700);
  const leftovers = [...Deno.readDirSync(`${t.home}/hf`)].map((e) => e.name).sort();
  // No temp file is left; the lock file stays (huggingface_hub's filelock shares it, mode 0664).
  assert.deepEqual(leftovers, ["stored_tokens", "stored_tokens.lock", "token"]);
  assert.equal((await Deno.stat(`${storedTokensPath}.lock`)).mode! & 0o777, 0o664);
});

Deno.test("saveToken keeps every other stored token and refuses to rewrite a malformed file", async () => {
  await using t = await tempHome();
  const { storedTokensPath } = tokenPaths({ env: t.env });
  await Deno.mkdir(`${t.home}/hf`, { recursive: true });
  await Deno.copyFile(new URL("stored_tokens", FIXTURES), storedTokensPath);
  await saveToken("hf_sandbox_new", { name: "new", env: t.env, activate: false });
  assert.deepEqual((await listStoredTokens({ env: t.env })).map((x) => x.name), [
    "Zeta org",
    "new",
    "notebook",
    "work",
  ]);
  const broken = "[a]\nhf_token = x\n[a]\nhf_token = y\n";
  await Deno.writeTextFile(storedTokensPath, broken);
  await assert.rejects(
    () => saveToken("hf_sandbox_more", { name: "b", env: t.env }),
    TokenStorageError,
  );
  assert.equal(await Deno.readTextFile(storedTokensPath), broken, "nothing overwritten");
});

Deno.test("forgetToken/switchToken: removes only what it is told to", async () => {
  await using t = await tempHome();
  const { tokenPath, storedTokensPath } = tokenPaths({ env: t.env });
  await saveToken("hf_sandbox_write_bob", { name: "work", env: t.env });
  await saveToken("hf_sandbox_read_alice", { name: "notebook", env: t.env });
  await switchToken("work", { env: t.env });
  assert.equal(await Deno.readTextFile(tokenPath), "hf_sandbox_write_bob");
  await forgetToken({ name: "notebook", env: t.env });
  assert.equal(await Deno.readTextFile(tokenPath), "hf_sandbox_write_bob", "active file untouched");
  assert.equal(
    await Deno.readTextFile(storedTokensPath),
    "[work]\nhf_token = hf_sandbox_write_bob\n\n",
  );
  await assert.rejects(
    () => forgetToken({ name: "nope", env: t.env }),
    /No stored token is named "nope". Stored names: work/,
  );
  await assert.rejects(() => switchToken("nope", { env: t.env }), /Stored names: work/);
  await forgetToken({ env: t.env });
  await assert.rejects(() => Deno.stat(tokenPath), Deno.errors.NotFound);
  assert.equal((await listStoredTokens({ env: t.env })).length, 1, "named tokens stay");
  await forgetToken({ all: true, env: t.env });
  await assert.rejects(() => Deno.stat(storedTokensPath), Deno.errors.NotFound);
});

Deno.test("forgetToken of the active named token also removes the active token file (as hf auth logout)", async () => {
  await using t = await tempHome();
  await saveToken("hf_sandbox_read_alice", { name: "notebook", env: t.env });
  const result = await forgetToken({ name: "notebook", env: t.env });
  assert.equal(result.changed.length, 2);
  await assert.rejects(() => Deno.stat(tokenPaths({ env: t.env }).tokenPath), Deno.errors.NotFound);
});

Deno.test("forgetToken drops a session resolution that held a forgotten token", async () => {
  // The store sits below resolution: it announces the forgotten tokens
  // (src/_forgotten_tokens.ts) and the session cache drops its resolution.
  await using t = await tempHome();
  await saveToken("hf_sandbox_read_alice", { name: "notebook", env: t.env });
  await saveToken("hf_sandbox_write_bob", { name: "work", env: t.env, activate: false });
  setToken("hf_sandbox_read_alice");
  await forgetToken({ name: "work", env: t.env });
  assert.equal(sessionState().resolution?.token, "hf_sandbox_read_alice", "other tokens: kept");
  await forgetToken({ name: "notebook", env: t.env });
  assert.equal(sessionState().resolution, undefined, "the forgotten token: dropped");
  clearToken();
});

Deno.test("row 9: names with control or bidi characters are refused when saving and switching, shown escaped when listed", async () => {
  await using t = await tempHome();
  for (
    const [name, code] of [
      ["\x1bc", "U+001B"], // ESC c: resets the terminal
      ["work\u202Egpj.exe", "U+202E"], // right-to-left override
      ["a\x9bb", "U+009B"], // C1 CSI
      ["a\x7fb", "U+007F"],
    ]
  ) {
    await assert.rejects(
      () => saveToken("hf_sandbox_read_alice", { name, env: t.env }),
      (e: unknown) => {
        assert.ok(e instanceof TypeError);
        assert.match(
          e.message,
          new RegExp(`holds a control or bidi character \\(${code.replace("+", "\\+")}\\)`),
        );
        // deno-lint-ignore no-control-regex
        assert.ok(!/[\x1b\x7f\x9b\u202e]/.test(e.message), "the message shows it escaped");
        return true;
      },
    );
  }
  await assert.rejects(
    () => saveToken("hf_sandbox_read_alice", { name: "DEFAULT", env: t.env }),
    /configparser \(huggingface_hub\) treats \[DEFAULT\] as the defaults of every section/,
  );
  assert.deepEqual([...Deno.readDirSync(t.home)], [], "nothing written");

  // A section another tool wrote with an ESC in its name: read, listed, never printed raw.
  const { storedTokensPath } = tokenPaths({ env: t.env });
  await Deno.mkdir(`${t.home}/hf`);
  await Deno.writeTextFile(
    storedTokensPath,
    "[ev\x1b]0;owned\x07il]\nhf_token = hf_sandbox_read_alice\n\n[work]\nhf_token = hf_sandbox_write_bob\n",
  );
  const listed = await listStoredTokens({ env: t.env });
  assert.deepEqual(listed.map((x) => x.name), ["ev\x1b]0;owned\x07il", "work"]);
  await assert.rejects(() => switchToken("ev\x1b]0;owned\x07il", { env: t.env }), /U\+001B/);
  const error = await forgetToken({ name: "nope", env: t.env }).catch((e) => e);
  assert.match(error.message, /Stored names: ev\\x1B\]0;owned\\x07il, work\./);
  // deno-lint-ignore no-control-regex
  assert.ok(!/[\x00-\x1f]/.test(error.message));
  // `hf logout --name` lists what is left, escaped.
  let out = "";
  const { main } = await import("../src/cli.ts");
  const code = await main(["logout", "--name", "work"], {
    env: { ...t.env, HOME: t.home },
    stdout: (s) => out += s,
    stderr: (s) => out += s,
    stdinIsTty: false,
  });
  assert.equal(code, 0, out);
  assert.match(out, /Still stored: ev\\x1B\]0;owned\\x07il\./);
  // deno-lint-ignore no-control-regex
  assert.ok(!/[\x1b\x07]/.test(out), JSON.stringify(out));
});
