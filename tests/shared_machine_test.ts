/**
 * A shared machine: another local user (or process) who can write the token
 * directory, and special files where the token files should be (issue 19,
 * rows 2, 4, 5 and 8). The attacker is a real second process: a Python
 * process (/usr/bin/python3, stdlib only) that swaps files, or the CLI run as
 * its own `deno run` process; every run of a process that could hang is
 * bounded by a kill timeout, so a regression fails instead of hanging.
 */
import assert from "node:assert/strict";
import { saveToken, TokenStorageError } from "../mod.ts";
import { readSecretFile } from "../src/sources/_read_secret_file.ts";
import { tokenPaths } from "../src/store/mod.ts";
import { spoolOutput } from "./_leak_scanner.ts";

const PYTHON = "/usr/bin/python3";

async function tempRoot(prefix: string) {
  const root = await Deno.makeTempDir({ prefix });
  return {
    root,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

/** Runs a Python snippet as a separate process and returns its stdout (fails on error). */
async function python(script: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command(PYTHON, {
    args: ["-c", script, ...args],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `python failed: ${stderr}`);
  return new TextDecoder().decode(out.stdout);
}

/** A file of someone else's that an attacker wants chmod'ed or overwritten. */
async function victimFile(root: string) {
  const path = `${root}/victim`;
  await Deno.writeTextFile(path, "someone else's data\n");
  await Deno.chmod(path, 0o644);
  return {
    path,
    async assertUntouched() {
      assert.equal(await Deno.readTextFile(path), "someone else's data\n", "victim content");
      assert.equal((await Deno.stat(path)).mode! & 0o7777, 0o644, "victim mode");
    },
  };
}

async function assertNotSymlink(path: string) {
  const info = await Deno.lstat(path).catch(() => undefined);
  assert.ok(!info?.isSymlink, `${path} is a symbolic link`);
}

// ------------------------------------------------------------ row 2: atomic write

const SWAP_FOR_SYMLINK = `import os, sys
temp, victim = sys.argv[1], sys.argv[2]
os.rename(temp, temp + ".stolen")
os.symlink(victim, temp)
print("swapped")`;

Deno.test("row 2: a second process swaps the temporary file for a symlink before the rename: refused, nothing redirected", async () => {
  await using t = await tempRoot("hfna-swap-");
  const env = { HF_HOME: `${t.root}/hf` };
  const { tokenPath, storedTokensPath } = tokenPaths({ env });
  await saveToken("hf_sandbox_read_alice", { name: "a", env });
  const before = await Deno.readTextFile(storedTokensPath);
  const victim = await victimFile(t.root);
  const error = await saveToken("hf_sandbox_write_bob", {
    name: "b",
    env,
    beforeRename: async (temp) => {
      assert.equal((await python(SWAP_FOR_SYMLINK, temp, victim.path)).trim(), "swapped");
    },
  }).catch((e) => e);
  await spoolOutput("shared_machine/swap-symlink", String(error));
  assert.ok(error instanceof TokenStorageError, String(error));
  assert.match(error.message, /was replaced \(by a symbolic link\) before the rename/);
  assert.match(error.message, /Another user or process can write in .*\/hf/);
  await victim.assertUntouched();
  await assertNotSymlink(storedTokensPath);
  await assertNotSymlink(tokenPath);
  assert.equal(await Deno.readTextFile(storedTokensPath), before, "stored_tokens unchanged");
  assert.equal(await Deno.readTextFile(tokenPath), "hf_sandbox_read_alice");
  // The attacker's link is left where it was put (we never remove what is not ours).
  const left = [...Deno.readDirSync(`${t.root}/hf`)].map((e) => e.name);
  assert.ok(left.some((n) => n.endsWith(".tmp")), `${left}`);
});

Deno.test("row 2: the temporary file is created with its final mode and is never chmod'ed by path", async () => {
  await using t = await tempRoot("hfna-mode-");
  const env = { HF_HOME: `${t.root}/hf` };
  let seen: number | undefined;
  await saveToken("hf_sandbox_read_alice", {
    name: "a",
    env,
    beforeRename: async (temp) => {
      seen = (await Deno.lstat(temp)).mode! & 0o777;
    },
  });
  assert.equal(seen, 0o600, "0600 before anything else happens to it");
  // A umask that narrows even the owner's bits: fixed through the same inode, not the path.
  const script = `import os, subprocess, sys
os.umask(0o277)
sys.exit(subprocess.call(sys.argv[1:]))`;
  const code = `import { saveToken } from ${
    JSON.stringify(new URL("../mod.ts", import.meta.url).href)
  };
await saveToken("hf_sandbox_write_bob", { name: "b", env: { HF_HOME: ${
    JSON.stringify(`${t.root}/hf`)
  } } });`;
  await python(script, Deno.execPath(), "eval", code);
  const { tokenPath, storedTokensPath } = tokenPaths({ env });
  assert.equal((await Deno.stat(tokenPath)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(storedTokensPath)).mode! & 0o777, 0o600);
});

Deno.test("row 2: a second process racing every write (swapping each temporary file for a symlink): no chmod of another file, never a symlink installed", async () => {
  await using t = await tempRoot("hfna-race-");
  const hf = `${t.root}/hf`;
  const env = { HF_HOME: hf };
  const { tokenPath, storedTokensPath } = tokenPaths({ env });
  await saveToken("hf_sandbox_read_alice", { name: "a", env });
  const victim = await victimFile(t.root);
  const stop = `${t.root}/stop`;
  // Scans the directory as fast as it can and swaps every temporary file it sees.
  const racer = new Deno.Command(PYTHON, {
    args: [
      "-c",
      `import os, sys
hf, victim, stop = sys.argv[1:4]
swaps = 0
while not os.path.exists(stop):
    for name in os.listdir(hf):
        if name.endswith(".tmp"):
            p = os.path.join(hf, name)
            try:
                if os.path.islink(p):
                    continue
                os.rename(p, p + ".stolen")
                os.symlink(victim, p)
                swaps += 1
            except OSError:
                pass
print(swaps)`,
      hf,
      victim.path,
      stop,
    ],
    stdout: "piped",
    signal: AbortSignal.timeout(120_000),
  }).spawn();
  let written = 0;
  let refused = 0;
  for (let i = 0; i < 60; i++) {
    const token = `hf_sandbox_race_${i}`;
    try {
      await saveToken(token, { name: `n${i % 3}`, env });
      written++;
      assert.equal(await Deno.readTextFile(tokenPath), token);
    } catch (error) {
      assert.ok(error instanceof TokenStorageError, String(error));
      refused++;
    }
    await assertNotSymlink(tokenPath);
    await assertNotSymlink(storedTokensPath);
    await victim.assertUntouched();
  }
  await Deno.writeTextFile(stop, "");
  const swaps = Number(new TextDecoder().decode((await racer.output()).stdout).trim());
  await spoolOutput("shared_machine/race", { written, refused, swaps });
  assert.equal(written + refused, 60);
  await victim.assertUntouched();
});

// ------------------------------------------------------------ row 5: one open, one handle

Deno.test("row 5: swapped for a /dev/zero symlink between the check and the read: refused, nothing read", async () => {
  await using t = await tempRoot("hfna-toctou-");
  const path = `${t.root}/token`;
  await Deno.writeTextFile(path, "hf_sandbox_read_alice", { mode: 0o600 });
  const read = await readSecretFile(path, "The token file", undefined, {
    afterCheck: async () => {
      await python(
        `import os, sys\nos.rename(sys.argv[1], sys.argv[1] + ".old")\nos.symlink("/dev/zero", sys.argv[1])`,
        path,
      );
    },
  });
  assert.equal(read.kind, "error");
  assert.match(
    (read as { message: string }).message,
    /The token file .*\/token changed while it was being read \(it is now not a regular file\)/,
  );
});

Deno.test("row 5: swapped for a larger file between the check and the read: refused; a file that grows is cut at the limit plus one byte", async () => {
  await using t = await tempRoot("hfna-toctou-");
  const path = `${t.root}/token`;
  await Deno.writeTextFile(path, "hf_sandbox_read_alice", { mode: 0o600 });
  const big = `${t.root}/big`;
  await Deno.writeFile(big, new Uint8Array(3 << 20).fill(0x61));
  const swapped = await readSecretFile(path, "The token file", undefined, {
    afterCheck: async () => {
      await python(`import os, sys\nos.replace(sys.argv[2], sys.argv[1])`, path, big);
    },
  });
  assert.equal(swapped.kind, "error");
  assert.match((swapped as { message: string }).message, /changed while it was being read/);
  // Same file, grown after the check (appended in place): at most limit + 1 bytes are read.
  await Deno.writeTextFile(path, "hf_sandbox_read_alice", { mode: 0o600 });
  const grown = await readSecretFile(path, "The token file", undefined, {
    afterCheck: async () => {
      await python(
        `import sys\nopen(sys.argv[1], "ab").write(b"a" * (3 << 20))`,
        path,
      );
    },
  });
  assert.equal(grown.kind, "error");
  assert.match(
    (grown as { message: string }).message,
    /far too large to hold a token \(the limit is 1048576 bytes\)/,
  );
});

// ------------------------------------------------------------ row 4: the CLI's reads

const CLI = new URL("../src/cli.ts", import.meta.url).pathname;

/** Runs the CLI as its own process, killed after 60 s so that a hang fails the test. */
async function cli(args: string[], env: Record<string, string>, cwd: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", NO_COLOR: "1", ...env },
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, signal: out.signal, text: decode(out.stdout) + decode(out.stderr) };
}

for (const kind of ["fifo", "dev-zero-link"] as const) {
  Deno.test(`row 4: the token file and stored_tokens are a ${kind}: whoami, sources and logout end and say why`, async () => {
    await using t = await tempRoot("hfna-special-");
    const hf = `${t.root}/hf`;
    await Deno.mkdir(hf, { mode: 0o700 });
    for (const name of ["token", "stored_tokens"]) {
      if (kind === "fifo") {
        const made = await new Deno.Command("mkfifo", { args: [`${hf}/${name}`] }).output();
        assert.ok(made.success);
      } else {
        await Deno.symlink("/dev/zero", `${hf}/${name}`);
      }
    }
    const env = { HF_HOME: hf, HOME: t.root, HF_HUB_OFFLINE: "1" };
    for (const command of [["whoami"], ["sources"], ["logout"], ["logout", "--all"]]) {
      const run = await cli(command, env, t.root);
      await spoolOutput(`shared_machine/${kind}/${command.join("-")}`, run.text);
      assert.equal(run.signal, null, `${command.join(" ")} hung and was killed: ${run.text}`);
      // whoami finds no usable token (its one-line error); the others name the file and why.
      assert.match(
        run.text,
        command[0] === "whoami"
          ? /No Hugging Face token found/
          : /is not a regular file \(a pipe, socket or device\)/,
        `${command.join(" ")}: ${run.text}`,
      );
    }
    // Nothing was replaced or removed: the special files are still there.
    for (const name of ["token", "stored_tokens"]) {
      const info = await Deno.lstat(`${hf}/${name}`);
      assert.ok(kind === "fifo" ? info.isFifo : info.isSymlink, name);
    }
  });
}

// ------------------------------------------------------------ row 8: the directory's mode

const MOD = new URL("../mod.ts", import.meta.url).href;

/** Saves two tokens in a separate process (its own "warn once" state); returns its stderr. */
async function saveTwiceInChild(env: Record<string, string>, cwd?: string): Promise<string> {
  const code = `import { saveToken } from ${JSON.stringify(MOD)};
const env = ${JSON.stringify(env)};
await saveToken("hf_sandbox_read_alice", { name: "a", env });
await saveToken("hf_sandbox_write_bob", { name: "b", env });`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    env: { HOME: env.HOME ?? Deno.env.get("HOME") ?? "/root" },
    cwd,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, stderr);
  return stderr;
}

const modeOf = async (path: string) => (await Deno.stat(path)).mode! & 0o7777;

Deno.test("row 8: a shared sticky directory (1777, like /tmp) keeps its mode and sticky bit; warned once", async () => {
  await using t = await tempRoot("hfna-dir-");
  const shared = `${t.root}/shared`;
  await Deno.mkdir(shared);
  await Deno.chmod(shared, 0o1777);
  const stderr = await saveTwiceInChild({ HF_TOKEN_PATH: `${shared}/token`, HOME: t.root });
  await spoolOutput("shared_machine/sticky-dir", stderr);
  assert.equal(await modeOf(shared), 0o1777);
  assert.equal(await modeOf(`${shared}/token`), 0o600);
  assert.equal(await modeOf(`${shared}/stored_tokens`), 0o600);
  const warnings = stderr.split("\n").filter((l) => l.includes("hf-notebook-auth:"));
  assert.equal(warnings.length, 1, stderr);
  assert.match(
    warnings[0],
    /directory .*\/shared is a shared directory \(world-writable, sticky, like \/tmp\) \(mode 1777\), so it was left as it is \(huggingface_hub would set it to 0700\)/,
  );
});

Deno.test("row 8: HF_TOKEN_PATH in $HOME, in the working directory, or in someone else's directory: left as it is", async () => {
  await using t = await tempRoot("hfna-dir-");
  const home = `${t.root}/home`;
  await Deno.mkdir(home);
  await Deno.chmod(home, 0o755);
  const stderr = await saveTwiceInChild({ HF_TOKEN_PATH: `${home}/token`, HOME: home });
  assert.equal(await modeOf(home), 0o755, "home keeps its mode");
  assert.match(stderr, /directory .*\/home is your home directory \(mode 0755\)/);
  assert.equal(stderr.split("hf-notebook-auth:").length - 1, 1, "once");

  const other = `${t.root}/other`;
  await Deno.mkdir(other);
  await Deno.chmod(other, 0o755);
  await Deno.chown(other, 4242, 4242);
  const stderr2 = await saveTwiceInChild({ HF_TOKEN_PATH: `${other}/token`, HOME: t.root });
  assert.equal(await modeOf(other), 0o755);
  assert.match(stderr2, /directory .*\/other is not yours \(owned by uid 4242\)/);

  const project = `${t.root}/project`;
  await Deno.mkdir(project);
  await Deno.chmod(project, 0o755);
  const stderr4 = await saveTwiceInChild(
    { HF_TOKEN_PATH: `${project}/token`, HOME: home },
    project,
  );
  assert.equal(await modeOf(project), 0o755);
  assert.match(stderr4, /directory .*\/project is the working directory \(mode 0755\)/);

  // The user's own, private place: set to 0700 as huggingface_hub does, without a word.
  const own = `${t.root}/own`;
  await Deno.mkdir(own);
  await Deno.chmod(own, 0o755);
  const stderr3 = await saveTwiceInChild({ HF_HOME: own, HOME: home });
  assert.equal(await modeOf(own), 0o700);
  assert.doesNotMatch(stderr3, /hf-notebook-auth/);
});
