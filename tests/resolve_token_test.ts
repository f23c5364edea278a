import assert from "node:assert/strict";
import {
  clearToken,
  getToken,
  InvalidTokenError,
  type ResolveOptions,
  resolveToken,
  secrets,
  type SecretStore,
  setToken,
  sources,
  TokenNotFoundError,
} from "../mod.ts";
import { SecretAccessError, SecretNotFoundError } from "../src/sources/mod.ts";
import { sessionState } from "../src/resolve/mod.ts";

const READ = "hf_sandbox_read_alice";
const WRITE = "hf_sandbox_write_bob";

/** A sandboxed resolution: no real env, no real /run/secrets, a temp cwd and HF_HOME. */
async function sandbox(files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const root = await Deno.makeTempDir({ prefix: "hfna-resolve-" });
  await Deno.mkdir(`${root}/cwd`);
  await Deno.mkdir(`${root}/hf`);
  await Deno.mkdir(`${root}/secrets`);
  for (const [name, content] of Object.entries(files)) {
    await Deno.writeTextFile(`${root}/${name}`, content, { mode: 0o600 });
  }
  clearToken();
  const options: ResolveOptions = {
    env: { HOME: `${root}/home`, HF_HOME: `${root}/hf`, ...env },
    cwd: `${root}/cwd`,
    mountedSecretDirs: [`${root}/secrets`],
    prompt: false,
    refresh: true,
  };
  return {
    root,
    options,
    [Symbol.asyncDispose]: async () => {
      clearToken();
      await Deno.remove(root, { recursive: true });
    },
  };
}

Deno.test("order: secret store beats env, env beats .env.local, .env.local beats .env, .env beats token file", async () => {
  await using s = await sandbox({
    "secrets/HF_TOKEN": "hf_sandbox_from_secret_file",
    "cwd/.env.local": "HF_TOKEN=hf_sandbox_from_env_local\n",
    "cwd/.env": "HF_TOKEN=hf_sandbox_from_dotenv\n",
    "hf/token": "hf_sandbox_from_token_file",
  }, { HF_TOKEN: "hf_sandbox_from_env" });
  const first = await resolveToken(s.options);
  assert.equal(first.source, `secret:file:${s.root}/secrets:HF_TOKEN`);
  assert.equal(first.token, "hf_sandbox_from_secret_file");
  await Deno.remove(`${s.root}/secrets/HF_TOKEN`);
  assert.equal((await resolveToken(s.options)).source, "env:HF_TOKEN");
  delete (s.options.env as Record<string, string>).HF_TOKEN;
  assert.equal((await resolveToken(s.options)).source, "dotenv:.env.local:HF_TOKEN");
  await Deno.remove(`${s.root}/cwd/.env.local`);
  assert.equal((await resolveToken(s.options)).source, "dotenv:.env:HF_TOKEN");
  await Deno.remove(`${s.root}/cwd/.env`);
  const last = await resolveToken(s.options);
  assert.equal(last.source, "file:~/../hf/token".replace("~/../hf", `${s.root}/hf`));
  assert.equal(last.token, "hf_sandbox_from_token_file");
});

Deno.test("attempts record every source tried, with outcome, up to the winner", async () => {
  await using s = await sandbox({ "hf/token": READ });
  const r = await resolveToken(s.options);
  const ids = r.attempts.map((a) => `${a.source}=${a.outcome}`);
  assert.ok(ids.includes("env:HF_TOKEN=not-found"));
  assert.ok(ids.includes("dotenv:.env.local=not-found"));
  assert.equal(ids.at(-1), `file:${s.root}/hf/token=found`);
  assert.equal(r.attempts.at(-1)!.masked, "hf_sa…ice");
});

Deno.test("env: HF_TOKEN before HUGGING_FACE_HUB_TOKEN before legacy aliases, alias warns", async () => {
  await using s = await sandbox({}, {
    HUGGING_FACE_HUB_TOKEN: WRITE,
    HF_API_KEY: "hf_sandbox_legacy_key",
  });
  const r = await resolveToken(s.options);
  assert.equal(r.source, "env:HUGGING_FACE_HUB_TOKEN");
  assert.equal(r.warnings.filter((w) => w.code === "legacy-env-alias").length, 0);
  assert.deepEqual(r.warnings.map((w) => w.code), ["shadowed-token"]);
  for (
    const alias of ["HUGGINGFACE_HUB_TOKEN", "HF_API_KEY", "HUGGINGFACE_API_KEY", "HF_API_TOKEN"]
  ) {
    await using t = await sandbox({}, { [alias]: READ });
    const hit = await resolveToken(t.options);
    assert.equal(hit.source, `env:${alias}`);
    assert.equal(hit.warnings[0].code, "legacy-env-alias");
    assert.match(hit.warnings[0].fix!, /HF_TOKEN/);
  }
});

