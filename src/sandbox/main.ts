/**
 * `deno task sandbox`: runs the sandbox hub and router until Ctrl-C / SIGTERM,
 * and prints how to point clients at it plus the (fake) persona tokens.
 *
 * Options: `--port <n>` (hub), `--router-port <n>`, `--hostname <h>`,
 * `--latency <ms>`, `--device-interval <s>` (OAuth polling interval, default 5),
 * `--device-expires-in <s>` (device code lifetime, default 900).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { FAULT_NAMES, MODELS, OAUTH_PERSONAS, PERSONAS, startSandbox } from "./mod.ts";

/**
 * Starts the sandbox and prints the banner; returns once a stop signal arrives
 * and the sandbox has closed.
 *
 * @example Usage
 * ```ts
 * import { runSandboxCli } from "./main.ts";
 *
 * const stop = new AbortController();
 * const done = runSandboxCli(["--latency", "0"], { signal: stop.signal, print: () => {} });
 * stop.abort();
 * await done;
 * ```
 *
 * @param args Command-line arguments.
 * @param options `signal` stops the sandbox (default: SIGINT/SIGTERM); `print` receives the banner.
 */
export async function runSandboxCli(
  args: string[],
  options: { signal?: AbortSignal; print?: (line: string) => void } = {},
): Promise<void> {
  const print = options.print ?? console.log;
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      "router-port": { type: "string" },
      hostname: { type: "string" },
      latency: { type: "string" },
      "device-interval": { type: "string" },
      "device-expires-in": { type: "string" },
    },
  });
  const sandbox = startSandbox({
    quiet: true,
    hostname: values.hostname,
    port: values.port ? Number(values.port) : undefined,
    routerPort: values["router-port"] ? Number(values["router-port"]) : undefined,
    latencyMs: values.latency ? Number(values.latency) : undefined,
    oauth: {
      ...(values["device-interval"] ? { interval: Number(values["device-interval"]) } : {}),
      ...(values["device-expires-in"] ? { expiresIn: Number(values["device-expires-in"]) } : {}),
    },
  });

  const pad = (s: string, n: number) => s.padEnd(n);
  const personas = Object.values(PERSONAS);
  const wName = Math.max(...personas.map((p) => p.name.length));
  const wToken = Math.max(...personas.map((p) => p.token.length));
  print(`Hugging Face sandbox (fake Hub, loopback only)`);
  print(`  hub:    ${sandbox.url}    (stands for https://huggingface.co)`);
  print(`  router: ${sandbox.inferenceUrl}    (stands for https://router.huggingface.co)`);
  print("");
  print(`export HF_ENDPOINT=${sandbox.env.HF_ENDPOINT}`);
  print(`export HF_INFERENCE_ENDPOINT=${sandbox.env.HF_INFERENCE_ENDPOINT}`);
  print("");
  print("Personas (fake tokens, only this sandbox accepts them):");
  for (const p of personas) {
    print(`  ${pad(p.name, wName)}  ${pad(p.token, wToken)}  ${p.whoamiStatus}  ${p.demonstrates}`);
  }
  print("");
  print(`Browser login: ${sandbox.url}/oauth/device (Authorize / Deny page; OAuth personas:`);
  print(
    `  ${Object.keys(OAUTH_PERSONAS).join(", ")}); approve headless with POST ` +
      `${sandbox.url}/__sandbox/oauth/approve {"user_code": "ABCD-EFGH", "persona": "alice"}`,
  );
  print("");
  print("Models:");
  const wModel = Math.max(...MODELS.map((m) => m.id.length));
  for (const m of MODELS) print(`  ${pad(m.id, wModel)}  ${m.demonstrates}`);
  print("");
  print(
    `Faults: header "x-sandbox-fault: <fault>" or POST ${sandbox.url}/__sandbox/faults ` +
      `{"fault": "...", "match": {"path": "/api/whoami-v2"}, "times": 1}`,
  );
  print(`  ${FAULT_NAMES.map((f) => (f === "latency" ? "latency:<ms>" : f)).join(", ")}`);
  print("Press Ctrl-C to stop.");

  await new Promise<void>((resolve) => {
    if (options.signal) {
      if (options.signal.aborted) return resolve();
      options.signal.addEventListener("abort", () => resolve(), { once: true });
      return;
    }
    const stop = () => {
      Deno.removeSignalListener("SIGINT", stop);
      if (Deno.build.os !== "windows") Deno.removeSignalListener("SIGTERM", stop);
      resolve();
    };
    Deno.addSignalListener("SIGINT", stop);
    if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
  });
  await sandbox.close();
  print("Sandbox stopped.");
}

if (import.meta.main) await runSandboxCli(Deno.args);
