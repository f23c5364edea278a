/**
 * No data lost: concurrent writers, crashes between the temporary write and
 * the rename, read-only storage, and forgetting one name must never lose or
 * clobber another stored token.
 *
 * How the hard cases are made honest (the tests run as root):
 * - crash: a child process is killed with SIGKILL while it sits inside the
 *   `beforeRename` hook (temp file written, rename not done, lock held);
 * - read-only: (1) a real read-only bind mount inside a private mount
 *   namespace (`unshare -m`, EROFS from the kernel), when the machine allows
 *   it; (2) a 0555 directory with the child started by
 *   `setpriv --bounding-set=-dac_override,-dac_read_search`, so root's DAC
 *   override is gone and the kernel really answers EACCES.
 */
import assert from "node:assert/strict";
import {
  forgetToken,
  listStoredTokens,
  resolveToken,
  saveToken,
  switchToken,
  TokenStorageError,
} from "../mod.ts";
import { parseStoredTokens, serializeStoredTokens, tokenPaths } from "../src/store/mod.ts";
import { spoolOutput } from "./_leak_scanner.ts";

const SELF = import.meta.filename!;
const tokenFor = (name: string) => `hf_sandbox_saved_${name.replace(/[^A-Za-z0-9]/g, "_")}`;

async function tempHome() {
  const root = await Deno.makeTempDir({ prefix: "hfna-nolost-" });
  const hf = `${root}/hf`;
  return {
    root,
    hf,
    env: { HF_HOME: hf },
    async [Symbol.asyncDispose]() {
      await new Deno.Command("chmod", { args: ["-R", "u+rwx", root] }).output();
      await Deno.remove(root, { recursive: true });
    },
  };
}

/** Every entry of a directory with its bytes (for byte-identical comparisons). */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    const info = await Deno.lstat(path);
    out[entry.name] = info.isFile
      ? `${(info.mode! & 0o777).toString(8)} ${info.mtime?.getTime()} ${await Deno.readTextFile(
        path,
      )}`
      : info.isDirectory
      ? "dir"
      : "other";
  }
  return out;
}

async function child(args: string[], prefix: string[] = []): Promise<Deno.ChildProcess> {
  const cmd = [...prefix, Deno.execPath(), "run", "-A", SELF, "--child", ...args];
  return await Promise.resolve(
    new Deno.Command(cmd[0], { args: cmd.slice(1), stdout: "piped", stderr: "piped" }).spawn(),
  );
}

async function childResult(process: Deno.ChildProcess): Promise<Record<string, unknown>> {
  const out = await process.output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, `child failed: ${new TextDecoder().decode(out.stderr)}${stdout}`);
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

// ---------------------------------------------------------------- child side
if (import.meta.main && Deno.args[0] === "--child") {
  const [, mode, hf, ...rest] = Deno.args;
  const env = { HF_HOME: hf };
  if (mode === "save-many") {
    const [prefix, count] = rest;
    for (let i = 0; i < Number(count); i++) {
      const name = `${prefix}-${i}`;
      await saveToken(tokenFor(name), { name, env, activate: i % 2 === 0 });
    }
    console.log(JSON.stringify({ ok: true }));
  } else if (mode === "hang-in-rename") {
    // Writes the new stored_tokens to its temp file, then waits forever before the rename.
    await saveToken(tokenFor("crashed"), {
      name: "crashed",
      env,
      beforeRename: async (temp) => {
        await Deno.writeTextFile(`${hf}/../in-hook`, temp);
        await new Promise((resolve) => setTimeout(resolve, 3_600_000)); // killed long before
      },
    });
  } else if (mode === "write-readonly") {
    // Proves the drop took, then tries every write path and reports the errors.
    const canBypass = await Deno.writeTextFile(`${hf}/probe`, "x").then(() => true, () => false);
    const results: Record<string, unknown> = { canBypass };
    for (
      const [label, fn] of [
        ["save", () => saveToken(tokenFor("new"), { name: "new", env })],
        ["switch", () => switchToken("b", { env })],
        ["forget", () => forgetToken({ name: "a", env })],
      ] as const
    ) {
      try {
        await fn();
        results[label] = { ok: true };
      } catch (error) {
        const e = error as Error;
        results[label] = { ok: false, name: e.name, message: e.message };
      }
    }
    console.log(JSON.stringify(results));
  }
  Deno.exit(0);
}

// ---------------------------------------------------------------- tests
Deno.test("20 concurrent saveToken calls with different names in one process: all survive", async () => {
  await using h = await tempHome();
  const names = Array.from({ length: 20 }, (_, i) => `nb-${i}`);
  await Promise.all(names.map((name) => saveToken(tokenFor(name), { name, env: h.env })));
  const stored = parseStoredTokens(await Deno.readTextFile(`${h.hf}/stored_tokens`), "x");
  assert.deepEqual([...stored.keys()].sort(), [...names].sort());
  for (const name of names) assert.equal(stored.get(name), tokenFor(name));
  // The active token is one of them, whole; no temp file is left behind (the shared lock file stays).
  const active = await Deno.readTextFile(`${h.hf}/token`);
  assert.ok(names.some((n) => tokenFor(n) === active), active);
  assert.deepEqual(Object.keys(await snapshot(h.hf)).sort(), [
    "stored_tokens",
    "stored_tokens.lock",
    "token",
  ]);
});

