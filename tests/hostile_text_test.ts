/**
 * Issue 19 row 1: terminal escape sequences in a server's words (a provider's error message,
 * provider names from the model search) never reach a terminal raw — not through
 * `String(table)`, the probe row text, `hf probe`, the validation card or the sources table.
 *
 * A hostile Hub and router run on loopback (`Deno.serve`, port 0) in front of the sandbox:
 * they forward every request and poison the answers a real attacker controls.
 */
import assert from "node:assert/strict";
import { main } from "../src/cli.ts";
import { probe, whoami } from "../mod.ts";
import { renderProbeRowText, renderSourcesText } from "../src/display/mod.ts";
import { PERSONAS, startSandbox } from "../src/sandbox/mod.ts";
import { cleanTerminal, cleanText } from "../src/_text.ts";
import { spoolOutput } from "./_leak_scanner.ts";

/** Every hostile control a terminal acts on: OSC 52 (clipboard), OSC 8 (link), clear, C1 CSI, bidi. */
export const HOSTILE = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b]8;;http://evil.test\x07link\x1b]8;;\x07" +
  "\x1b[2J\x1b[H\x9b31m\u202egnp.exe\u2066\u2028";

/** This module's own colours (allowed with `color: true`). */
const SGR = new RegExp(String.raw`\x1b\[[0-9;]*m`, "g");

/** Raw controls that must never be in a text output (ESC, C1, bidi, separators); tab/newline are fine. */
// deno-lint-ignore no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

function assertNoRaw(label: string, text: string): void {
  const hit = RAW.exec(text);
  assert.equal(
    hit,
    null,
    `${label}: raw control U+${
      hit?.[0].charCodeAt(0).toString(16).padStart(4, "0")
    } at ${hit?.index} in ${
      JSON.stringify(text.slice(Math.max(0, (hit?.index ?? 0) - 40), (hit?.index ?? 0) + 40))
    }`,
  );
}

/** A loopback server that forwards to `target`, letting `poison` rewrite answers. */
function hostileProxy(
  target: string,
  poison: (url: URL, answer: Response) => Promise<Response> | Response,
) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      headers.delete("host");
      const answer = await fetch(`${target}${url.pathname}${url.search}`, {
        method: request.method,
        headers,
        body: request.body,
        redirect: "manual",
      });
      return await poison(url, answer);
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** The model search answers with a hostile provider name; every router call fails with hostile words. */
function hostileHubAndRouter(hub: { url: string; inferenceUrl: string }) {
  const hubProxy = hostileProxy(hub.url, async (url, answer) => {
    if (url.pathname !== "/api/models" || !answer.ok) return answer;
    const models = await answer.json() as { inferenceProviderMapping?: unknown }[];
    for (const m of models) {
      const mapping = m.inferenceProviderMapping;
      if (Array.isArray(mapping)) {
        for (const e of mapping) e.provider = `${e.provider}${HOSTILE}`;
      } else if (mapping && typeof mapping === "object") {
        const dict = mapping as Record<string, unknown>;
        for (const key of Object.keys(dict)) {
          dict[`${key}${HOSTILE}`] = dict[key];
          delete dict[key];
        }
      }
    }
    return Response.json(models);
  });
  const routerProxy = hostileProxy(hub.inferenceUrl, async (_url, answer) => {
    await answer.body?.cancel();
    // (a header cannot carry ESC: Deno's server refuses to send one)
    return Response.json({ error: `Model is overloaded ${HOSTILE} try later` }, { status: 400 });
  });
  return { hubProxy, routerProxy };
}

const ONLY = ["inference.chat", "inference.text-classification"];

