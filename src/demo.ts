/**
 * `deno task demo`: the quickstart notebook, run for you.
 *
 * Starts the sandbox Hub (a loopback fake of huggingface.co; its tokens are fake), executes
 * `notebooks/01_quickstart.ipynb` top to bottom in a real Deno Jupyter kernel, approves the
 * notebook's browser login on the sandbox's verification page (an HTTP POST of its form, as a
 * person clicking Authorize), answers the password box with a sandbox token, prints the
 * validation card and the probe table as plain text, and writes the executed notebook and an HTML
 * report to `out/demo/`.
 *
 * Without Jupyter it runs the same steps as a script (plain-text tables) and says how to install
 * Jupyter. With `--real` (and `HF_TOKEN` set) it runs against huggingface.co with your token.
 *
 * ```sh
 * deno task demo                     # sandbox, persona "read"
 * deno task demo --persona fineGrainedNoInference
 * deno task demo --script            # no Jupyter: plain script
 * HF_TOKEN=hf_… deno task demo --real
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { envNonEmpty } from "./_env.ts";
import { browserLogin } from "./hub/browser_login.ts";
import { login } from "./hub/login.ts";
import { probe } from "./probes/probe.ts";
import { resolveToken } from "./resolve/resolve_token.ts";
import { sources } from "./resolve/sources_table.ts";
import { type PersonaName, PERSONAS, startSandbox } from "./sandbox/mod.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const DEMO = import.meta.filename!;
const NOTEBOOK = `${ROOT}/notebooks/01_quickstart.ipynb`;
const OUT_DIR = `${ROOT}/out/demo`;

const USAGE = `Usage: deno task demo [--persona <name>] [--script] [--real]

Runs notebooks/01_quickstart.ipynb in a Deno Jupyter kernel against the sandbox Hub, approves its
browser login on the sandbox's page, answers its password box with a fake sandbox token, and
prints the validation card and the probe table.

  --persona <name>  sandbox persona whose token answers the prompt (default: read), one of:
                    ${Object.keys(PERSONAS).join(", ")}
  --script          run the same steps as a plain script, without Jupyter
  --real            use huggingface.co and your own token from HF_TOKEN (nothing is saved)
  --help            this text`;

const INSTALL_JUPYTER =
  `To run the notebooks (and this demo) in a real Deno kernel, install Jupyter and register the kernel:
  sudo apt-get install jupyter-notebook     # Debian/Ubuntu
  pip install notebook                      # anywhere else (or: pip install jupyterlab)
  deno jupyter --install                    # adds the "Deno" kernel
then run \`deno task demo\` again, or open notebooks/01_quickstart.ipynb in Jupyter or VS Code.`;

/** Whether `jupyter notebook` is on PATH (the same test as the kernel harness). */
function jupyterOnPath(): boolean {
  const found = (binary: string) =>
    (Deno.env.get("PATH") ?? "").split(":").some((dir) => {
      if (!dir) return false;
      try {
        return Deno.statSync(`${dir}/${binary}`).isFile;
      } catch {
        return false;
      }
    });
  return found("jupyter") && found("jupyter-notebook");
}

/** Runs `fn` with the websocket chatter of `@jupyterlab/services` ("Starting WebSocket: …") muted. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const noise = /^(Starting WebSocket:|Kernel: (dead|restarting|autorestarting))/;
  const saved = { log: console.log, debug: console.debug, info: console.info };
  for (const name of ["log", "debug", "info"] as const) {
    console[name] = (...data: unknown[]) => {
      if (typeof data[0] === "string" && noise.test(data[0])) return;
      saved[name](...data);
    };
  }
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}

function rule(title: string): string {
  return `\n── ${title} ${"─".repeat(Math.max(3, 76 - title.length))}`;
}

interface DemoSettings {
  real: boolean;
  persona: PersonaName;
  /** Kernel/script environment for the Hub: sandbox endpoints, or the real Hub's settings. */
  hubEnv: Record<string, string>;
  /** Tokens that must never be printed. */
  secrets: string[];
}

