/**
 * stored_tokens as huggingface_hub ≥ 1.20 writes it (OAuth sections with
 * refresh_token / expires_at): every saveToken / forgetToken / switchToken
 * keeps every byte outside the section it changes, and matches what Python's
 * configparser writes (fixtures from tests/fixtures/huggingface_hub/generate.py).
 *
 * The lock: a real Python process (/usr/bin/python3) holds stored_tokens.lock
 * with stdlib fcntl.flock, and with Debian's python3-filelock FileLock: this
 * module waits, does not delete or steal the lock file, and completes after
 * release; and the other way round.
 */
import assert from "node:assert/strict";
import { withFileLock } from "../src/store/_atomic_write.ts";
import { forgetToken, listStoredTokens, saveToken, switchToken } from "../mod.ts";
import { parseStoredTokensFile, tokenPaths } from "../src/store/mod.ts";

const FIXTURES = new URL("./fixtures/huggingface_hub/", import.meta.url);
const fixture = (name: string) => Deno.readTextFile(new URL(name, FIXTURES));
const PYTHON = "/usr/bin/python3";

async function seeded(file = "stored_tokens_oauth", token = "token_oauth") {
  const root = await Deno.makeTempDir({ prefix: "hfna-interop-" });
  const hf = `${root}/hf`;
  await Deno.mkdir(hf, { mode: 0o755 });
  await Deno.chmod(hf, 0o755);
  const env = { HF_HOME: hf };
  const paths = tokenPaths({ env });
  await Deno.writeTextFile(paths.storedTokensPath, await fixture(file), { mode: 0o600 });
  await Deno.writeTextFile(paths.tokenPath, await fixture(token), { mode: 0o600 });
  return {
    root,
    hf,
    env,
    ...paths,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

Deno.test("each operation writes byte for byte what huggingface_hub's configparser writes", async () => {
  const cases: [string, (env: { HF_HOME: string }) => Promise<unknown>][] = [
    ["after_refresh", (env) =>
      saveToken("hf_oauth_sandbox_alice_new", {
        name: "oauth-sandbox-alice",
        refreshToken: "hf_oauthrefresh_sandbox_alice_new",
        expiresAt: 1769817600,
        env,
      })],
    [
      "after_save_plain_over_oauth",
      (env) => saveToken("hf_sandbox_read_alice", { name: "oauth-sandbox-alice", env }),
    ],
    ["after_save_second_oauth", (env) =>
      saveToken("hf_oauth_sandbox_pat_1", {
        name: "oauth-sandbox-pat",
        refreshToken: "hf_oauthrefresh_sandbox_pat_1",
        expiresAt: 1767225600,
        env,
      })],
    ["after_save_new_name", (env) => saveToken("hf_sandbox_write_bob", { name: "laptop", env })],
    ["after_logout_notebook", (env) => forgetToken({ name: "notebook", env })],
    ["after_logout_oauth", (env) => forgetToken({ name: "oauth-sandbox-alice", env })],
  ];
  for (const [expected, op] of cases) {
    await using h = await seeded();
    await op(h.env);
    assert.equal(await Deno.readTextFile(h.storedTokensPath), await fixture(expected), expected);
    // Every write sets the (existing, 0755) directory to 0700 and the file to 0600.
    assert.equal((await Deno.stat(h.hf)).mode! & 0o777, 0o700, `${expected}: dir mode`);
    assert.equal((await Deno.stat(h.storedTokensPath)).mode! & 0o777, 0o600);
  }
  // switchToken changes only the token file.
  await using h = await seeded();
  await switchToken("work", { env: h.env });
  assert.equal(await Deno.readTextFile(h.storedTokensPath), await fixture("stored_tokens_oauth"));
  assert.equal(await Deno.readTextFile(h.tokenPath), "hf_sandbox_write_bob");
  assert.equal((await Deno.stat(h.tokenPath)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(h.hf)).mode! & 0o777, 0o700);
});

Deno.test("a hand-edited file (comments, unknown keys, odd spacing, unsorted) keeps every byte outside the changed section", async () => {
  const text = "# my tokens, do not share\n" +
    "[zz-last]\nhf_token=hf_sandbox_zz\nnote : kept as is\n\n\n" +
    "[oauth-sandbox-alice]\nhf_token = hf_oauth_sandbox_alice_old\nrefresh_token = rt_old\n" +
    "expires_at = 1767225600\nscope = openid profile\n; a comment inside\n\n" +
    "[Work]\r\nHF_TOKEN = hf_sandbox_write_bob\r\n";
  const file = parseStoredTokensFile(text, "x");
  const alice = file.sections.find((s) => s.name === "oauth-sandbox-alice")!;
  assert.equal(
    file.sections.find((s) => s.name === "Work")!.fields.hf_token,
    "hf_sandbox_write_bob",
  );
  const outside = (t: string, start: number, end: number) => [t.slice(0, start), t.slice(end)];

  await using h = await seeded();
  await Deno.writeTextFile(h.storedTokensPath, text);
  // Replacing a section: its stale fields (scope, the comment) go, as in huggingface_hub.
  await saveToken("hf_oauth_sandbox_alice_new", {
    name: "oauth-sandbox-alice",
    refreshToken: "rt_new",
    expiresAt: 1769817600,
    env: h.env,
    activate: false,
  });
  const after = await Deno.readTextFile(h.storedTokensPath);
  const section = "[oauth-sandbox-alice]\nhf_token = hf_oauth_sandbox_alice_new\n" +
    "refresh_token = rt_new\nexpires_at = 1769817600\n\n";
  assert.deepEqual(
    outside(after, alice.start, alice.start + section.length),
    outside(text, alice.start, alice.end),
  );
  assert.equal(after.slice(alice.start, alice.start + section.length), section);

  // Removing a section and adding one: the rest is untouched.
  await forgetToken({ name: "oauth-sandbox-alice", env: h.env });
  assert.equal(
    await Deno.readTextFile(h.storedTokensPath),
    text.slice(0, alice.start) + text.slice(alice.end),
  );
  await saveToken("hf_sandbox_read_alice", { name: "aaa", env: h.env, activate: false });
  const added = await Deno.readTextFile(h.storedTokensPath);
  assert.ok(added.endsWith(text.slice(alice.end)), "Work section byte-identical (CRLF kept)");
  assert.ok(added.includes("note : kept as is\n"));
  const listed = await listStoredTokens({ env: h.env });
  assert.deepEqual(listed.map((t) => t.name), ["aaa", "zz-last", "Work"]);
});

Deno.test("listStoredTokens shows a browser login: expiry and whether it renews itself", async () => {
  await using h = await seeded();
  const listed = await listStoredTokens({ env: h.env });
  const oauth = listed.find((t) => t.name === "oauth-sandbox-alice")!;
  assert.deepEqual(oauth.browserLogin, { expiresAt: "2026-01-01T00:00:00.000Z", renews: true });
  assert.equal(oauth.active, true);
  assert.equal(listed.find((t) => t.name === "work")!.browserLogin, undefined);
});

// ------------------------------------------------------------ lock interop

/** Starts a Python process that takes the lock and holds it until told to let go. */
function pythonHolder(lockPath: string, how: "fcntl" | "filelock") {
  const script = how === "fcntl"
    ? `import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o664)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.readline()
fcntl.flock(fd, fcntl.LOCK_UN)
os.close(fd)
print("released", flush=True)`
    : `import sys
from filelock import FileLock
lock = FileLock(sys.argv[1])  # Debian's filelock 3.9 has no mode= (huggingface_hub passes 0o664)
lock.acquire()
print("locked", flush=True)
sys.stdin.readline()
lock.release()
print("released", flush=True)`;
  const proc = new Deno.Command(PYTHON, {
    args: ["-c", script, lockPath],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const next = async (): Promise<string> => {
    while (!buffer.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`python exited; got ${JSON.stringify(buffer)}`);
      buffer += value;
    }
    const i = buffer.indexOf("\n");
    const line = buffer.slice(0, i);
    buffer = buffer.slice(i + 1);
    return line;
  };
  const writer = proc.stdin.getWriter();
  return {
    next,
    async release() {
      await writer.write(new TextEncoder().encode("go\n"));
      await writer.close();
    },
    async done() {
      lines.releaseLock();
      await proc.stdout.cancel().catch(() => {});
      return await proc.status;
    },
  };
}

for (const how of ["fcntl", "filelock"] as const) {
  Deno.test(`Python (${how}) holds stored_tokens.lock: saveToken waits, keeps the lock file, completes after release`, async () => {
    await using h = await seeded();
    const lockPath = `${h.storedTokensPath}.lock`;
    const holder = pythonHolder(lockPath, how);
    assert.equal(await holder.next(), "locked");
    const inode = (await Deno.stat(lockPath)).ino;
    let waited = false;
    let finished = false;
    const save = saveToken("hf_sandbox_write_bob", { name: "laptop", env: h.env, activate: false })
      .then(() => finished = true);
    // Not a timed assertion: the save cannot finish while Python holds the lock, whatever
    // the speed; give it every chance to (wrongly) steal the lock first.
    for (let i = 0; i < 20 && !finished; i++) await new Promise((r) => setTimeout(r, 25));
    waited = !finished;
    assert.ok(waited, "saveToken finished while Python held the lock");
    assert.equal(
      await Deno.readTextFile(h.storedTokensPath),
      await fixture("stored_tokens_oauth"),
      "nothing written while Python holds the lock",
    );
    assert.equal((await Deno.stat(lockPath)).ino, inode, "lock file neither deleted nor replaced");
    await holder.release();
    assert.equal(await holder.next(), "released");
    await save;
    assert.ok((await holder.done()).success);
    assert.equal(await Deno.readTextFile(h.storedTokensPath), await fixture("after_save_new_name"));
    assert.equal((await Deno.stat(lockPath)).ino, inode, "lock file still there after release");
  });
}

Deno.test("this module holds stored_tokens.lock: Python's fcntl.flock and FileLock wait for it", async () => {
  await using h = await seeded();
  const lockPath = `${h.storedTokensPath}.lock`;
  let release!: () => void;
  const holding = new Promise<void>((r) => release = r);
  let entered!: () => void;
  const inside = new Promise<void>((r) => entered = r);
  const held = saveToken("hf_sandbox_write_bob", {
    name: "laptop",
    env: h.env,
    activate: false,
    beforeRename: async () => {
      entered();
      await holding;
    },
  });
  await inside;
  // Both Python lockers try without blocking (LOCK_NB / timeout=0) and must fail.
  const probe = await new Deno.Command(PYTHON, {
    args: [
      "-c",
      `import fcntl, os, sys
from filelock import FileLock, Timeout
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("fcntl:got-it")
except BlockingIOError:
    print("fcntl:busy")
try:
    FileLock(sys.argv[1], timeout=0).acquire()
    print("filelock:got-it")
except Timeout:
    print("filelock:busy")`,
      lockPath,
    ],
    stdout: "piped",
  }).output();
  assert.deepEqual(new TextDecoder().decode(probe.stdout).trim().split("\n"), [
    "fcntl:busy",
    "filelock:busy",
  ]);
  // A Python writer that blocks on the lock (as huggingface_hub's refresh does), then does its
  // read-modify-write with configparser: it must wait for our write and keep it.
  const waiter = new Deno.Command(PYTHON, {
    args: [
      "-c",
      `import configparser, io, sys
from filelock import FileLock
with FileLock(sys.argv[1] + ".lock"):
    print("got", flush=True)
    config = configparser.ConfigParser(interpolation=None)
    config.read(sys.argv[1])
    stored = {n: dict(config.items(n)) for n in config.sections()}
    stored["from-python"] = {"hf_token": "hf_sandbox_from_python"}
    out = configparser.ConfigParser(interpolation=None)
    for n in sorted(stored):
        out.add_section(n)
        for k, v in stored[n].items():
            out.set(n, k, v)
    buf = io.StringIO()
    out.write(buf)
    open(sys.argv[1], "w").write(buf.getvalue())
print("done", flush=True)`,
      h.storedTokensPath,
    ],
    stdout: "piped",
  }).spawn();
  const waiterOut = waiter.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let early = "";
  const peek = waiterOut.read().then(({ value }) => early += value ?? "");
  await Promise.race([peek, new Promise((r) => setTimeout(r, 300))]);
  assert.equal(early, "", "Python got the lock while this module held it");
  release();
  await held;
  await peek;
  for (;;) {
    const { value, done } = await waiterOut.read();
    if (done) break;
    early += value;
  }
  assert.ok((await waiter.status).success);
  assert.equal(early, "got\ndone\n");
  const both = parseStoredTokensFile(await Deno.readTextFile(h.storedTokensPath), "x");
  assert.deepEqual(both.sections.map((x) => x.name), [
    "Zeta org",
    "from-python",
    "laptop",
    "notebook",
    "oauth-sandbox-alice",
    "work",
  ]);
  // Restore the state the rest of this test expects (our own write only).
  await forgetToken({ name: "from-python", env: h.env });
  // Released: Python gets it now, and leaves the file where it is.
  const after = await new Deno.Command(PYTHON, {
    args: [
      "-c",
      `import fcntl, os, sys
from filelock import FileLock
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
fcntl.flock(fd, fcntl.LOCK_UN)
with FileLock(sys.argv[1], timeout=0):
    print("ok")`,
      lockPath,
    ],
    stdout: "piped",
  }).output();
  assert.equal(new TextDecoder().decode(after.stdout).trim(), "ok");
  assert.equal(await Deno.readTextFile(h.storedTokensPath), await fixture("after_save_new_name"));
});

Deno.test("a lock held too long: a specific TokenStorageError, nothing changed, the lock not stolen", async () => {
  await using h = await seeded();
  const lockPath = `${h.storedTokensPath}.lock`;
  const holder = pythonHolder(lockPath, "fcntl");
  assert.equal(await holder.next(), "locked");
  let ran = false;
  const error = await withFileLock(h.storedTokensPath, () => {
    ran = true;
    return Promise.resolve();
  }, { timeoutMs: 150 }).catch((e) => e);
  assert.equal(ran, false);
  assert.equal(error?.name, "TokenStorageError");
  assert.match(
    error.message,
    /stored_tokens\.lock has been locked for over 0\.15 s by another process/,
  );
  assert.match(error.message, /Nothing was changed\. Wait for it to finish and try again/);
  await holder.release();
  assert.equal(await holder.next(), "released");
  assert.ok((await holder.done()).success);
  // The abandoned wait let go as soon as it got the lock: a new writer gets it.
  await saveToken("hf_sandbox_write_bob", { name: "laptop", env: h.env, activate: false });
  assert.equal(await Deno.readTextFile(h.storedTokensPath), await fixture("after_save_new_name"));
});

Deno.test("row 15: a section without hf_token (as `hf auth list` shows <not set>) blocks nothing", async () => {
  await using h = await seeded();
  const text = (await fixture("stored_tokens_oauth")) + "[notes]\nfoo = bar\n";
  await Deno.writeTextFile(h.storedTokensPath, text);
  const listed = await listStoredTokens({ env: h.env });
  assert.deepEqual(listed.find((t) => t.name === "notes"), {
    name: "notes",
    masked: "<not set>",
    active: false,
  });
  assert.equal(listed.length, 5);
  // Saving another name keeps it byte for byte; switching to it says why not; forgetting it works.
  await saveToken("hf_sandbox_write_bob", { name: "laptop", env: h.env, activate: false });
  assert.equal(
    await Deno.readTextFile(h.storedTokensPath),
    (await fixture("after_save_new_name")) + "[notes]\nfoo = bar\n",
  );
  await assert.rejects(
    () => switchToken("notes", { env: h.env }),
    /The stored name "notes" has no token \(its section in .*stored_tokens has no "hf_token = …" line; `hf auth list` shows it as <not set>\)\. Nothing was changed\./,
  );
  assert.equal(await Deno.readTextFile(h.tokenPath), await fixture("token_oauth"));
  await forgetToken({ name: "notes", env: h.env });
  assert.equal(await Deno.readTextFile(h.storedTokensPath), await fixture("after_save_new_name"));
});
