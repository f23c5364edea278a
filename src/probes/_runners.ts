/**
 * The calls behind suite entries (internal): Hub reads through `@huggingface/hub`
 * and tiny inference calls through the real `@huggingface/inference`
 * `InferenceClient`, both lazy-imported and both given the probe's guarded fetch.
 *
 * @module
 */

import type { SuiteProbe } from "./default_suite.ts";
import { observeResponse } from "../_observation.ts";
import { ERROR_BODY_LIMIT, readBoundedText } from "../_body.ts";
import type { ProbeContext, ProbeEntry, ProbeResult, ProbeTask } from "./types.ts";
import { loadHubClient, loadInferenceClient } from "../_clients.ts";

export { observeResponse, type RecordingFetch, recordingFetch } from "../_observation.ts";

/** The provider that answered, read from the router URL (`/hf-inference/…` → `hf-inference`). */
export function providerFromUrl(url: string | undefined, inferenceUrl: string): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    const base = new URL(inferenceUrl);
    if (u.origin !== base.origin) return undefined;
    const rest = u.pathname.slice(base.pathname.replace(/\/+$/, "").length);
    const first = rest.split("/").filter(Boolean)[0];
    if (!first) return undefined;
    // `/v1/chat/completions` without a provider prefix: the router picked the provider.
    return first === "v1" ? "chosen by the router" : first;
  } catch {
    return undefined;
  }
}

type Client = {
  // deno-lint-ignore no-explicit-any
  [K in ProbeTask]: (args: any, options?: any) => Promise<any>;
};

let quieted = false;
const NOISE = /^(Auto selected provider|Defaulting to 'auto')/;

async function client(ctx: ProbeContext): Promise<Client> {
  const { InferenceClient, setLogger } = await loadInferenceClient();
  if (!quieted) {
    // The client logs its provider choice with console.log on every call; in a notebook
    // that is noise around the table. Drop just those lines, forward everything else.
    quieted = true;
    setLogger({
      debug: (...a) => console.debug(...a),
      info: (...a) => console.info(...a),
      warn: (...a) => console.warn(...a),
      error: (...a) => console.error(...a),
      log: (message, ...a) => {
        if (!NOISE.test(String(message))) console.log(message, ...a);
      },
    });
  }
  return new InferenceClient(ctx.token, {
    fetch: ctx.fetch,
    signal: ctx.signal,
    // A 503 "loading" is a finding, not something to wait for inside a probe.
    retry_on_error: false,
  }) as unknown as Client;
}

/** Tiny inputs per task: the smallest call that proves the capability. */
const TINY: Record<ProbeTask, (model: string, provider: string) => Record<string, unknown>> = {
  chatCompletion: (model, provider) => ({
    model,
    provider,
    messages: [{ role: "user", content: "Say hi." }],
    max_tokens: 1,
  }),
  textGeneration: (model, provider) => ({
    model,
    provider,
    inputs: "Hello",
    parameters: { max_new_tokens: 1 },
  }),
  textClassification: (model, provider) => ({ model, provider, inputs: "I love this!" }),
  tokenClassification: (model, provider) => ({
    model,
    provider,
    inputs: "My name is Sarah and I live in London.",
  }),
  featureExtraction: (model, provider) => ({ model, provider, inputs: "Hello world" }),
};

function describeOutput(task: ProbeTask, output: unknown): string {
  // deno-lint-ignore no-explicit-any
  const o = output as any;
  switch (task) {
    case "chatCompletion": {
      const n = o?.usage?.completion_tokens ?? 1;
      return `replied (${n} token${n === 1 ? "" : "s"})`;
    }
    case "textGeneration":
      return "generated text";
    case "textClassification":
      return Array.isArray(o) && o[0]?.label ? `top label ${String(o[0].label)}` : "classified";
    case "tokenClassification":
      return Array.isArray(o) ? `${o.length} entities` : "tagged";
    case "featureExtraction": {
      const dims = Array.isArray(o) ? (Array.isArray(o[0]) ? o[0].length : o.length) : undefined;
      return dims !== undefined ? `${dims}-dim embedding` : "embedded";
    }
  }
}

/** Runs one tiny inference call. Throws what the client throws. */
export async function runInference(
  ctx: ProbeContext,
  entry: Pick<ProbeEntry, "model" | "provider"> & { task: ProbeTask },
): Promise<ProbeResult> {
  const c = await client(ctx);
  const provider = entry.provider ?? "auto";
  const output = await c[entry.task](TINY[entry.task](entry.model, provider), {
    signal: ctx.signal,
  });
  return { ok: true, reason: describeOutput(entry.task, output) };
}

