/**
 * The environment as huggingface_hub reads it (issue 19, row 16): `$VAR` / `${VAR}` and `~` in
 * HF_HOME / HF_TOKEN_PATH / XDG_CACHE_HOME (checked against Python's own os.path.expandvars and
 * os.path.expanduser, run by /usr/bin/python3 with the same environment), a blank HF_TOKEN, an
 * empty HF_HOME (not copied: warned), and HF_STORED_TOKENS_PATH (gone).
 */
import assert from "node:assert/strict";
import { clearToken, resolveToken } from "../mod.ts";
import { tokenPaths } from "../src/store/mod.ts";
import { pythonJson } from "./_python.ts";

const quiet = { prompt: false, dotenv: false as const, mountedSecretDirs: [], kaggle: false };

/**
 * Python's token path for an environment: the formula of huggingface_hub's constants.py
 * (HF_HOME, then HF_TOKEN_PATH, each `expandvars(expanduser(...))`), with the stdlib only.
 */
async function pythonTokenPaths(envs: Record<string, string>[]): Promise<string[]> {
  const script = `import json, os, subprocess, sys
out = []
for env in json.load(sys.stdin):
    code = '''import os
default_home = os.path.join(os.path.expanduser("~"), ".cache")
HF_HOME = os.path.expandvars(os.path.expanduser(os.getenv("HF_HOME", os.path.join(os.getenv("XDG_CACHE_HOME", default_home), "huggingface"))))
print(os.path.expandvars(os.path.expanduser(os.getenv("HF_TOKEN_PATH", os.path.join(HF_HOME, "token")))))'''
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    out.append(r.stdout.rstrip("\\n"))
print(json.dumps(out))`;
  return await pythonJson(script, envs);
}

Deno.test("row 16: $VAR, ${VAR} and ~ in HF_HOME / HF_TOKEN_PATH / XDG_CACHE_HOME: the same path as Python", async () => {
  const base = { HOME: "/home/ada", BASE: "/data", EMPTY: "", NESTED: "$BASE/x" };
  const envs: Record<string, string>[] = [
    { ...base },
    { ...base, HF_HOME: "$BASE/hf" },
    { ...base, HF_HOME: "${BASE}/hf" },
    { ...base, HF_HOME: "$NOPE/hf" }, // unknown: left as written
    { ...base, HF_HOME: "${NOPE}/hf" },
    { ...base, HF_HOME: "$BASE_X/hf" }, // the longest name: BASE_X, unknown
    { ...base, HF_HOME: "$EMPTY/hf" }, // set but empty: replaced by nothing
    { ...base, HF_HOME: "$NESTED/hf" }, // a value is not expanded again
    { ...base, HF_HOME: "~/hf" },
    { ...base, HF_HOME: "~/$BASE" },
    { ...base, HF_HOME: "/a/${}/$/b" },
    { ...base, HF_HOME: "/a/${BASE" },
    { ...base, HF_TOKEN_PATH: "$BASE/tok" },
    { ...base, HF_TOKEN_PATH: "~/tok" },
    { ...base, XDG_CACHE_HOME: "$BASE/cache" },
    { ...base, XDG_CACHE_HOME: "~/c" },
    { HOME: "/", HF_HOME: "~/hf" },
    { HOME: "/home/ada/", BASE: "/data" },
  ];
  const python = await pythonTokenPaths(envs);
  // Python joins without normalising ("~/$BASE" gives /home/ada//data/token): the same file.
  envs.forEach((env, i) => {
    assert.equal(
      tokenPaths({ env }).tokenPath,
      python[i].replace(/\/{2,}/g, "/"),
      JSON.stringify(env),
    );
  });
  assert.equal(tokenPaths({ env: envs[1] }).storedTokensPath, "/data/hf/stored_tokens");
});