Deno.test("seed 000: HUGGINGFACE_API_KEY in .env.local is found, and its placeholder is rejected by name", async () => {
  await using s = await sandbox({ "cwd/.env.local": `# line 96\nHUGGINGFACE_API_KEY=${READ}\n` });
  const r = await resolveToken(s.options);
  assert.equal(r.source, "dotenv:.env.local:HUGGINGFACE_API_KEY");
  await using p = await sandbox({ "cwd/.env.local": "HUGGINGFACE_API_KEY=hf_[YOUR_TOKEN_HERE]\n" });
  const error = await assert.rejects(() => resolveToken(p.options), InvalidTokenError).then(
    () => undefined,
  );
  assert.equal(error, undefined);
  try {
    await resolveToken(p.options);
  } catch (e) {
    assert.ok(e instanceof InvalidTokenError);
    assert.match(e.message, /placeholder/);
    assert.equal(e.source, "dotenv:.env.local:HUGGINGFACE_API_KEY");
  }
});

Deno.test(".env files are parsed, never exported into the process environment", async () => {
  const name = "HF_API_TOKEN";
  assert.equal(Deno.env.get(name), undefined);
  await using s = await sandbox({ "cwd/.env": `${name}="${READ}"\n` });
  s.options.env = { HOME: "/nonexistent", HF_HOME: `${s.root}/hf` };
  const r = await resolveToken(s.options);
  assert.equal(r.token, READ);
  assert.equal(Deno.env.get(name), undefined);
});

Deno.test("shadowing: env HF_TOKEN shadowing a different token in the token file is a warning", async () => {
  await using s = await sandbox({ "hf/token": WRITE }, { HF_TOKEN: READ });
  const r = await resolveToken(s.options);
  const shadow = r.warnings.find((w) => w.code === "shadowed-token")!;
  assert.match(
    shadow.message,
    /env:HF_TOKEN \(hf_sa…ice\) shadows a different token in file:.*token \(hf_sa…bob\)/,
  );
  assert.ok(!JSON.stringify(r).includes(READ) && !JSON.stringify(r).includes(WRITE));
});

Deno.test("session cache: second call does no I/O; refresh re-resolves; setToken wins; clearToken forgets", async () => {
  await using s = await sandbox({ "hf/token": READ });
  await resolveToken(s.options);
  const stats = { ...sessionState().stats };
  const again = await getToken({ ...s.options, refresh: false });
  assert.equal(again, READ);
  assert.deepEqual(sessionState().stats, stats, "a cached call reads no file and resolves nothing");
  await Deno.writeTextFile(`${s.root}/hf/token`, WRITE);
  assert.equal(await getToken({ ...s.options, refresh: false }), READ);
  assert.equal(await getToken({ ...s.options, refresh: true }), WRITE);
  setToken("hf_sandbox_explicit");
  assert.equal(await getToken({ ...s.options, refresh: false }), "hf_sandbox_explicit");
  assert.equal((await resolveToken({ ...s.options, refresh: false })).source, "explicit:setToken");
  clearToken();
  assert.equal(sessionState().resolution, undefined);
});

Deno.test("session cache survives a second import of the module (another URL)", async () => {
  await using s = await sandbox({ "hf/token": READ });
  await resolveToken(s.options);
  // A second copy of the whole module under another URL, as when a notebook imports it twice.
  const copy = await Deno.makeTempDir({ prefix: "hfna-copy-" });
  await Deno.copyFile(new URL("../mod.ts", import.meta.url), `${copy}/mod.ts`);
  await new Deno.Command("cp", { args: ["-r", new URL("../src", import.meta.url).pathname, copy] })
    .output();
  const other = await import(`file://${copy}/mod.ts`) as typeof import("../mod.ts");
  await Deno.remove(copy, { recursive: true });
  assert.notEqual(other.getToken, getToken);
  assert.equal(await other.getToken({ prompt: false }), READ);
  assert.equal((await other.resolveToken()).source, `file:${s.root}/hf/token`);
});

Deno.test("concurrent calls share one resolution", async () => {
  let calls = 0;
  const slow: SecretStore = {
    id: "slow",
    get: async (name) => {
      if (name === "HF_TOKEN") calls++;
      await new Promise((r) => setTimeout(r, 20));
      return name === "HF_TOKEN" ? READ : undefined;
    },
  };
  await using s = await sandbox();
  clearToken();
  const options = { ...s.options, refresh: false, stores: [slow] };
  const [a, b, c] = await Promise.all([getToken(options), getToken(options), getToken(options)]);
  assert.deepEqual([a, b, c], [READ, READ, READ]);
  assert.equal(calls, 1);
});