// The kernel path drives Jupyter through `@jupyterlab/services`, a tooling package pinned in
// tests/deno.lock, not in the module's deno.lock (which holds runtime packages only: Deno downloads
// every package of the lockfile on its first npm use). So the specifier is held in a variable (a
// literal `import()` is part of the static graph: `--script` would resolve and fetch it), and the
// kernel path runs in a child Deno on that lockfile (`inToolingLock`).
const RUNNER = "../tests/_notebook_runner.ts";
const TOOLING_LOCK = `${ROOT}/tests/deno.lock`;
const IN_TOOLING_LOCK = "HFNA_DEMO_TOOLING_LOCK";

/** Runs this demo again in a child Deno that uses tests/deno.lock; returns its exit code. */
async function inToolingLock(args: string[]): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `--lock=${TOOLING_LOCK}`, `--config=${ROOT}/deno.json`, DEMO, ...args],
    env: { [IN_TOOLING_LOCK]: "1" },
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  return (await child.status).code;
}

async function runInKernel(settings: DemoSettings): Promise<number> {
  const { executeNotebookFile, cellText, notebookProblems, findTokenLeaks } =
    await (import(RUNNER) as Promise<typeof import("../tests/_notebook_runner.ts")>);
  const token = PERSONAS[settings.persona].token;
  console.log(
    `Starting Jupyter and a Deno kernel; running ${NOTEBOOK.slice(ROOT.length + 1)} ` +
      `top to bottom…`,
  );
  if (!settings.real) {
    console.log(
      "Token variables of this shell (HF_TOKEN & co.) are blanked for the kernel, so the " +
        "notebook prompts and no real token reaches the sandbox.",
    );
  }
  const { run, htmlPath, ipynbPath, startupMs } = await quietly(() =>
    executeNotebookFile(NOTEBOOK, {
      outDir: OUT_DIR,
      env: settings.hubEnv,
      deviceLogins: {
        onApproved: (code) =>
          console.log(
            `The notebook showed a browser login (code ${code}): approved it on the sandbox's ` +
              `page, as a person clicking Authorize would.`,
          ),
      },
      answer: (request) => {
        if (settings.real) {
          throw new Error("the notebook asked for a token although HF_TOKEN is set (--real)");
        }
        if (!request.password) throw new Error("the notebook asked for a token in a visible box");
        console.log(
          `The notebook showed a password box; answered with the fake sandbox token of persona ` +
            `"${settings.persona}".`,
        );
        return token;
      },
    })
  );
  for (const cell of run.cells) {
    const tag = cell.tags.find((t) => ["setup", "token", "login", "probe", "sources"].includes(t));
    if (!tag) continue;
    const title = {
      setup: "setup",
      token: 'await getToken({ method: "token" })  (password box)',
      login: "await login()  (browser login → validation card)",
      probe: "await probe()  (probe table)",
      sources: "await sources()",
    }[tag]!;
    console.log(rule(title));
    console.log(cellText(cell).trimEnd());
  }
  const problems = notebookProblems(run);
  const leaks = findTokenLeaks(run, settings.secrets);
  console.log(rule("report"));
  console.log(
    `Kernel start ${(startupMs / 1000).toFixed(1)} s, cells ${
      (run.durationMs / 1000).toFixed(1)
    } s.`,
  );
  console.log(`Executed notebook: ${ipynbPath}`);
  if (htmlPath) console.log(`HTML report: ${htmlPath}`);
  if (problems.length > 0 || leaks.length > 0) {
    console.error([...problems, ...leaks].join("\n"));
    return 1;
  }
  return 0;
}

