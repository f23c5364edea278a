// The token reaches only the configured Hub and router origins — also when the Hub redirects
// elsewhere (as huggingface.co does for file downloads to its CDN).
import assert from "node:assert/strict";
import { guardedFetch } from "../src/hub/mod.ts";

Deno.test("guardedFetch: a redirect from the Hub to another origin carries no Authorization", async () => {
  const seen: (string | null)[] = [];
  const other = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    seen.push(req.headers.get("authorization"));
    return new Response("file bytes");
  });
  const hub = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (req) => {
      seen.push(req.headers.get("authorization"));
      return Response.redirect(`http://127.0.0.1:${other.addr.port}/cdn/file`, 302);
    },
  );
  try {
    const f = guardedFetch({
      hubUrl: `http://127.0.0.1:${hub.addr.port}`,
      inferenceUrl: `http://127.0.0.1:${hub.addr.port}`,
      env: {},
    });
    const response = await f("https://huggingface.co/org/model/resolve/main/config.json", {
      headers: { Authorization: "Bearer hf_sandbox_read_alice" },
    });
    assert.equal(await response.text(), "file bytes");
    assert.deepEqual(seen, ["Bearer hf_sandbox_read_alice", null]);
  } finally {
    await hub.shutdown();
    await other.shutdown();
  }
});

Deno.test("guardedFetch: HF_ENDPOINT with a path prefix (a mirror) keeps the prefix", async () => {
  const urls: string[] = [];
  const f = guardedFetch({
    env: {
      HF_ENDPOINT: "https://mirror.example/hf/",
      HF_INFERENCE_ENDPOINT: "https://router.example",
    },
    fetch: (input, init) => {
      const req = new Request(input, init);
      urls.push(`${req.url} ${req.headers.has("authorization")}`);
      return Promise.resolve(new Response("{}"));
    },
  });
  const auth = { headers: { Authorization: "Bearer hf_sandbox_read_alice" } };
  await f("https://huggingface.co/api/whoami-v2", auth);
  await f("https://router.huggingface.co/v1/chat/completions", {
    ...auth,
    method: "POST",
    body: "{}",
  });
  await f("https://api-inference.huggingface.co/models/gpt2", auth);
  await f("https://huggingface.co.evil.example/api/whoami-v2", auth);
  assert.deepEqual(urls, [
    "https://mirror.example/hf/api/whoami-v2 true",
    "https://router.example/v1/chat/completions true",
    "https://router.example/models/gpt2 true",
    "https://huggingface.co.evil.example/api/whoami-v2 false",
  ]);
});