Deno.test("explicit token option wins and is cleaned", async () => {
  await using s = await sandbox({ "hf/token": WRITE });
  const r = await resolveToken({ ...s.options, token: `  Bearer ${READ}\n` });
  assert.equal(r.source, "explicit:token");
  assert.equal(r.token, READ);
});

Deno.test("not found: message lists every source tried and the platform's fix", async () => {
  for (
    const [platform, fix] of [
      ["colab", /userdata\.get\("HF_TOKEN"\)/],
      ["kaggle", /Add-ons → Secrets/],
      ["spaces", /Variables and secrets/],
      ["jupyter", /password box/],
      ["terminal", /export HF_TOKEN/],
      ["headless", /CI secret/],
    ] as const
  ) {
    await using s = await sandbox();
    try {
      await resolveToken({ ...s.options, platform });
      assert.fail("should throw");
    } catch (e) {
      assert.ok(e instanceof TokenNotFoundError, String(e));
      assert.match(e.message, /env:HF_TOKEN: not-found/);
      assert.match(e.message, /dotenv:\.env\.local: not-found/);
      assert.match(e.message, /prompt: skipped/);
      assert.match(e.message, fix);
    }
  }
});

Deno.test("Colab detected: the not-found message explains the vault and gives the Python bridge", async () => {
  await using s = await sandbox({}, { COLAB_RELEASE_TAG: "release-colab-20261101" });
  const e = await resolveToken(s.options).catch((e) => e);
  assert.ok(e instanceof TokenNotFoundError);
  assert.match(
    e.message,
    /secret:colab:HF_TOKEN: not-found \(Colab's vault cannot answer a Deno kernel\)/,
  );
  assert.match(e.message, /os\.environ\["HF_TOKEN"\] = userdata\.get\("HF_TOKEN"\)/);
});

Deno.test("Kaggle user secrets: same request as kaggle_secrets, honours KAGGLE_URL_BASE, negative cached", async () => {
  const seen: { url: string; auth: string | null; body: unknown }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const req = new Request(input, init);
    const body = await req.json();
    seen.push({ url: req.url, auth: req.headers.get("x-kaggle-authorization"), body });
    if (body.Label === "HUGGING_FACE_HUB_TOKEN") {
      return Response.json({ wasSuccessful: true, result: { secret: READ } });
    }
    return Response.json({ wasSuccessful: false, errors: ["No user secrets exist"] });
  };
  await using s = await sandbox({}, {
    KAGGLE_USER_SECRETS_TOKEN: "kaggle-jwt",
    KAGGLE_URL_BASE: "http://kaggle.test",
  });
  const r = await resolveToken({ ...s.options, fetch });
  assert.equal(r.source, "secret:kaggle:HUGGING_FACE_HUB_TOKEN");
  assert.deepEqual(seen[0], {
    url: "http://kaggle.test/requests/GetUserSecretByLabelRequest",
    auth: "Bearer kaggle-jwt",
    body: { Label: "HF_TOKEN" },
  });
  // The negative answer for HF_TOKEN is cached for the session: no second request.
  seen.length = 0;
  await resolveToken({ ...s.options, fetch, refresh: false, token: undefined });
  clearToken();
  sessionState().negative.set("kaggle:HF_TOKEN", {
    outcome: "not-found",
    detail: "no secret named HF_TOKEN",
  });
  await getToken({ ...s.options, fetch, refresh: false });
  assert.deepEqual(seen.map((x) => (x.body as { Label: string }).Label), [
    "HUGGING_FACE_HUB_TOKEN",
  ]);
});

Deno.test("Kaggle store failures become 'error' attempts with actionable text", async () => {
  for (
    const [response, pattern] of [
      [
        new Response("nope", { status: 401 }),
        /refused the request \(HTTP 401\).*Restart the Kaggle session/,
      ],
      [new Response("oops", { status: 500 }), /answered HTTP 500/],
      [new Response("<html>", { status: 200 }), /not JSON/],
    ] as const
  ) {
    await using s = await sandbox({}, {
      KAGGLE_USER_SECRETS_TOKEN: "jwt",
      KAGGLE_URL_BASE: "http://kaggle.test",
    });
    const e = await resolveToken({ ...s.options, fetch: () => Promise.resolve(response.clone()) })
      .catch((e) => e);
    assert.ok(e instanceof TokenNotFoundError);
    assert.match(e.message, pattern);
    assert.match(e.message, /secret:kaggle:HF_TOKEN: error/);
  }
});

