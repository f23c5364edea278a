/**
 * Drives a recorded call fixture (`expect.via: "call"`) through the REAL `@huggingface/inference`
 * and `@huggingface/hub` clients at the sandbox: plain clients (tests/sandbox_calls_test.ts,
 * explain() in tests/explain_test.ts) or the session's wrappers (`inferenceClient()`,
 * `hubCredentials()`), with the same call for each fixture.
 */

import { createRepo, pathsInfo, uploadFile } from "@huggingface/hub";
import { InferenceClient } from "@huggingface/inference";
import { guardedFetch } from "../src/hub/endpoints.ts";
import type { Sandbox } from "../src/sandbox/mod.ts";
import type { CallSpec } from "./_real_responses.ts";

/** The client-side functions a call uses: plain (raw clients) or the session's wrappers. */
export interface Clients {
  inference(call: CallSpec): Promise<InferenceClient>;
  hub(): Promise<{ accessToken: string; hubUrl: string; fetch: typeof fetch }>;
}

export function plainClients(hub: Sandbox, token: string): Clients {
  const fetch = guardedFetch({ hubUrl: hub.url, inferenceUrl: hub.inferenceUrl, env: {} });
  return {
    inference: (call) =>
      Promise.resolve(
        new InferenceClient(token, {
          fetch,
          ...(call.endpointUrl ? { endpointUrl: `${hub.inferenceUrl}/endpoint/sandbox` } : {}),
        }),
      ),
    hub: () => Promise.resolve({ accessToken: token, hubUrl: hub.url, fetch }),
  };
}

/** Runs the fixture's call; resolves to the error it failed with (or undefined) and the chunks. */
export async function runCall(
  hub: Sandbox,
  call: CallSpec,
  clients: Clients,
): Promise<{ error?: unknown; chunks: number }> {
  let chunks = 0;
  try {
    if (call.client === "inference") {
      const client = await clients.inference(call);
      const provider = call.provider as "hf-inference" | undefined;
      switch (call.method) {
        case "chatCompletionStream":
          for await (
            const chunk of client.chatCompletionStream({
              model: call.model,
              provider,
              messages: [{ role: "user", content: "Hello sandbox" }],
            })
          ) if (chunk.choices.length > 0) chunks++;
          break;
        case "textGenerationStream":
          for await (
            const _ of client.textGenerationStream({
              model: call.model,
              provider,
              inputs: "Once upon a time",
            })
          ) chunks++;
          break;
        case "textToImage":
          await client.textToImage({ model: call.model, provider, inputs: "a tortoise" });
          break;
        case "chatCompletion":
          await client.chatCompletion({
            model: call.model,
            provider,
            messages: [{ role: "user", content: "Hello sandbox" }],
          });
          break;
        case "featureExtraction":
          await client.featureExtraction({
            ...(call.endpointUrl ? {} : { model: call.model, provider }),
            inputs: "Hello sandbox",
          });
          break;
        case "textGeneration":
          await client.textGeneration({ inputs: "Once upon a time" });
          break;
        default:
          throw new Error(`no driver for ${call.method}`);
      }
    } else {
      const credentials = await clients.hub();
      switch (call.method) {
        case "createRepo":
          await createRepo({
            ...credentials,
            repo: { type: "model", name: "sandbox-alice/fresh" },
          });
          break;
        case "uploadFile":
          await uploadFile({
            ...credentials,
            repo: { type: "model", name: "sandbox/tiny-chat" },
            file: { path: "notes.txt", content: new Blob(["hello"]) },
          });
          break;
        case "pathsInfo":
          await pathsInfo({
            ...credentials,
            repo: { type: "model", name: "sandbox/tiny-chat" },
            paths: ["README.md"],
          });
          break;
        case "fetch": {
          const res = await credentials.fetch(`${hub.url}${call.path}`, {
            method: call.httpMethod,
            headers: { authorization: `Bearer ${credentials.accessToken}` },
          });
          if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { response: res });
          await res.body?.cancel();
          break;
        }
        default:
          throw new Error(`no driver for ${call.method}`);
      }
    }
  } catch (error) {
    return { error, chunks };
  }
  return { chunks };
}

/** Only the call the fixture names fails: the client's other requests (mapping lookup, preupload) pass. */
export function faultMatch(call: CallSpec): Parameters<Sandbox["setFault"]>[0]["match"] {
  if (call.client === "inference") return { origin: "router" };
  switch (call.method) {
    case "createRepo":
      return { path: "/api/repos/create" };
    case "uploadFile":
      return { path: /\/commit\// };
    case "pathsInfo":
      return { path: /\/paths-info\// };
    default:
      return { path: call.path! };
  }
}