async function runAsScript(settings: DemoSettings): Promise<number> {
  console.log(
    "Jupyter is not available: running the quickstart's steps as a script (plain-text tables).",
  );
  const home = await Deno.makeTempDir({ prefix: "hfna-demo-" });
  try {
    // The same calls as the notebook's cells, with an explicit environment instead of Deno.env.
    const env: Record<string, string> = settings.real
      ? { ...Deno.env.toObject(), HFNA_REAL_HUB: "1" }
      : { ...settings.hubEnv, HOME: home, HF_HOME: `${home}/hf` };
    const options = { env, cwd: home, mountedSecretDirs: [], refresh: true };
    if (!settings.real) {
      console.log(rule("await login()  (browser login → validation card)"));
      const { answerDeviceLogin } = await import("../tests/_device_login.ts");
      let approving: Promise<string> | undefined;
      const card = await browserLogin({
        env,
        display: "terminal",
        live: false,
        write: (text) => console.log(text.trimEnd()),
        onCode: ({ verificationUri }) => {
          approving = answerDeviceLogin(verificationUri);
        },
      });
      await approving;
      console.log("(approved on the sandbox's page, as a person clicking Authorize would)");
      console.log(card.toString());
    }
    console.log(rule('await getToken({ method: "token" })'));
    const resolution = settings.real
      ? await resolveToken({ ...options, prompt: false })
      : await resolveToken({ ...options, token: PERSONAS[settings.persona].token });
    console.log(
      settings.real
        ? `Token ${resolution.masked} from ${resolution.source}.`
        : `No prompt in script mode: using the fake sandbox token of persona ` +
          `"${settings.persona}" (${resolution.masked}).`,
    );
    console.log(rule("await login()  (validation card)"));
    console.log((await login({ env, resolution })).toString());
    console.log(rule("await probe()  (probe table)"));
    console.log((await probe({ env, resolution, display: false })).toString());
    console.log(rule("await sources()"));
    console.log((await sources(options)).toString());
  } finally {
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
  console.log(rule("Jupyter"));
  console.log(INSTALL_JUPYTER);
  return 0;
}

/**
 * Runs the demo with command-line `args`; returns the exit code.
 *
 * @param args Command-line arguments (see the module documentation).
 * @returns 0 on success, 1 when a cell failed or a token leaked, 2 on bad usage.
 */
export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      persona: { type: "string", default: "read" },
      script: { type: "boolean", default: false },
      real: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!(values.persona! in PERSONAS)) {
    console.error(`Unknown persona "${values.persona}".\n\n${USAGE}`);
    return 2;
  }
  const persona = values.persona as PersonaName;
  const useKernel = !values.script && jupyterOnPath();
  if (useKernel && Deno.env.get(IN_TOOLING_LOCK) !== "1") return await inToolingLock(args);

  if (values.real) {
    const token = envNonEmpty(Deno.env, "HF_TOKEN");
    if (!token) {
      console.error("--real needs your token in HF_TOKEN (it is only read, never saved).");
      return 2;
    }
    console.log(
      `Real Hub: ${envNonEmpty(Deno.env, "HF_ENDPOINT") ?? "https://huggingface.co"}, ` +
        `token from HF_TOKEN.`,
    );
    const hubEnv: Record<string, string> = { HF_TOKEN: token, HFNA_REAL_HUB: "1" };
    for (const name of ["HF_ENDPOINT", "HF_INFERENCE_ENDPOINT"]) {
      const value = envNonEmpty(Deno.env, name);
      if (value) hubEnv[name] = value;
    }
    const settings = { real: true, persona, hubEnv, secrets: [token] };
    return useKernel ? await runInKernel(settings) : await runAsScript(settings);
  }

  // Polls every second, so the headless approval of the browser login is quick.
  await using sandbox = startSandbox({ quiet: true, oauth: { interval: 1 } });
  console.log(
    `Sandbox Hub: ${sandbox.url} (router ${sandbox.inferenceUrl}); its tokens are fake, ` +
      `nothing leaves this machine.`,
  );
  const settings = {
    real: false,
    persona,
    hubEnv: { ...sandbox.env },
    secrets: Object.values(PERSONAS).map((p) => p.token),
  };
  const code = useKernel ? await runInKernel(settings) : await runAsScript(settings);
  console.log(`\nThe sandbox answered ${sandbox.requests.length} requests.`);
  return code;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