Deno.test("4 processes saving 5 names each at the same time: all 20 survive", async () => {
  await using h = await tempHome();
  await saveToken(tokenFor("before"), { name: "before", env: h.env });
  const children = await Promise.all(
    ["p0", "p1", "p2", "p3"].map((p) => child(["save-many", h.hf, p, "5"])),
  );
  for (const c of children) await childResult(c);
  const listed = await listStoredTokens({ env: h.env });
  const expected = [
    "before",
    ...["p0", "p1", "p2", "p3"].flatMap((p) => Array.from({ length: 5 }, (_, i) => `${p}-${i}`)),
  ];
  assert.deepEqual(listed.map((t) => t.name).sort(), expected.sort());
  const stored = parseStoredTokens(await Deno.readTextFile(`${h.hf}/stored_tokens`), "x");
  for (const name of expected) assert.equal(stored.get(name), tokenFor(name));
  assert.equal(listed.filter((t) => t.active).length, 1, "exactly one active");
  assert.deepEqual(Object.keys(await snapshot(h.hf)).sort(), [
    "stored_tokens",
    "stored_tokens.lock",
    "token",
  ]);
});

Deno.test("crash before rename (hook throws): old files intact, no temp file, a clear error", async () => {
  await using h = await tempHome();
  await saveToken(tokenFor("a"), { name: "a", env: h.env });
  await saveToken(tokenFor("b"), { name: "b", env: h.env, activate: false });
  const before = await snapshot(h.hf);
  let seenTemp = "";
  const error = await saveToken(tokenFor("c"), {
    name: "c",
    env: h.env,
    beforeRename: (temp) => {
      seenTemp = temp;
      throw new Error("simulated crash between write and rename");
    },
  }).catch((e) => e);
  await spoolOutput("no_data_lost/hook-throws", error);
  assert.ok(error instanceof TokenStorageError, String(error));
  assert.match(
    error.message,
    /Could not write .*\/hf\/stored_tokens: Error: simulated crash between write and rename\. Nothing was changed\./,
  );
  assert.match(seenTemp, /\/hf\/\.stored_tokens\.[0-9a-f]{8}\.tmp$/);
  assert.deepEqual(await snapshot(h.hf), before, "byte-identical, nothing left behind");
});

Deno.test("crash before rename (process SIGKILLed in the hook): old files intact, next save works, stale temp never read", async () => {
  await using h = await tempHome();
  await saveToken(tokenFor("a"), { name: "a", env: h.env });
  await saveToken(tokenFor("b"), { name: "b", env: h.env, activate: false });
  const before = await snapshot(h.hf);
  const proc = await child(["hang-in-rename", h.hf]);
  // Wait (bounded by the test runner, not a timed assertion) until the child is inside the hook.
  let temp = "";
  while (!temp) {
    temp = await Deno.readTextFile(`${h.root}/in-hook`).catch(() => "");
    if (!temp) await new Promise((r) => setTimeout(r, 20));
  }
  proc.kill("SIGKILL");
  const status = await proc.status;
  await proc.stdout.cancel();
  await proc.stderr.cancel();
  assert.equal(status.signal, "SIGKILL");

  // What the crash left: the old files untouched (the lock file included: it is never
  // deleted), plus the dead writer's temp file.
  const after = await snapshot(h.hf);
  for (const [name, content] of Object.entries(before)) assert.equal(after[name], content, name);
  assert.ok("stored_tokens.lock" in before, "the lock file exists from the first save");
  const leftovers = Object.keys(after).filter((n) => !(n in before)).sort();
  assert.deepEqual(leftovers.length, 1, `${leftovers}`);
  assert.ok(leftovers.some((n) => `${h.hf}/${n}` === temp), "the temp file the child wrote");

  // The stale temp file is never read: resolution and listing see only the old tokens.
  const listed = await listStoredTokens({ env: h.env });
  assert.deepEqual(listed.map((t) => t.name), ["a", "b"]);
  const r = await resolveToken({
    env: h.env,
    cwd: h.root,
    mountedSecretDirs: [],
    kaggle: false,
    dotenv: false,
    prompt: false,
    refresh: true,
  });
  assert.equal(r.token, tokenFor("a"));

  // The dead holder's flock was released by the kernel: the next save does not wait, and
  // the lock file is still there, untouched (never deleted, never stolen).
  await saveToken(tokenFor("c"), { name: "c", env: h.env, activate: false });
  assert.deepEqual((await listStoredTokens({ env: h.env })).map((t) => t.name), ["a", "b", "c"]);
  assert.equal((await snapshot(h.hf))["stored_tokens.lock"], before["stored_tokens.lock"]);
});