Deno.test("row 1: String(table) and the probe row text show a hostile server's controls escaped", async () => {
  await using hub = startSandbox({ quiet: true });
  const { hubProxy, routerProxy } = hostileHubAndRouter(hub);
  await using _h = hubProxy;
  await using _r = routerProxy;
  const table = await probe({
    token: PERSONAS.read.token,
    hubUrl: hubProxy.url,
    inferenceUrl: routerProxy.url,
    env: {},
    display: false,
    only: ONLY,
  });
  const data = table.toJSON();
  // the hostile words did reach the data (else this test proves nothing)
  assert.ok(
    data.rows.some((r) => `${r.reason}${r.provider}${r.targetReason}`.includes("\x1b]52")),
    JSON.stringify(data.rows.map((r) => [r.provider, r.reason])),
  );
  const text = String(table);
  await spoolOutput("hostile_text/probe-table", text);
  assertNoRaw("String(table)", text);
  assert.match(text, /\\x1B\]52;c;/, "the OSC 52 is shown, escaped");
  for (const options of [{}, { verbose: true }, { compact: true }, { color: true }]) {
    for (const row of data.rows) {
      const rowText = renderProbeRowText(row, options).replace(SGR, "");
      assertNoRaw(`renderProbeRowText ${JSON.stringify(options)}`, rowText);
    }
  }
  assertNoRaw(
    "String(table) verbose",
    table.toString(),
  );
});

Deno.test("row 1: `hf probe` prints a hostile server's controls escaped (text and --json)", async () => {
  await using hub = startSandbox({ quiet: true });
  const { hubProxy, routerProxy } = hostileHubAndRouter(hub);
  await using _h = hubProxy;
  await using _r = routerProxy;
  const dir = await Deno.makeTempDir({ prefix: "hfna-hostile-" });
  try {
    for (const json of [false, true]) {
      let stdout = "";
      let stderr = "";
      await main(
        ["probe", ...ONLY.flatMap((id) => ["--only", id]), ...(json ? ["--json"] : [])],
        {
          env: {
            HF_HOME: `${dir}/hf`,
            HOME: dir,
            HF_TOKEN: PERSONAS.read.token,
            HF_ENDPOINT: hubProxy.url,
            HF_INFERENCE_ENDPOINT: routerProxy.url,
          },
          cwd: dir,
          stdout: (s) => stdout += s,
          stderr: (s) => stderr += s,
          stdinIsTty: false,
          stdoutIsTty: false,
        },
      );
      await spoolOutput(`hostile_text/hf-probe${json ? "-json" : ""}`, stdout + stderr);
      assertNoRaw(`hf probe${json ? " --json" : ""} stdout`, stdout);
      assertNoRaw(`hf probe${json ? " --json" : ""} stderr`, stderr);
      if (json) {
        const parsed = JSON.parse(stdout); // still JSON, and the words decode to what was sent
        assert.ok(JSON.stringify(parsed).includes("\\u001b]52") || stdout.includes("\\u001b]52"));
      } else {
        assert.match(stdout, /\\x1B\]52;c;/);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("row 1: the validation card and the sources table escape a server's or a file's controls", async () => {
  await using hub = startSandbox({ quiet: true });
  const hubProxy = hostileProxy(hub.url, async (url, answer) => {
    if (url.pathname !== "/api/whoami-v2" || !answer.ok) return answer;
    const body = await answer.json() as Record<string, unknown> & {
      auth?: { accessToken?: { displayName?: string } };
    };
    body.fullname = `Alice${HOSTILE}`;
    if (body.auth?.accessToken) body.auth.accessToken.displayName = `name${HOSTILE}`;
    return Response.json(body);
  });
  await using _h = hubProxy;
  const validation = await whoami({ token: PERSONAS.read.token, hubUrl: hubProxy.url, env: {} });
  assert.ok(
    JSON.stringify(validation.toJSON()).includes("\\u001b]52"),
    "the words reached the data",
  );
  assertNoRaw("String(validation)", String(validation));
  const sources = renderSourcesText({
    rows: [{
      source: "file:token",
      status: "invalid",
      active: false,
      shadowed: false,
      detail: `bad ${HOSTILE}`,
    }],
    warnings: [{ code: "x", source: "file:token", message: `w ${HOSTILE}` } as never],
    platform: "terminal",
  });
  assertNoRaw("renderSourcesText", sources);
});

Deno.test("row 1: cleanTerminal keeps this module's colours only, and JSON stays JSON", () => {
  const ours = "\x1b[1mbold\x1b[0m";
  assert.equal(cleanTerminal(ours), ours);
  assertNoRaw("cleanTerminal", cleanTerminal(HOSTILE).replace(SGR, ""));
  const json = JSON.stringify({ provider: `p\x9b\u202e` });
  assert.deepEqual(JSON.parse(cleanTerminal(json)), { provider: `p\x9b\u202e` });
  assert.equal(cleanText(cleanText(HOSTILE)), cleanText(HOSTILE), "idempotent");
});