Deno.test("mounted secrets: /run/secrets-style dir and $CREDENTIALS_DIRECTORY, extra files (seed 002's Drive file)", async () => {
  await using s = await sandbox({ "drive.txt": `${READ}\n` });
  await Deno.mkdir(`${s.root}/creds`);
  await Deno.writeTextFile(`${s.root}/creds/HUGGING_FACE_HUB_TOKEN`, WRITE, { mode: 0o600 });
  const viaCreds = await resolveToken({
    ...s.options,
    mountedSecretDirs: undefined,
    env: { ...s.options.env as Record<string, string>, CREDENTIALS_DIRECTORY: `${s.root}/creds` },
  });
  assert.equal(viaCreds.source, "secret:credentials-directory:HUGGING_FACE_HUB_TOKEN");
  const viaFile = await resolveToken({ ...s.options, secretFiles: [`${s.root}/drive.txt`] });
  assert.equal(viaFile.source, `secret:file:${s.root}/drive.txt`);
  assert.equal(viaFile.token, READ);
});

Deno.test("world-readable secret files still work but warn like ssh", async () => {
  await using s = await sandbox();
  await Deno.writeTextFile(`${s.root}/hf/token`, READ, { mode: 0o644 });
  await Deno.chmod(`${s.root}/hf/token`, 0o644);
  const r = await resolveToken(s.options);
  const w = r.warnings.find((w) => w.code === "world-readable")!;
  assert.match(w.message, /readable by other users.*chmod 600/);
});

Deno.test("secrets.get: Colab userdata-like lookup with typed errors", async () => {
  await using s = await sandbox({ "secrets/OPENAI_KEY": "sk-test\n" });
  assert.equal(
    await secrets.get("OPENAI_KEY", { env: {}, mountedSecretDirs: [`${s.root}/secrets`] }),
    "sk-test",
  );
  const missing = await secrets.get("NOPE", { env: {}, mountedSecretDirs: [`${s.root}/secrets`] })
    .catch((e) => e);
  assert.ok(missing instanceof SecretNotFoundError);
  assert.match(missing.message, /Secret NOPE was not found\. Stores asked: secret files in/);
  const failing: SecretStore = {
    id: "broken",
    get: () => Promise.reject(new Error("vault sealed")),
  };
  const failed = await secrets.get("X", { env: {}, stores: [failing], mountedSecretDirs: [] })
    .catch((e) => e);
  assert.ok(failed instanceof SecretAccessError);
  assert.match(failed.message, /vault sealed/);
  const colab = await secrets.get("HF_TOKEN", {
    env: { COLAB_RELEASE_TAG: "x" },
    mountedSecretDirs: [],
  })
    .catch((e) => e);
  assert.match(colab.message, /userdata\.get\("HF_TOKEN"\)/);
});

Deno.test("sources(): every source, masked values, which wins, which are shadowed", async () => {
  await using s = await sandbox(
    { "hf/token": WRITE, "cwd/.env.local": `HF_TOKEN=${READ}\n` },
    { HF_API_KEY: READ },
  );
  const table = await sources(s.options);
  const byId = new Map(table.data.rows.map((r) => [r.source, r]));
  assert.equal(table.data.active, "env:HF_API_KEY");
  assert.equal(byId.get("env:HF_API_KEY")!.masked, "hf_sa…ice");
  assert.equal(byId.get("dotenv:.env.local:HF_TOKEN")!.shadowed, true);
  assert.equal(byId.get("env:HF_TOKEN")!.status, "n/a");
  assert.equal(table.data.warnings.length, 1, "only the token file holds a different token");
  assert.match(table.data.warnings[0].message, /shadows a different token in file:/);
  const html = table.toHtml();
  const text = table.toString();
  for (const out of [html, text, JSON.stringify(table), Deno.inspect(table)]) {
    assert.ok(!out.includes(READ) && !out.includes(WRITE), "only masked tokens");
  }
  assert.match(text, /\* env:HF_API_KEY/);
});

Deno.test("sources() on Colab shows the vault row with the Python bridge", async () => {
  await using s = await sandbox({}, { COLAB_RELEASE_TAG: "release-colab-20261101" });
  const table = await sources(s.options);
  const colab = table.data.rows.find((r) => r.source === "secret:colab:HF_TOKEN")!;
  assert.equal(colab.status, "n/a");
  assert.match(colab.detail!, /os\.environ\["HF_TOKEN"\] = userdata\.get\("HF_TOKEN"\)/);
  const ids = table.data.rows.map((r) => r.source);
  assert.ok(
    ids.indexOf("secret:colab:HF_TOKEN") < ids.indexOf("env:HF_TOKEN"),
    "among the secret stores",
  );
});