async function runModelInfo(ctx: ProbeContext, target: string): Promise<ProbeResult> {
  const { modelInfo } = await loadHubClient();
  const info = await modelInfo({
    name: target,
    accessToken: ctx.token,
    hubUrl: ctx.hubUrl,
    fetch: ctx.fetch,
  });
  return {
    ok: true,
    status: 200,
    reason: `${info.name}: ${info.task ?? "no task"}, ${info.private ? "private" : "public"}`,
  };
}

async function runGated(ctx: ProbeContext, target: string): Promise<ProbeResult> {
  const { checkRepoAccess } = await loadHubClient();
  // Two independent questions, asked at once:
  // 1. can the token see the repo at all? (the real client's checkRepoAccess), and
  // 2. is the gate open for this account? (the Hub's auth-check, as huggingface_hub asks it).
  const [visible, gate] = await Promise.allSettled([
    checkRepoAccess({
      repo: { type: "model", name: target },
      accessToken: ctx.token,
      hubUrl: ctx.hubUrl,
      fetch: ctx.fetch,
    }),
    (async () => {
      const response = await ctx.fetch(`${ctx.hubUrl}/api/models/${target}/auth-check`, {
        headers: { Authorization: `Bearer ${ctx.token}` },
        signal: ctx.signal,
      });
      const body = response.ok
        ? undefined
        : (await readBoundedText(response, ERROR_BODY_LIMIT)).text;
      if (response.ok) await response.body?.cancel();
      return { status: response.status, body, response };
    })(),
  ]);
  if (visible.status === "rejected") throw visible.reason;
  if (gate.status === "rejected") throw gate.reason;
  if (gate.value.status >= 300) {
    return {
      ok: false,
      status: gate.value.status,
      observed: {
        ...observeResponse(gate.value.response, `${ctx.hubUrl}/api/models/${target}/auth-check`),
        body: gate.value.body,
      },
    };
  }
  return { ok: true, status: gate.value.status, reason: "terms accepted: files can be downloaded" };
}

async function runPrivateRepos(ctx: ProbeContext): Promise<ProbeResult | "no-identity"> {
  const validation = await ctx.validation();
  const identity = validation?.identity;
  if (!identity || validation.verdict !== "valid") return "no-identity";
  const { listModels } = await loadHubClient();
  let total = 0;
  let privateCount = 0;
  for await (
    const model of listModels({
      search: { owner: identity.name },
      accessToken: ctx.token,
      hubUrl: ctx.hubUrl,
      fetch: ctx.fetch,
      limit: 500,
    })
  ) {
    total++;
    if (model.private) privateCount++;
  }
  return {
    ok: true,
    status: 200,
    reason: `${privateCount} private of ${total} models visible under ${identity.name}`,
    // carried so the caller can compare with the prediction
    code: privateCount === 0 ? "no-private-visible" : undefined,
  };
}

/** Runs a suite entry's call (everything but `whoami` and `inferWrite`, handled by the caller). */
export function runSuiteCall(
  ctx: ProbeContext,
  entry: SuiteProbe,
): Promise<ProbeResult | "no-identity"> {
  switch (entry.call) {
    case "modelInfo":
      return runModelInfo(ctx, entry.target ?? "");
    case "gatedAccess":
      return runGated(ctx, entry.target ?? "");
    case "privateRepos":
      return runPrivateRepos(ctx);
    case "whoami":
    case "inferWrite":
      throw new TypeError(`${entry.call} is handled by probe() itself`);
    default:
      return runInference(ctx, {
        task: entry.call,
        model: entry.target ?? "",
        provider: entry.provider,
      });
  }
}

/** What a dry run says it would call, per entry. */
export function describeCall(
  entry: SuiteProbe,
  hubUrl: string,
  inferenceUrl: string,
): string {
  const provider = entry.provider ?? "auto";
  switch (entry.call) {
    case "whoami":
      return `GET ${hubUrl}/api/whoami-v2`;
    case "modelInfo":
      return `GET ${hubUrl}/api/models/${entry.target} (modelInfo)`;
    case "gatedAccess":
      return `GET ${hubUrl}/api/models/${entry.target} and …/auth-check (checkRepoAccess)`;
    case "privateRepos":
      return `GET ${hubUrl}/api/models?author=<you> (listModels, after whoami)`;
    case "inferWrite":
      return "nothing (inferred from the token's role and scopes)";
    case "chatCompletion":
      return provider === "auto"
        ? `POST ${inferenceUrl}/v1/chat/completions (chatCompletion, ${entry.target}, max_tokens 1)`
        : `chatCompletion on ${provider} (${entry.target}, max_tokens 1)`;
    default:
      return `${entry.call} on ${provider} (${entry.target}): GET ${hubUrl}/api/models/` +
        `${entry.target}?expand[]=inferenceProviderMapping, then POST ${inferenceUrl}/<provider>/…`;
  }
}
