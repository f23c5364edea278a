/**
 * browserLogin() in a REAL Deno Jupyter kernel (Jupyter Notebook server + `deno jupyter
 * --kernel`) against the sandbox Hub in this process: one live output (display_data, then
 * update_display_data with the same display_id) that shows the link, the code and a QR code,
 * counts down, and becomes the validation card; a kernel interrupt ends a waiting login.
 */
import assert from "node:assert/strict";
import { maskToken } from "../mod.ts";
import { parseStoredTokensFile } from "../src/store/mod.ts";
import { PERSONAS, startSandbox } from "../src/sandbox/mod.ts";
import { type ExecResult, kernelTest, outputsForDisplayId, startJupyter } from "./_jupyter.ts";
import { learnSecret } from "./_leak_scanner.ts";
import { decodeSvgQr } from "./_qr_decode.ts";

const MOD_URL = new URL("../mod.ts", import.meta.url).href;

function liveOutputs(result: ExecResult) {
  const first = result.outputs.find((o) =>
    o.type === "display_data" && String(o.content?.transient?.display_id ?? "").startsWith(
      "hfna-login-",
    )
  );
  assert.ok(first, `no login display_data; got ${result.outputs.map((o) => o.type)}`);
  const id = first.content.transient.display_id as string;
  return outputsForDisplayId(result, id);
}

