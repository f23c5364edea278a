// A browser login in a real Deno Jupyter kernel: after a kernel restart getToken() finds it
// without asking; with the clock 30 days on it renews itself without asking (one refresh
// request reaches the sandbox, both files are updated); no kernel message holds a token.
import assert from "node:assert/strict";
import { kernelTest, startJupyter } from "./_jupyter.ts";
import { startSandbox } from "../src/sandbox/mod.ts";
import { DEFAULT_DEVICE_CLIENT_ID } from "../src/_oauth_client.ts";
import { saveToken } from "../mod.ts";
import { parseStoredTokensFile } from "../src/store/stored_tokens_ini.ts";

const MOD = new URL("../mod.ts", import.meta.url).href;
const DAY = 86_400_000;

kernelTest(
  "kernel: a browser login is found after a restart and renews itself 30 days on",
  async (t) => {
    await using hub = startSandbox({ quiet: true });
    const home = await Deno.makeTempDir({ prefix: "hfna-kernel-refresh-" });
    const hf = `${home}/hf`;
    const env = { HF_HOME: hf, HF_ENDPOINT: hub.url };
    // What a browser login (or `hf auth login` >= 1.20) leaves behind.
    const issued = hub.issueOAuthToken("alice", DEFAULT_DEVICE_CLIENT_ID);
    await saveToken(issued.access_token, {
      name: "oauth-sandbox-alice",
      refreshToken: issued.refresh_token,
      expiresAt: Math.floor((Date.now() + 30 * DAY) / 1000),
      env,
    });
    const secrets = [issued.access_token, issued.refresh_token];
    const noSecret = (label: string, raw: unknown[]) => {
      const text = JSON.stringify(raw);
      for (const s of secrets) {
        assert.ok(
          !text.includes(s),
          `${label}: a kernel message holds a secret`,
        );
      }
    };
    try {
      await using server = await startJupyter({
        env: { HOME: home, ...env, HF_TOKEN: "", HUGGING_FACE_HUB_TOKEN: "" },
      });
      await using kernel = await server.startKernel();
      const setup = `import * as auth from "${MOD}";
const opts = { mountedSecretDirs: [], cwd: ${JSON.stringify(home)}, kaggle: false };`;

      await t.step("after a restart: found without asking", async () => {
        await kernel.restart();
        assert.equal((await kernel.execute(setup)).status, "ok");
        const r = await kernel.execute(
          `const r1 = await auth.resolveToken(opts);
console.log(r1.source, r1.browserLogin.name, r1.browserLogin.refresh, r1.masked);`,
          { allowStdin: true, onInput: () => assert.fail("must not ask") },
        );
        assert.equal(r.status, "ok", r.error?.evalue);
        assert.equal(r.inputRequests.length, 0);
        assert.match(r.text(), /file:~\/hf\/token oauth-sandbox-alice not-due hf_oa…/);
        noSecret("found", r.raw);
      });

      await t.step("30 days on: renewed without asking, one refresh request", async () => {
        const r = await kernel.execute(
          `const later = () => Date.now() + 30 * 86_400_000 - 3_600_000;
const r2 = await auth.resolveToken({ ...opts, now: later });
console.log(r2.browserLogin.refresh, r2.token !== r1.token, r2.masked);`,
          { allowStdin: true, onInput: () => assert.fail("must not ask") },
        );
        assert.equal(r.status, "ok", r.error?.evalue);
        assert.equal(r.inputRequests.length, 0);
        assert.match(r.text(), /refreshed true hf_oa…/);
        noSecret("renewed", r.raw);
        const refreshes = hub.requests.filter((q) => q.grantType === "refresh_token");
        assert.equal(refreshes.length, 1);
        const stored = await Deno.readTextFile(`${hf}/stored_tokens`);
        const section = parseStoredTokensFile(stored, "x").sections[0];
        assert.notEqual(section.fields.hf_token, issued.access_token);
        assert.notEqual(section.fields.refresh_token, issued.refresh_token);
        assert.equal(await Deno.readTextFile(`${hf}/token`), section.fields.hf_token);
        secrets.push(section.fields.hf_token, section.fields.refresh_token!);
        noSecret("renewed (new token)", r.raw);
      });
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
);
