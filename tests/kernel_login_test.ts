/**
 * login() in a REAL Deno Jupyter kernel (Jupyter Notebook server + `deno jupyter --kernel`),
 * against the sandbox Hub running in this test process.
 */
import assert from "node:assert/strict";
import { PERSONAS, startSandbox } from "../src/sandbox/mod.ts";
import { kernelTest, startJupyter } from "./_jupyter.ts";

const MOD_URL = new URL("../mod.ts", import.meta.url).href;

kernelTest("login() in a Deno kernel renders the card naming the missing permission", async () => {
  await using sandbox = startSandbox({ quiet: true });
  const home = await Deno.makeTempDir({ prefix: "hfna-kernel-login-" });
  const secrets = [PERSONAS.fineGrainedNoInference.token, PERSONAS.xss.token];
  try {
    await using server = await startJupyter({
      env: {
        ...sandbox.env,
        HOME: home,
        HF_HOME: `${home}/hf`,
        HF_TOKEN: PERSONAS.fineGrainedNoInference.token,
        // Read by the second cell, so the token never appears in the cell's code.
        HFNA_TEST_XSS_TOKEN: PERSONAS.xss.token,
      },
    });
    await using kernel = await server.startKernel();

    const first = await kernel.execute(`import { login } from "${MOD_URL}";\nawait login()`);
    assert.equal(first.status, "ok", first.error?.evalue);
    const html = first.html();
    assert.match(html, /<div class="hfna hfna-tone-warn"/);
    assert.match(html, /hfna-badge hfna-ok"[^>]*>valid</);
    assert.match(html, /Make calls to Inference Providers/);
    assert.match(html, /inference\.serverless\.write/);
    assert.match(html, /from env:HF_TOKEN/);
    assert.match(html, /hf_sa…ice/);
    const text = first.text();
    assert.match(text, /Hugging Face token · VALID/);
    assert.match(text, /Make calls to Inference Providers/);
    // The kernel's own platform detection reached the validation.
    const platform = await kernel.execute(`(await login()).platform`);
    assert.match(platform.text(), /jupyter/);

    const second = await kernel.execute(
      `await login({ token: Deno.env.get("HFNA_TEST_XSS_TOKEN") })`,
    );
    assert.equal(second.status, "ok", second.error?.evalue);
    const xss = second.html();
    assert.ok(xss.includes("&lt;img src=x onerror=alert(1)&gt;"), "escaped fullname");
    assert.ok(!xss.includes("<img"), "no raw <img");
    assert.ok(!/<script/i.test(xss), "no <script>");

    // No message of any cell (IOPub, replies, inputs) carries an unmasked token.
    for (const result of [first, platform, second]) {
      const raw = JSON.stringify(result.raw);
      for (const token of secrets) assert.ok(!raw.includes(token), "token leaked in a message");
    }
    // The kernel really asked the sandbox (no prompt, no other host).
    const asked = sandbox.requests.filter((r) => r.path.startsWith("/api/whoami-v2"));
    assert.deepEqual(asked.map((r) => r.persona), ["fineGrainedNoInference", "xss"]);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