async function waitFor<T>(fn: () => T | undefined, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

kernelTest(
  "browserLogin() in a Deno kernel: one live output that becomes the card; no token in any message",
  async () => {
    await using sandbox = startSandbox({ quiet: true, oauth: { interval: 1 } });
    const home = await Deno.makeTempDir({ prefix: "hfna-kernel-browser-" });
    try {
      await using server = await startJupyter({
        env: { ...sandbox.env, HOME: home, HF_HOME: `${home}/hf` },
      });
      await using kernel = await server.startKernel();
      await kernel.execute(`import { browserLogin } from "${MOD_URL}";`);

      // Approve once the code has been asked for, after a couple of countdown ticks.
      const approved = waitFor(() => sandbox.pendingDeviceCodes()[0], "a pending device code")
        .then(async (code) => {
          await new Promise((r) => setTimeout(r, 2_500));
          assert.ok(sandbox.approveDevice(code));
          return code;
        });
      const result = await kernel.execute(`await browserLogin()`);
      const userCode = await approved;
      assert.equal(result.status, "ok", result.error?.evalue);

      const live = liveOutputs(result);
      assert.equal(live[0].type, "display_data");
      assert.ok(live.length >= 3, `expected updates, got ${live.length}`);
      assert.ok(live.slice(1).every((o) => o.type === "update_display_data"));
      assert.equal(result.outputs.filter((o) => o.type === "display_data").length, 1);

      const waiting = live[0].content.data["text/html"] as string;
      const link = `${sandbox.url}/oauth/device?user_code=${userCode}`;
      assert.ok(waiting.includes(`href="${link}"`), "live link to the sandbox page");
      assert.match(waiting, new RegExp(`data-hfna="user-code">${userCode}<`));
      assert.match(waiting, /<svg[^>]*aria-label="QR code/);
      assert.equal(
        await decodeSvgQr(/<svg[\s\S]*?<\/svg>/.exec(waiting)![0]),
        link,
        "the QR code is the link",
      );
      assert.match(waiting, /Waiting for approval… \d+:\d\d left/);
      const countdowns = live.map((o) => /(\d+:\d\d) left/.exec(o.content.data["text/html"])?.[1])
        .filter(Boolean);
      assert.ok(new Set(countdowns).size >= 2, `countdown updated in place: ${countdowns}`);

      // The live output turned into the card; as the card is also the cell's value, the live
      // copy is then blanked (as the live probe table is): the cell ends with exactly one card.
      const htmlOf = (o: { content: { data?: Record<string, string> } }) =>
        o.content.data?.["text/html"] ?? "";
      const cardUpdate = live.findLast((o) => /class="hfna/.test(htmlOf(o)));
      assert.ok(cardUpdate, "the live output became the card");
      const card = htmlOf(cardUpdate);
      assert.match(card, /sandbox-alice/);
      assert.match(card, /oauth-sandbox-alice/);
      assert.ok(!card.includes("Waiting for approval"));
      const value = result.outputs.find((o) => o.type === "execute_result");
      assert.ok(value, "the card is the cell's value");
      assert.equal(htmlOf(value), card);
      assert.equal(htmlOf(live.at(-1)!), "", "the live copy is blanked");
      assert.equal(live.at(-1)!.type, "update_display_data");

      // Saved with its refresh token; neither token, nor the device code, in any kernel message.
      const storedPath = `${home}/hf/stored_tokens`;
      const file = parseStoredTokensFile(await Deno.readTextFile(storedPath), storedPath);
      const section = file.sections.find((s) => s.name === "oauth-sandbox-alice");
      assert.ok(section?.fields.refresh_token, "refresh token stored");
      const secrets = [section.fields.hf_token!, section.fields.refresh_token!];
      learnSecret(...secrets);
      const raw = JSON.stringify(result.raw);
      for (const secret of secrets) assert.ok(!raw.includes(secret), "a token leaked in a message");
      assert.ok(
        !/hf_oauth(refresh)?_sandbox_[A-Za-z]+_/.test(raw),
        "OAuth token shape in a message",
      );

      // Later cells get the token without asking.
      const again = await kernel.execute(
        `const { getToken } = await import("${MOD_URL}"); (await getToken()).startsWith("hf_oauth_")`,
      );
      assert.match(again.text(), /true/);

      // After a kernel restart the saved login is found without asking (no stdin: a prompt would
      // fail the cell) ...
      await kernel.restart();
      const restarted = await kernel.execute(
        `const { resolveToken } = await import("${MOD_URL}");\n` +
          `const r = await resolveToken();\n` +
          `[r.source, r.masked === ${JSON.stringify(maskToken(secrets[0]))}].join(" ")`,
      );
      assert.equal(restarted.status, "ok", restarted.error?.evalue);
      assert.match(restarted.text(), /file:\S*token true/);
      // ... and once it is about to expire (as 30 days later), it renews itself without asking.
      const soon = Math.floor(Date.now() / 1000) + 3600;
      const text = await Deno.readTextFile(storedPath);
      await Deno.writeTextFile(
        storedPath,
        text.replace(/expires_at = \d+/, `expires_at = ${soon}`),
      );
      await kernel.restart();
      const renewed = await kernel.execute(
        `const { getToken } = await import("${MOD_URL}");\n` +
          `const t = await getToken();\n` +
          `[t.startsWith("hf_oauth_sandbox_alice_"), t.length > 0].join(" ")`,
      );
      assert.equal(renewed.status, "ok", renewed.error?.evalue);
      assert.match(renewed.text(), /true true/);
      const refreshes = sandbox.requests.filter((r) =>
        r.path === "/oauth/token" && r.grantType === "refresh_token"
      );
      assert.equal(refreshes.length, 1);
      const after = parseStoredTokensFile(await Deno.readTextFile(storedPath), storedPath)
        .sections.find((s) => s.name === "oauth-sandbox-alice")!;
      learnSecret(after.fields.hf_token, after.fields.refresh_token);
      assert.notEqual(after.fields.hf_token, secrets[0]);
      assert.equal(await Deno.readTextFile(`${home}/hf/token`), after.fields.hf_token);
      assert.ok(Number(after.fields.expires_at) > soon);
      for (const result of [restarted, renewed]) {
        const raw = JSON.stringify(result.raw);
        for (const secret of [...secrets, after.fields.hf_token!]) {
          assert.ok(!raw.includes(secret), "a token leaked in a message");
        }
      }
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
);

kernelTest(
  "browserLogin() in a Deno kernel: an interrupt ends the wait; login({ method: 'token' }) keeps the password box",
  async () => {
    await using sandbox = startSandbox({ quiet: true, oauth: { interval: 1 } });
    const home = await Deno.makeTempDir({ prefix: "hfna-kernel-browser-int-" });
    try {
      await using server = await startJupyter({
        env: { ...sandbox.env, HOME: home, HF_HOME: `${home}/hf` },
      });
      await using kernel = await server.startKernel();
      await kernel.execute(`import { browserLogin } from "${MOD_URL}";`);
      const interrupted = waitFor(() => sandbox.pendingDeviceCodes()[0], "a pending device code")
        .then(async () => {
          await new Promise((r) => setTimeout(r, 1_500));
          await kernel.connection.interrupt();
        });
      const result = await kernel.execute(`await browserLogin()`, { timeoutMs: 60_000 });
      await interrupted;
      assert.equal(result.status, "error");
      const live = liveOutputs(result);
      const last = live.at(-1)!.content.data["text/html"] as string;
      assert.match(last, /Browser login cancelled/);
      assert.match(last, /Nothing was saved/);
      await assert.rejects(Deno.stat(`${home}/hf/token`), Deno.errors.NotFound);
      // Polling stopped: no more token requests after the interrupt settles.
      const count = sandbox.requests.filter((r) => r.path === "/oauth/token").length;
      await new Promise((r) => setTimeout(r, 2_500));
      assert.equal(sandbox.requests.filter((r) => r.path === "/oauth/token").length, count);

      // The alternative keeps the password box: login({ method: "token" }) asks, no browser login.
      const devices = sandbox.requests.filter((r) => r.path === "/oauth/device").length;
      const pasted = await kernel.execute(
        `const { login } = await import("${MOD_URL}");\nawait login({ method: "token" })`,
        {
          allowStdin: true,
          onInput: (request) => {
            assert.equal(request.password, true);
            return PERSONAS.read.token;
          },
        },
      );
      assert.equal(pasted.status, "ok", pasted.error?.evalue);
      assert.equal(pasted.inputRequests.length, 1);
      assert.match(pasted.text(), /Hugging Face token · VALID/);
      assert.match(pasted.text(), /prompt:jupyter/);
      assert.equal(sandbox.requests.filter((r) => r.path === "/oauth/device").length, devices);
      assert.ok(!JSON.stringify(pasted.raw).includes(PERSONAS.read.token), "typed token echoed");
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
);

kernelTest(
  "browserLogin() in a Deno kernel: denial, expiry and a hostile answer end the cell with the next step",
  async () => {
    await using sandbox = startSandbox({ quiet: true, oauth: { interval: 1, expiresIn: 4 } });
    const home = await Deno.makeTempDir({ prefix: "hfna-kernel-browser-deny-" });
    try {
      await using server = await startJupyter({
        env: { ...sandbox.env, HOME: home, HF_HOME: `${home}/hf` },
      });
      await using kernel = await server.startKernel();
      await kernel.execute(`import { browserLogin } from "${MOD_URL}";`);
      const denied = waitFor(() => sandbox.pendingDeviceCodes()[0], "a pending device code")
        .then((code) => assert.ok(sandbox.denyDevice(code)));
      const refused = await kernel.execute(`await browserLogin()`);
      await denied;
      assert.equal(refused.status, "error");
      assert.match(refused.error?.evalue ?? "", /denied in the browser/);
      const deniedHtml = liveOutputs(refused).at(-1)!.content.data["text/html"] as string;
      assert.match(deniedHtml, /Browser login failed/);
      assert.match(deniedHtml, /Next: Run the login again and click Authorize/);

      // Nobody answers: the cell ends by itself when the code expires (4 s here).
      const expired = await kernel.execute(`await browserLogin()`, { timeoutMs: 60_000 });
      assert.equal(expired.status, "error");
      const expiredHtml = liveOutputs(expired).at(-1)!.content.data["text/html"] as string;
      assert.match(expiredHtml, /expired/);
      assert.match(
        expiredHtml,
        /Next: Run the login again and approve it before the time runs out/,
      );
      await assert.rejects(Deno.stat(`${home}/hf/token`), Deno.errors.NotFound);

      // A hostile device answer (markup in the code, a javascript: address, interval 0): no
      // live link, no markup, no QR code; polling stays bounded and the cell ends at expiry.
      const hostile = await kernel.execute(
        `const hostileFetch = (input: string | URL | Request) => Promise.resolve(\n` +
          `  String(input).endsWith("/oauth/device")\n` +
          `    ? Response.json({ device_code: "dc_hostile_0123456789",\n` +
          `        user_code: "<img src=x onerror=alert(1)>",\n` +
          `        verification_uri: "javascript:alert(1)", expires_in: 3, interval: 0 })\n` +
          `    : Response.json({ error: "authorization_pending" }, { status: 400 }));\n` +
          `await browserLogin({ fetch: hostileFetch as typeof fetch, persist: false })`,
        { timeoutMs: 60_000 },
      );
      assert.equal(hostile.status, "error");
      assert.match(hostile.error?.evalue ?? "", /expired/);
      const shown = liveOutputs(hostile).map((o) => o.content.data["text/html"] as string)
        .join("\n");
      assert.ok(shown.includes("&lt;img src=x onerror=alert(1)&gt;"), "the code shows as text");
      assert.ok(!/<img|<a\s|<svg|javascript:alert\(1\)"/i.test(shown), "nothing live");
      assert.match(shown, /shown as text, not as a link/);
      assert.match(shown, /interval 0 is not a positive number/);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
);