async function tempHome() {
  const root = await Deno.makeTempDir({ prefix: "hfna-env-" });
  await Deno.mkdir(`${root}/home/.cache/huggingface`, { recursive: true });
  await Deno.mkdir(`${root}/project`);
  return {
    root,
    home: `${root}/home`,
    hf: `${root}/home/.cache/huggingface`,
    project: `${root}/project`,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

Deno.test("row 16: HF_TOKEN set to blanks: HUGGING_FACE_HUB_TOKEN is skipped and the token file used, as huggingface_hub does", async () => {
  await using t = await tempHome();
  await Deno.writeTextFile(`${t.hf}/token`, "hf_sandbox_read_alice", { mode: 0o600 });
  const env = {
    HOME: t.home,
    HF_TOKEN: "   ",
    HUGGING_FACE_HUB_TOKEN: "hf_sandbox_write_bob",
  };
  clearToken();
  const r = await resolveToken({ env, ...quiet, refresh: false, cwd: t.project });
  assert.equal(r.token, "hf_sandbox_read_alice");
  assert.match(r.source, /^file:/);
  const skipped = r.attempts.find((a) => a.source === "env:HUGGING_FACE_HUB_TOKEN");
  assert.match(skipped?.detail ?? "", /skipped: HF_TOKEN is set to blanks/);
  // HF_TOKEN empty (""): Python's `or` moves on to HUGGING_FACE_HUB_TOKEN; so does this module.
  clearToken();
  const empty = await resolveToken({
    env: { ...env, HF_TOKEN: "" },
    ...quiet,
    refresh: false,
    cwd: t.project,
  });
  assert.equal(empty.token, "hf_sandbox_write_bob");
  clearToken();
});

Deno.test("row 16: HF_HOME='' does not read ./token (unlike huggingface_hub): the default file is used, with a warning that the tools differ", async () => {
  await using t = await tempHome();
  await Deno.writeTextFile(`${t.hf}/token`, "hf_sandbox_read_alice", { mode: 0o600 });
  // A token planted in the working directory: huggingface_hub would use it.
  await Deno.writeTextFile(`${t.project}/token`, "hf_sandbox_write_bob", { mode: 0o600 });
  const env = { HOME: t.home, HF_HOME: "" };
  assert.equal(tokenPaths({ env }).tokenPath, `${t.hf}/token`);
  clearToken();
  const r = await resolveToken({ env, ...quiet, refresh: false, cwd: t.project });
  assert.equal(r.token, "hf_sandbox_read_alice");
  const w = r.warnings.find((x) => x.code === "tools-differ");
  assert.ok(w, JSON.stringify(r.warnings));
  assert.match(
    w.message,
    /HF_HOME is set but empty: this module ignores it, while huggingface_hub \(hf, Python\) reads \.\/token relative to the directory it runs in/,
  );
  assert.equal(w.fix, "Unset HF_HOME or give it a full path.");
  // XDG_CACHE_HOME='' likewise, when HF_HOME is not set.
  clearToken();
  const xdg = await resolveToken({
    env: { HOME: t.home, XDG_CACHE_HOME: " " },
    ...quiet,
    refresh: false,
    cwd: t.project,
  });
  assert.match(
    xdg.warnings.find((x) => x.code === "tools-differ")?.message ?? "",
    /XDG_CACHE_HOME is set but blank/,
  );
  clearToken();
});

Deno.test("row 16: HF_STORED_TOKENS_PATH is no longer read (huggingface_hub never read it), and says so", async () => {
  await using t = await tempHome();
  await Deno.writeTextFile(`${t.hf}/token`, "hf_sandbox_read_alice", { mode: 0o600 });
  const env = { HOME: t.home, HF_STORED_TOKENS_PATH: `${t.root}/elsewhere` };
  assert.equal(tokenPaths({ env }).storedTokensPath, `${t.hf}/stored_tokens`);
  clearToken();
  const r = await resolveToken({ env, ...quiet, refresh: false, cwd: t.project });
  assert.match(
    r.warnings.find((x) => x.code === "tools-differ")?.message ?? "",
    /HF_STORED_TOKENS_PATH is set but no longer read/,
  );
  clearToken();
});
