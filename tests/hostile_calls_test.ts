/**
 * Issue 19 rows 3, 7 and 11 where whoami, probe() and the model pick live: a hostile server
 * on loopback (Deno.serve on 127.0.0.1, port 0) sends an endless body (read stops at the cap),
 * echoes the token into its answer and its X-Request-Id (masked in every output), and dates of
 * 1e300 (shown as unknown, never a RangeError).
 */

import assert from "node:assert/strict";
import { clearToken, explain, probe, whoami } from "../mod.ts";
import { chooseModel } from "../src/probes/_model_pick.ts";
import { DEFAULT_SUITE } from "../src/probes/default_suite.ts";

const TOKEN = "hf_sandbox_hostile_echoed_token_0001";

/** A server that answers with `answer(request)`; closed when disposed. */
function hostile(answer: (request: Request) => Response) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => answer(request),
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  return {
    url,
    sent: () => sent,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}
let sent = 0;

/** An endless body: 64 KiB chunks for as long as the reader pulls (counts what was sent). */
function endless(status: number, contentType = "application/json"): Response {
  const chunk = new TextEncoder().encode('{"error":"' + "x".repeat(64 * 1024));
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
    { status, headers: { "content-type": contentType } },
  );
}

function echo(request: Request): string {
  return request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
}

Deno.test("whoami against an endless 200 body stops at the cap and says why", async () => {
  clearToken();
  sent = 0;
  await using server = hostile(() => endless(200));
  const v = await whoami({ token: TOKEN, hubUrl: server.url, env: {}, refresh: true });
  assert.equal(v.verdict, "server-error");
  assert.equal(v.failure?.code, "response-too-large");
  assert.match(v.reason, /larger than 1 MiB: a proxy or a broken server/);
  assert.ok(sent < 32 * 1024 * 1024, `sent ${sent} bytes`); // socket buffers, not the reader
});

Deno.test("whoami against an endless error body stops at the error cap", async () => {
  clearToken();
  sent = 0;
  await using server = hostile(() => endless(500));
  const v = await whoami({ token: TOKEN, hubUrl: server.url, env: {}, refresh: true });
  assert.equal(v.failure?.code, "response-too-large");
  assert.ok(sent < 32 * 1024 * 1024, `sent ${sent} bytes`);
});

Deno.test("a token echoed into the answer and X-Request-Id is masked in every output", async () => {
  clearToken();
  await using server = hostile((request) =>
    new Response(JSON.stringify({ error: `bad token ${echo(request)} (${"y".repeat(30)})` }), {
      status: 500,
      headers: {
        "content-type": "application/json",
        "x-request-id": `req-${echo(request)}`,
        "x-error-message": `Refused ${echo(request)}`,
      },
    })
  );
  const v = await whoami({ token: TOKEN, hubUrl: server.url, env: {}, refresh: true });
  for (const out of [v.toString(), v.toHtml(), JSON.stringify(v)]) {
    assert.ok(!out.includes(TOKEN), out);
    assert.ok(!out.includes(TOKEN.slice(5, 25)), out);
  }
  const table = await probe({
    token: TOKEN,
    hubUrl: server.url,
    inferenceUrl: server.url,
    env: {},
    display: false,
    only: ["hub.model-info", "inference.chat"],
  });
  const json = JSON.stringify(table);
  assert.ok(json.includes("req-hf_sa…001"), "the request id is kept, masked");
  for (const out of [String(table), table.toHtml(), json]) {
    assert.ok(!out.includes(TOKEN), out);
    assert.ok(!out.includes(TOKEN.slice(5, 25)), out);
  }
  const d = await explain(
    new Response(`{"error":"${TOKEN}"}`, { status: 400, headers: { "x-request-id": TOKEN } }),
    { token: TOKEN },
  );
  assert.ok(!JSON.stringify(d).includes(TOKEN));
});

Deno.test("the model search masks an echoed token before it shortens the Hub's sentence", async () => {
  await using server = hostile((request) =>
    new Response(JSON.stringify({ error: `${"z".repeat(60)} ${echo(request)}` }), {
      status: 500,
      headers: { "content-type": "application/json" },
    })
  );
  const pick = DEFAULT_SUITE.find((p) => p.pick)!;
  const choice = await chooseModel(pick, {
    hubUrl: server.url,
    token: TOKEN,
    fetch,
    timeoutMs: 5_000,
    refresh: true,
  });
  assert.ok(!choice.reason.includes(TOKEN.slice(0, 12)), choice.reason);
  assert.ok(!choice.reason.includes(TOKEN.slice(10, 22)), choice.reason);
});

Deno.test("the model search stops an endless answer at the cap", async () => {
  sent = 0;
  await using server = hostile(() => endless(200));
  const pick = DEFAULT_SUITE.find((p) => p.pick)!;
  const choice = await chooseModel(pick, {
    hubUrl: server.url,
    token: TOKEN,
    fetch,
    timeoutMs: 5_000,
    refresh: true,
  });
  assert.match(choice.reason, /larger than 1 MiB/);
  assert.ok(sent < 32 * 1024 * 1024, `sent ${sent} bytes`); // socket buffers, not the reader
});

Deno.test("a token echoed into whoami's names is masked in the card", async () => {
  clearToken();
  await using server = hostile((request) =>
    Response.json({
      type: "user",
      name: `n-${echo(request)}`,
      fullname: echo(request),
      orgs: [{ name: echo(request) }],
      auth: { type: "access_token", accessToken: { displayName: echo(request), role: "read" } },
    })
  );
  const v = await whoami({ token: TOKEN, hubUrl: server.url, env: {}, refresh: true });
  assert.equal(v.verdict, "valid");
  for (const out of [v.toString(), v.toHtml(), JSON.stringify(v)]) {
    assert.ok(!out.includes(TOKEN), out);
  }
});

Deno.test("createdAt / expiresAt of 1e300 are unknown, never a RangeError", async () => {
  clearToken();
  await using server = hostile(() =>
    Response.json({
      type: "user",
      name: "sandbox-alice",
      orgs: [],
      auth: {
        type: "access_token",
        accessToken: { displayName: "t", role: "read", createdAt: 1e300, expiresAt: 1e300 },
      },
    })
  );
  const v = await whoami({ token: TOKEN, hubUrl: server.url, env: {}, refresh: true });
  assert.equal(v.verdict, "valid");
  const data = v.toJSON();
  assert.equal(data.token?.createdAt, undefined);
  assert.equal(data.token?.expiresAt, undefined);
  String(v);
  v.toHtml();
});
