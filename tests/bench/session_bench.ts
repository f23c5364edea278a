/**
 * `deno bench` cases: the per-call cost of the session-cached paths (after the
 * first call, getToken() and whoami() do no I/O) and of masking.
 *
 * Run: `deno bench -A tests/bench/session_bench.ts` (also run by `deno task bench`).
 */
import { clearToken, getToken, maskToken, redact, whoami } from "../../mod.ts";
import { PERSONAS, startSandbox } from "../../src/sandbox/mod.ts";

const TOKEN = PERSONAS.read.token;
const hub = startSandbox({ quiet: true });
clearToken();
const options = {
  env: { HF_TOKEN: TOKEN },
  mountedSecretDirs: [],
  kaggle: false,
  dotenv: false as const,
  tokenFile: false,
  prompt: false,
};
await getToken({ ...options, refresh: true });
await whoami({ hubUrl: hub.url, env: {} });
globalThis.addEventListener("unload", () => void hub.close());

Deno.bench("getToken() cached", { group: "cached", baseline: true }, async () => {
  await getToken();
});

Deno.bench("whoami() cached", { group: "cached" }, async () => {
  await whoami({ hubUrl: hub.url, env: {} });
});

Deno.bench("maskToken()", { group: "mask" }, () => {
  maskToken(TOKEN);
});

Deno.bench("redact() of a 1 KB message", { group: "mask" }, () => {
  redact(`error ${"x".repeat(1000)} Bearer ${TOKEN}`, [TOKEN]);
});
