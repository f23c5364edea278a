/**
 * The recorded answers of the real huggingface.co / router.huggingface.co
 * (tests/fixtures/real_responses/*.json), typed and loaded.
 */

import type { ProbeFailureCode } from "../mod.ts";
import type { ProbeTask } from "../src/probes/types.ts";
import type { FailureCode } from "../src/_failure_classes.ts";

/**
 * A user's own call to replay (fixtures with `expect.via: "call"`): the client, its method
 * (an `InferenceClient` method, an `@huggingface/hub` function, or `fetch` for an endpoint
 * no client function covers), and what the call names.
 */
export interface CallSpec {
  client: "inference" | "hub";
  method: string;
  model?: string;
  provider?: string;
  /** For a dedicated Inference Endpoint: `new InferenceClient(token, { endpointUrl })`. */
  endpointUrl?: string;
  /** For `method: "fetch"`: the HTTP method and the Hub path. */
  httpMethod?: string;
  path?: string;
}

/** The failure class a user's own call reaches (the one vocabulary, src/_failure_classes.ts). */
export type CallFailureCode = FailureCode;

/**
 * What a fixture with `expect.via: "call"` expects (calls_*.json): the class its diagnosis
 * must reach, whether the token is to blame, the call to replay and the sandbox fault that
 * serves the answer. (`RealResponse.expect` keeps its whoami/probe typing; read a call
 * fixture's expectations as `f.expect as unknown as CallExpect`.)
 */
export interface CallExpect {
  via: "call";
  code: ProbeFailureCode | CallFailureCode;
  tokenFault: boolean;
  call: CallSpec;
  /** The sandbox fault that serves this answer (src/sandbox/_recorded.ts). */
  fault: string;
}

/** One recorded answer (see tests/fixtures/real_responses/README.md). */
export interface RealResponse {
  id: string;
  source: { repo?: string; path?: string; commit?: string; issue?: string; kind: string };
  date: string;
  request: { method: string; url: string };
  response: { status: number; statusText?: string; headers: Record<string, string>; body: string };
  reconstructed?: { headers?: boolean; body?: boolean; status?: boolean; reason: string };
  expect: {
    via: "whoami" | "probe";
    code: ProbeFailureCode | "ok" | "rate-limited";
    tokenFault: boolean;
    verdict?: string;
    role?: string;
    waitSeconds?: number;
    call?: "modelInfo" | "gatedAccess" | "downloadFile" | CallSpec;
    target?: string;
    path?: string;
    task?: ProbeTask;
    model?: string;
    provider?: string;
    whoami?: string;
  };
  note?: string;
}

const DIR = new URL("./fixtures/real_responses/", import.meta.url);

/** Every fixture of the corpus, in file order. */
export async function loadRealResponses(): Promise<RealResponse[]> {
  const all: RealResponse[] = [];
  for await (const entry of Deno.readDir(DIR)) {
    if (!entry.name.endsWith(".json")) continue;
    const data = JSON.parse(await Deno.readTextFile(new URL(entry.name, DIR)));
    all.push(...data.fixtures);
  }
  return all.sort((a, b) => a.id.localeCompare(b.id));
}
