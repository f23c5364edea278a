// getToken() in a real Deno Jupyter kernel (Jupyter Notebook server from Debian, driven with
// @jupyterlab/services): the masked password box, the stdin-disabled error, the session cache
// across cells and across a second import of the module, and no token in any output.
import assert from "node:assert/strict";
import { kernelTest, startJupyter } from "./_jupyter.ts";

const MOD = new URL("../mod.ts", import.meta.url).href;
const RESOLVE = new URL("../src/resolve/mod.ts", import.meta.url).href;
const TOKEN = "hf_sandbox_read_alice";
const OTHER = "hf_sandbox_write_alice";

function assertNoToken(label: string, raw: unknown[]) {
  const text = JSON.stringify(raw);
  for (const token of [TOKEN, OTHER]) {
    assert.ok(!text.includes(token), `${label}: a kernel message contains the unmasked token`);
  }
}

kernelTest(
  "kernel: password prompt, cache across cells and imports, stdin disabled, env token",
  async (t) => {
    const home = await Deno.makeTempDir({ prefix: "hfna-kernel-home-" });
    const copy = await Deno.makeTempDir({ prefix: "hfna-kernel-copy-" });
    await Deno.copyFile(new URL("../mod.ts", import.meta.url), `${copy}/mod.ts`);
    await new Deno.Command("cp", {
      args: ["-r", new URL("../src", import.meta.url).pathname, copy],
    })
      .output();
    // Nothing configured: no HF_TOKEN, an empty HF_HOME, no secrets dir.
    await using server = await startJupyter({
      env: { HOME: home, HF_HOME: `${home}/hf`, HF_TOKEN: "", HUGGING_FACE_HUB_TOKEN: "" },
    });
    await using kernel = await server.startKernel();
    const setup = `import * as auth from "${MOD}";
import { sessionState } from "${RESOLVE}";
const opts = { mountedSecretDirs: [], cwd: ${JSON.stringify(home)} };`;
    assert.equal((await kernel.execute(setup)).status, "ok");

    await t.step("stdin disabled: no prompt, TokenNotFoundError rendered in the cell", async () => {
      const r = await kernel.execute("await auth.getToken(opts)", { allowStdin: false });
      assert.equal(r.status, "error");
      assert.equal(r.inputRequests.length, 0, "the frontend refuses stdin: no input_request");
      assert.equal(r.error?.ename, "TokenNotFoundError");
      assert.match(r.error!.evalue, /No Hugging Face token found/);
      assert.match(r.error!.evalue, /stdin is disabled/);
      assert.match(r.error!.evalue, /How to fix it \(jupyter\)/);
      assertNoToken("stdin disabled", r.raw);
    });

    await t.step("a masked password box appears and its answer becomes the token", async () => {
      const r = await kernel.execute(
        `const token = await auth.getToken(opts);
const res = await auth.resolveToken();
console.log(res.source, res.masked, token.length);`,
        { allowStdin: true, onInput: () => `  ${TOKEN}\n` },
      );
      assert.equal(r.status, "ok", r.error?.evalue);
      assert.equal(r.inputRequests.length, 1);
      assert.equal(r.inputRequests[0].password, true, "the prompt is a password box");
      assert.match(r.inputRequests[0].prompt, /Hugging Face token/);
      assert.match(r.text(), /prompt:jupyter hf_sa…ice 21/);
      assertNoToken("prompt", r.raw);
    });

    await t.step(
      "a second call in another cell returns at once with no I/O and no prompt",
      async () => {
        const r = await kernel.execute(
          `const before = JSON.stringify(sessionState().stats);
const again = await auth.getToken(opts);
console.log(again === token, before === JSON.stringify(sessionState().stats));`,
          { allowStdin: true, onInput: () => assert.fail("must not prompt again") },
        );
        assert.equal(r.status, "ok", r.error?.evalue);
        assert.equal(r.inputRequests.length, 0);
        assert.match(r.text(), /true true/);
      },
    );

    await t.step("a second import of the module (another URL) shares the session", async () => {
      const r = await kernel.execute(
        `const copy = await import("file://${copy}/mod.ts");
console.log(copy.getToken !== auth.getToken, (await copy.getToken({ prompt: false })) === token);`,
      );
      assert.equal(r.status, "ok", r.error?.evalue);
      assert.match(r.text(), /true true/);
      assertNoToken("second import", r.raw);
    });

    await t.step("with HF_TOKEN set it returns at once (after clearToken), no prompt", async () => {
      const r = await kernel.execute(
        `Deno.env.set("HF_TOKEN", "${OTHER}".replace("write", "write"));
auth.clearToken();
const r2 = await auth.resolveToken(opts);
console.log(r2.source, r2.masked);
r2`,
        { allowStdin: true, onInput: () => assert.fail("must not prompt") },
      );
      assert.equal(r.status, "ok", r.error?.evalue);
      assert.match(r.text(), /env:HF_TOKEN hf_sa…ice/);
      // The cell's own source carries the token (we typed it); outputs must not.
      assertNoToken("env", r.outputs);
    });

    await t.step("the sources table renders as HTML with masked values only", async () => {
      const r = await kernel.execute(`await auth.sources(opts)`);
      assert.equal(r.status, "ok", r.error?.evalue);
      assert.match(r.html(), /<table class="hfna-table">/);
      assert.match(r.html(), /env:<wbr>HF_TOKEN/);
      assertNoToken("sources", r.outputs);
    });
    await Deno.remove(home, { recursive: true });
    await Deno.remove(copy, { recursive: true });
  },
);