const READONLY_SEED = async (hf: string) => {
  const env = { HF_HOME: hf };
  await saveToken(tokenFor("a"), { name: "a", env });
  await saveToken(tokenFor("b"), { name: "b", env, activate: false });
};

function assertReadOnlyOutcome(results: Record<string, unknown>, reason: RegExp): void {
  assert.equal(results.canBypass, false, "the child could still write: not a read-only test");
  for (const label of ["save", "switch", "forget"]) {
    const r = results[label] as { ok: boolean; name: string; message: string };
    assert.equal(r.ok, false, `${label} succeeded on read-only storage`);
    assert.equal(r.name, "TokenStorageError", `${label}: ${r.message}`);
    assert.match(r.message, reason, label);
    assert.match(r.message, /Nothing was changed\. Make the directory writable, or point HF_HOME/);
  }
}

Deno.test("read-only directory (0555, root without DAC override): clear TokenStorageError, nothing half-written", async () => {
  await using h = await tempHome();
  await READONLY_SEED(h.hf);
  const before = await snapshot(h.hf);
  await Deno.chmod(h.hf, 0o555);
  const prefix = Deno.uid() === 0
    ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    : [];
  const results = await childResult(await child(["write-readonly", h.hf], prefix));
  await spoolOutput("no_data_lost/readonly-eacces", results);
  assertReadOnlyOutcome(results, /Could not (lock|write) .*: permission denied\./);
  await Deno.chmod(h.hf, 0o700);
  assert.deepEqual(await snapshot(h.hf), before, "byte-identical");
});

function canBindMountReadOnly(): boolean {
  if (Deno.build.os !== "linux") return false;
  try {
    return new Deno.Command("unshare", {
      args: [
        "-m",
        "sh",
        "-c",
        "d=$(mktemp -d) && mount --bind $d $d && mount -o remount,bind,ro $d",
      ],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

Deno.test({
  name:
    "read-only file system (ro bind mount in a private mount namespace): clear error, nothing written",
  // Needs CAP_SYS_ADMIN for unshare -m; the 0555 test above covers the same path everywhere.
  ignore: !canBindMountReadOnly(),
  async fn() {
    await using h = await tempHome();
    await READONLY_SEED(h.hf);
    const before = await snapshot(h.hf);
    const script =
      `mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" run -A "$3" --child write-readonly "$1"`;
    const proc = new Deno.Command("unshare", {
      args: ["-m", "sh", "-c", script, "sh", h.hf, Deno.execPath(), SELF],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const results = await childResult(proc);
    await spoolOutput("no_data_lost/readonly-erofs", results);
    assertReadOnlyOutcome(results, /Could not (lock|write) .*: the file system is read-only\./);
    assert.deepEqual(await snapshot(h.hf), before, "byte-identical");
  },
});

Deno.test("forgetToken of one name leaves every other name and the active token file byte-identical", async () => {
  await using h = await tempHome();
  const names = ["alpha", "beta", "gamma", "delta", "Zeta org"];
  for (const name of names) {
    await saveToken(tokenFor(name), { name, env: h.env, activate: name === "beta" });
  }
  const { tokenPath, storedTokensPath } = tokenPaths({ env: h.env });
  const storedBefore = await Deno.readTextFile(storedTokensPath);
  const tokenInfo = await Deno.stat(tokenPath);
  const tokenBytes = await Deno.readFile(tokenPath);

  await forgetToken({ name: "gamma", env: h.env });

  // stored_tokens: exactly the gamma section removed, every other byte the same.
  const gamma = `[gamma]\nhf_token = ${tokenFor("gamma")}\n\n`;
  assert.ok(storedBefore.includes(gamma));
  assert.equal(await Deno.readTextFile(storedTokensPath), storedBefore.replace(gamma, ""));
  const rest = new Map(names.filter((n) => n !== "gamma").map((n) => [n, tokenFor(n)]));
  assert.equal(await Deno.readTextFile(storedTokensPath), serializeStoredTokens(rest));
  // The active token file was not even rewritten.
  const after = await Deno.stat(tokenPath);
  assert.deepEqual(await Deno.readFile(tokenPath), tokenBytes);
  assert.equal(after.mtime?.getTime(), tokenInfo.mtime?.getTime());
  assert.equal(after.ino, tokenInfo.ino);

  // Forgetting only the active token file keeps stored_tokens byte-identical.
  const storedNow = await Deno.readFile(storedTokensPath);
  await forgetToken({ env: h.env });
  assert.deepEqual(await Deno.readFile(storedTokensPath), storedNow);
  await assert.rejects(() => Deno.stat(tokenPath), Deno.errors.NotFound);
});
