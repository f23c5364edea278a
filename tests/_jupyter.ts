/**
 * Real-Jupyter test harness: starts Debian's `jupyter notebook` with a throwaway token and a
 * temporary Deno kernelspec, and drives Deno kernels through `@jupyterlab/services`.
 *
 * Every kernel test in this repository goes through {@linkcode kernelTest} and
 * {@linkcode startJupyter}:
 *
 * ```ts ignore
 * kernelTest("my cell works", async () => {
 *   await using server = await startJupyter({ env: { HF_ENDPOINT: "http://127.0.0.1:1234" } });
 *   await using kernel = await server.startKernel();
 *   const result = await kernel.execute("1 + 1");
 *   assert.equal(result.status, "ok");
 * });
 * ```
 *
 * Quirks worth knowing (found while building this, Deno 2.9.6 + Notebook 6.4.12):
 * - Kernels inherit the server's environment; {@linkcode StartJupyterOptions.env} is how tests set
 *   `HOME`, `HF_TOKEN`, `HF_ENDPOINT`… for the code under test.
 * - The harness pins `DENO_DIR` for kernels to the current Deno cache (unless the test sets it),
 *   because tests often point `HOME` at a temporary directory and the kernel would otherwise
 *   recompile everything and re-download npm packages into `$HOME/.cache/deno`.
 * - Kernels started through the REST API without a notebook path run in the server's working
 *   directory; the harness starts the server in `cwd` (the notebook root), so relative imports
 *   and the repository's `deno.json` (import map, `@hf-notebook/auth`) resolve from there.
 * - `deno jupyter --kernel` runs cells with all permissions granted.
 * - `text/plain` of an `execute_result` is Deno's `Deno.inspect` output *with* ANSI colours
 *   (`"\x1b[33m2\x1b[39m"` for `1 + 1`); use {@linkcode stripAnsi} or {@linkcode ExecResult.text}
 *   (which strips them).
 * - Deno's kernel may publish a cell's stdout and display/execute_result AFTER its `idle` status,
 *   sometimes parented to the next request; {@linkcode Kernel.execute} therefore runs a tiny flush
 *   cell after each cell (see {@linkcode ExecuteOptions.flush}); a cell costs two round trips.
 * - Only `console.*` output is captured by the kernel; `Deno.stdout.write*` never reaches the
 *   notebook.
 * - `@jupyterlab/services` logs "Starting WebSocket: …", "Kernel: dead (…)" and similar lines to
 *   the console; they are harmless noise in test output.
 *
 * @module
 */
import {
  KernelAPI,
  KernelConnection,
  type KernelMessage,
  ServerConnection,
} from "./_deps/jupyterlab_services.ts";
import { spoolOutputSync } from "./_leak_scanner.ts";

/** Options for {@linkcode startJupyter}. */
export interface StartJupyterOptions {
  /** Extra environment for the server; kernels inherit it (HOME, HF_TOKEN, HF_ENDPOINT, …). */
  env?: Record<string, string>;
  /** Notebook root and working directory of the server and its kernels (default: repo root). */
  cwd?: string;
  /** Upper bound for the server to answer `/api` (default 60 s). */
  startupTimeoutMs?: number;
}

/** Options for {@linkcode JupyterServer.startKernel}. */
export interface StartKernelOptions {
  /** Upper bound for the kernel to start and answer `kernel_info` (default 60 s). */
  timeoutMs?: number;
}

/** Options for {@linkcode Kernel.execute}. */
export interface ExecuteOptions {
  /** Value of `allow_stdin` in the execute request (default `false`: `prompt()` returns null). */
  allowStdin?: boolean;
  /** Answers an `input_request`; required when the cell asks for input with `allowStdin`. */
  onInput?: (req: InputRequest) => string | Promise<string>;
  /** Upper bound for the cell to finish (reply + idle + flush); default 60 s. */
  timeoutMs?: number;
  /**
   * Run a tiny flush cell afterwards so late output is collected (default true). Deno's kernel
   * sends stdout/stderr from a separate task and `Deno.jupyter.broadcast` (display_data,
   * execute_result) from the JS thread, so they can arrive AFTER the cell's `idle` status and
   * can even carry the NEXT request as parent. The flush cell (store_history false, value
   * undefined) writes a marker through the same stdout channel; everything before the marker
   * belongs to this cell. Set false only to observe the raw ordering.
   */
  flush?: boolean;
  /** Called with each output as it arrives (e.g. to act on a live display while the cell runs). */
  onOutput?: (output: CellOutput) => void;
}

/** An `input_request` the kernel sent while running a cell. */
export interface InputRequest {
  /** The prompt text shown to the user. */
  prompt: string;
  /** Whether the frontend should hide the typed value. */
  password: boolean;
}

/** One IOPub output of a cell, in arrival order. */
export interface CellOutput {
  /** IOPub message type. */
  type: "stream" | "display_data" | "execute_result" | "update_display_data" | "error";
  /** The message content as sent by the kernel (including `transient.display_id`). */
  // deno-lint-ignore no-explicit-any
  content: any;
}

/** The outcome of {@linkcode Kernel.execute}. */
export interface ExecResult {
  /** `status` of the `execute_reply` ("ok" or "error"; "abort"/"aborted" if the kernel skipped it). */
  status: KernelMessage.IExecuteReplyMsg["content"]["status"];
  /** Every output IOPub message of the cell, in order. */
  outputs: CellOutput[];
  /** Every `input_request` seen, in order. */
  inputRequests: InputRequest[];
  /** Error details when the cell raised. */
  error?: { ename: string; evalue: string; traceback: string[] };
  /** All stdout/stderr text and `text/plain` data joined, ANSI colours stripped. */
  text(): string;
  /** All `text/html` data joined. */
  html(): string;
  /** Every message of the cell (IOPub incl. status, stdin input_request, the reply), for leak scans. */
  raw: KernelMessage.IMessage[];
}

/** A running Deno kernel. */
export interface Kernel extends AsyncDisposable {
  /** Kernel id on the server. */
  readonly id: string;
  /** The underlying `@jupyterlab/services` connection (escape hatch). */
  readonly connection: KernelConnection;
  /** Runs one cell and collects everything it produced. */
  execute(code: string, options?: ExecuteOptions): Promise<ExecResult>;
  /** Restarts the kernel (globalThis state is lost) and waits until it answers again. */
  restart(timeoutMs?: number): Promise<void>;
  /** Shuts the kernel down; idempotent. */
  shutdown(): Promise<void>;
}

/** A running Jupyter Notebook server owned by a test. */
export interface JupyterServer extends AsyncDisposable {
  /** Base URL, ending in `/` (e.g. `http://127.0.0.1:8899/`). */
  readonly url: string;
  /** The throwaway token of this server. */
  readonly token: string;
  /** Notebook root / working directory of the server and its kernels. */
  readonly cwd: string;
  /** `@jupyterlab/services` settings for this server. */
  readonly settings: ServerConnection.ISettings;
  /** Server output (stderr and stdout) so far. */
  log(): string;
  /** Starts a Deno kernel and waits until it answers `kernel_info`. */
  startKernel(options?: StartKernelOptions): Promise<Kernel>;
  /** Shuts kernels and the server down, kills leftovers, removes temp dirs; idempotent. */
  close(): Promise<void>;
}

const REPO_ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const OUTPUT_TYPES = new Set([
  "stream",
  "display_data",
  "execute_result",
  "update_display_data",
  "error",
]);
const APT_HINT = "apt-get install jupyter-notebook (provides `jupyter notebook`)";

/** Removes ANSI escape sequences (colours) from `text`. */
export function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -\/]*[@-~]/g, "");
}

/** Whether an executable named `binary` is in a directory of `PATH`. */
export function onPath(binary: string): boolean {
  const path = Deno.env.get("PATH") ?? "";
  for (const dir of path.split(":")) {
    if (!dir) continue;
    try {
      if (Deno.statSync(`${dir}/${binary}`).isFile) return true;
    } catch {
      // not here
    }
  }
  return false;
}

let available: boolean | undefined;

/** Whether `jupyter notebook` (the `jupyter` and `jupyter-notebook` executables) is on PATH. */
export function jupyterAvailable(): boolean {
  available ??= onPath("jupyter") && onPath("jupyter-notebook");
  return available;
}

/** Whether the CI policy applies (`CI=true`): missing real parts make tests fail, not skip. */
export function isCi(): boolean {
  return Deno.env.get("CI") === "true";
}

/**
 * Registers a test that needs a real part (jupyter, tmux, …) with the repository's policy:
 * when the part is missing the test FAILS under `CI=true` and is ignored locally (with a
 * printed reason). Shared by {@linkcode kernelTest} and `ptyTest`.
 */
export function realPartTest(
  part: { name: string; available: () => boolean; install: string },
  name: string,
  fn: (t: Deno.TestContext) => void | Promise<void>,
  options: { sanitizeOps?: boolean; sanitizeResources?: boolean } = {},
): void {
  const present = part.available();
  const ignore = !present && !isCi();
  if (ignore) {
    console.warn(`ignoring "${name}": ${part.name} is not available (${part.install})`);
  }
  Deno.test({
    name,
    ignore,
    ...options,
    fn: async (t) => {
      if (!present) {
        throw new Error(
          `${part.name} is required for "${name}" but was not found on PATH; ` +
            `CI=true forbids skipping. Install it: ${part.install}`,
        );
      }
      await fn(t);
    },
  });
}

/**
 * Registers a kernel test: fails under `CI=true` when jupyter is missing, ignored locally.
 *
 * Sanitizers stay on: the harness awaits every websocket close and drains every response
 * body, so a test that uses `await using` for server and kernels leaks no ops or resources.
 */
export function kernelTest(name: string, fn: (t: Deno.TestContext) => void | Promise<void>): void {
  realPartTest(
    { name: "jupyter notebook", available: jupyterAvailable, install: APT_HINT },
    name,
    fn,
  );
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

let denoDirCache: string | undefined;
/**
 * The Deno cache directory this process uses. Subprocesses and kernels that get another HOME
 * are pointed at it (`DENO_DIR`), so they neither recompile nor re-download everything.
 */
export async function currentDenoDir(): Promise<string | undefined> {
  if (Deno.env.get("DENO_DIR")) return Deno.env.get("DENO_DIR");
  if (denoDirCache) return denoDirCache;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).output();
  if (!out.success) return undefined;
  denoDirCache = JSON.parse(new TextDecoder().decode(out.stdout)).denoDir;
  return denoDirCache;
}

/** Rejects with `message` (plus `detail()`) when `promise` is not settled within `ms`. */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  message: string,
  detail?: () => string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const extra = detail ? `\n${detail()}` : "";
      reject(new Error(`${message} (timed out after ${ms} ms)${extra}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pump(stream: ReadableStream<Uint8Array>, sink: (s: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) sink(decoder.decode(chunk, { stream: true }));
}

/** Pids of processes whose command line mentions `needle` (used to find orphaned kernels). */
async function pidsMentioning(needle: string): Promise<number[]> {
  const pids: number[] = [];
  try {
    for await (const entry of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      try {
        const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`);
        if (cmdline.includes(needle)) pids.push(Number(entry.name));
      } catch {
        // process vanished
      }
    }
  } catch {
    // no /proc (not Linux): nothing to find
  }
  return pids;
}

function tail(text: string, lines = 60): string {
  return text.split("\n").slice(-lines).join("\n");
}

/**
 * Starts a real Jupyter Notebook server (Debian `jupyter notebook`) on a free loopback port with a
 * random token and a temporary Jupyter home holding a `deno` kernelspec. Use with `await using`.
 */
export function startJupyter(options: StartJupyterOptions = {}): Promise<JupyterServer> {
  return startJupyterAttempt(options, 1);
}

async function startJupyterAttempt(
  options: StartJupyterOptions,
  attempt: number,
): Promise<JupyterServer> {
  if (!jupyterAvailable()) {
    throw new Error(`jupyter notebook is not on PATH; install it: ${APT_HINT}`);
  }
  const cwd = options.cwd ?? REPO_ROOT;
  const root = await Deno.makeTempDir({ prefix: "hfna-jupyter-" });
  const dirs = {
    path: `${root}/path`,
    data: `${root}/data`,
    runtime: `${root}/runtime`,
    config: `${root}/config`,
    ipython: `${root}/ipython`,
  };
  for (const dir of Object.values(dirs)) await Deno.mkdir(dir, { recursive: true });
  const kernelDir = `${dirs.path}/kernels/deno`;
  await Deno.mkdir(kernelDir, { recursive: true });
  await Deno.writeTextFile(
    `${kernelDir}/kernel.json`,
    JSON.stringify(
      {
        argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
        display_name: "Deno",
        language: "typescript",
      },
      null,
      2,
    ),
  );

  const token = randomToken();
  const port = freePort();
  const url = `http://127.0.0.1:${port}/`;
  const denoDir = await currentDenoDir();
  const env: Record<string, string> = {
    ...(denoDir ? { DENO_DIR: denoDir } : {}),
    ...options.env,
    JUPYTER_PATH: dirs.path,
    JUPYTER_DATA_DIR: dirs.data,
    JUPYTER_RUNTIME_DIR: dirs.runtime,
    JUPYTER_CONFIG_DIR: dirs.config,
    IPYTHONDIR: dirs.ipython,
    PYTHONUNBUFFERED: "1",
  };
  const args = [
    "notebook",
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--port-retries=0",
    `--NotebookApp.token=${token}`,
    "--NotebookApp.password=",
    `--NotebookApp.notebook_dir=${cwd}`,
    "--NotebookApp.open_browser=False",
    // Notebook 6 sends ONE kernel_info_request when the first websocket opens and caches it
    // per kernel; Deno's kernel occasionally loses it right after start (seen ~1 in 8 starts),
    // which would block the websocket for the default 60 s. After 5 s the server gives up on it
    // and falls back to its "nudge" loop, which retries kernel_info every 0.5 s.
    "--MappingKernelManager.kernel_info_timeout=5",
  ];
  if (Deno.uid() === 0) args.push("--allow-root");

  let logText = "";
  const child = new Deno.Command("jupyter", {
    args,
    cwd,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    // own process group (setsid), so close() can signal the server and its helpers together
    detached: true,
  }).spawn();
  const pumps = Promise.all([
    pump(child.stdout, (s) => logText += s),
    pump(child.stderr, (s) => logText += s),
  ]).catch(() => {});
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });

  const settings = ServerConnection.makeSettings({
    baseUrl: url,
    wsUrl: `ws://127.0.0.1:${port}/`,
    token,
    appendToken: true,
    fetch: globalThis.fetch,
    Request: globalThis.Request,
    Headers: globalThis.Headers,
    WebSocket: globalThis.WebSocket,
    init: { cache: "no-store" },
  });

  const kernels = new Set<Kernel>();
  let closed: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closed ??= (async () => {
      for (const kernel of [...kernels]) {
        await withTimeout(kernel.shutdown(), 15_000, "kernel shutdown").catch(() => {});
      }
      if (!exited) {
        try {
          Deno.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
        // notebook 6 shuts its kernels down on SIGTERM before exiting
        const done = await withTimeout(status, 15_000, "server exit").then(() => true, () => false);
        if (!done) {
          try {
            Deno.kill(-child.pid, "SIGKILL");
          } catch {
            // already gone
          }
          await status;
        }
      }
      await pumps;
      // kernels run in their own session (jupyter_client start_new_session); kill any that
      // survived, identified by their connection file in our private runtime dir
      for (const pid of await pidsMentioning(dirs.runtime)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await Deno.remove(root, { recursive: true }).catch(() => {});
    })();
    return closed;
  };

  // wait until /api answers
  const timeoutMs = options.startupTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (true) {
    if (exited) {
      await pumps;
      const s = await status;
      await close();
      // the free port was taken between probing and binding: try another one
      if (/already in use/i.test(logText) && attempt < 3) {
        return startJupyterAttempt(options, attempt + 1);
      }
      throw new Error(
        `jupyter notebook exited with code ${s.code} before answering ${url}api.\n` +
          `Server log:\n${tail(logText)}`,
      );
    }
    try {
      const res = await fetch(`${url}api`, { headers: { Authorization: `token ${token}` } });
      const body = await res.text();
      if (res.ok && body.includes("version")) break;
      lastError = `HTTP ${res.status}`;
    } catch (e) {
      lastError = String(e);
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(
        `jupyter notebook did not answer ${url}api within ${timeoutMs} ms (last: ${lastError}).\n` +
          `Server log:\n${tail(logText)}`,
      );
    }
    await delay(100);
  }

  const server: JupyterServer = {
    url,
    token,
    cwd,
    settings,
    log: () => logText,
    startKernel: async (kopts = {}) => {
      if (closed) throw new Error("startKernel: the Jupyter server is already closed");
      const kernel = await startDenoKernel(
        settings,
        dirs.runtime,
        kopts.timeoutMs ?? 60_000,
        () => logText,
        (k) => kernels.delete(k),
      );
      kernels.add(kernel);
      return kernel;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return server;
}

async function startDenoKernel(
  settings: ServerConnection.ISettings,
  runtimeDir: string,
  timeoutMs: number,
  serverLog: () => string,
  onShutdown: (kernel: Kernel) => void,
): Promise<Kernel> {
  const model = await withTimeout(
    KernelAPI.startNew({ name: "deno" }, settings),
    timeoutMs,
    "starting the deno kernel through the REST API",
    () => `Server log:\n${tail(serverLog())}`,
  );
  // Deno's kernel binds its ZMQ sockets a few hundred ms after the process starts. If the
  // websocket (and with it the server's own kernel_info request, which Notebook 6 caches per
  // kernel) comes first, that request can be lost and the websocket hangs for
  // kernel_info_timeout (60 s). Wait until every port of the connection file is listening.
  if (!await waitForKernelPorts(`${runtimeDir}/kernel-${model.id}.json`, timeoutMs)) {
    await KernelAPI.shutdownKernel(model.id, settings).catch(() => {});
    throw new Error(
      `deno kernel ${model.id} did not open its ZMQ ports within ${timeoutMs} ms.\n` +
        `Server log:\n${tail(serverLog())}`,
    );
  }
  const connection = new KernelConnection({ model, serverSettings: settings, handleComms: false });
  try {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const answered = await withTimeout(connection.info, 5_000, "kernel_info").then(
        () => true,
        () => false,
      );
      if (answered) break;
      if (Date.now() > deadline) {
        throw new Error(
          `deno kernel ${model.id} did not answer kernel_info within ${timeoutMs} ms ` +
            `(connection ${connection.connectionStatus}, status ${connection.status}).\n` +
            `Server log:\n${tail(serverLog())}`,
        );
      }
      // the request may have been lost (see kernel_info_timeout above): ask again
      connection.requestKernelInfo().catch(() => {});
    }
  } catch (e) {
    connection.dispose();
    await KernelAPI.shutdownKernel(model.id, settings).catch(() => {});
    throw e;
  }

  let down: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    down ??= (async () => {
      onShutdown(kernel);
      if (!connection.isDisposed) {
        try {
          await withTimeout(connection.shutdown(), 15_000, "kernel shutdown request");
        } catch {
          await KernelAPI.shutdownKernel(model.id, settings).catch(() => {});
        }
        await disposeConnection(connection);
      }
    })();
    return down;
  };

  const kernel: Kernel = {
    id: model.id,
    connection,
    execute: (code, options) => execute(connection, code, options, serverLog),
    restart: async (ms = timeoutMs) => {
      await withTimeout(connection.restart(), ms, `restarting deno kernel ${model.id}`);
      await withTimeout(connection.info, ms, `deno kernel ${model.id} after restart`);
    },
    shutdown,
    [Symbol.asyncDispose]: () => shutdown(),
  };
  return kernel;
}

/** Ports (decimal) in LISTEN state according to /proc/net/tcp{,6}; undefined without /proc. */
async function listeningPorts(): Promise<Set<number> | undefined> {
  const ports = new Set<number>();
  let found = false;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch {
      continue;
    }
    found = true;
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols[1] = local "ADDR:PORT" (hex), cols[3] = state, 0A = LISTEN
      if (cols.length > 3 && cols[3] === "0A") ports.add(parseInt(cols[1].split(":")[1], 16));
    }
  }
  return found ? ports : undefined;
}

/** Waits until the kernel's connection file exists and all its ports listen; false on timeout. */
async function waitForKernelPorts(connectionFile: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let info: Record<string, unknown> | undefined;
  while (!info) {
    try {
      info = JSON.parse(await Deno.readTextFile(connectionFile));
    } catch {
      if (Date.now() > deadline) return false;
      await delay(50);
    }
  }
  const wanted = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"]
    .map((k) => Number(info[k]));
  while (true) {
    const listening = await listeningPorts();
    if (!listening) {
      await delay(1_000); // no /proc: fall back to a grace period
      return true;
    }
    if (wanted.every((p) => listening.has(p))) return true;
    if (Date.now() > deadline) return false;
    await delay(50);
  }
}

/** Disposes a connection and waits (bounded) for the websocket to report closed. */
async function disposeConnection(connection: KernelConnection): Promise<void> {
  // KernelConnection.dispose() calls ws.close() but does not wait for the close handshake;
  // give Deno's WebSocket a moment so the op/resource sanitizers see it finished.
  // deno-lint-ignore no-explicit-any
  const ws: WebSocket | null = (connection as any)._ws ?? null;
  const closedWs = ws && ws.readyState !== WebSocket.CLOSED
    ? new Promise<void>((resolve) => ws.addEventListener("close", () => resolve(), { once: true }))
    : Promise.resolve();
  connection.dispose();
  await withTimeout(closedWs, 5_000, "websocket close").catch(() => {});
}

/**
 * Code of the flush cell run after every cell (see {@linkcode ExecuteOptions.flush}). Its value is
 * `undefined`, so it produces no execute_result of its own; the timer turn lets pending
 * `Deno.jupyter.broadcast` ops of the previous cell run before the marker is written. The marker
 * must go through `console.log`: in Deno 2.9.6 only `console.*` is captured by the kernel,
 * `Deno.stdout.write*` goes to the kernel process's own stdout and never reaches the notebook.
 */
function flushCode(marker: string): string {
  return `await new Promise((resolve) => setTimeout(resolve, 0));
console.log(${JSON.stringify(marker)});
undefined;`;
}

async function execute(
  connection: KernelConnection,
  code: string,
  options: ExecuteOptions = {},
  serverLog: () => string,
): Promise<ExecResult> {
  const allowStdin = options.allowStdin ?? false;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const flush = options.flush ?? true;
  const outputs: CellOutput[] = [];
  const inputRequests: InputRequest[] = [];
  const raw: KernelMessage.IMessage[] = [];
  let error: ExecResult["error"];
  let inputProblem: Error | undefined;

  const marker = `__hfna_flush_${crypto.randomUUID()}__`;
  const flushed = Promise.withResolvers<void>();
  let cellId = "";
  let flushId = "";

  const record = (msg: KernelMessage.IMessage) => {
    const type = msg.header.msg_type;
    if (!OUTPUT_TYPES.has(type)) return;
    const output = { type: type as CellOutput["type"], content: msg.content };
    outputs.push(output);
    try {
      options.onOutput?.(output);
    } catch { /* an observer's problem is not the cell's */ }
    if (type === "error" && !error) {
      const c = msg.content as KernelMessage.IErrorMsg["content"];
      error = { ename: c.ename, evalue: c.evalue, traceback: c.traceback };
    }
  };
  // Every IOPub message, whatever future (or display_id re-routing) it went to.
  const onIopub = (_: unknown, msg: KernelMessage.IIOPubMessage) => {
    const parent = (msg.parent_header as Partial<KernelMessage.IHeader>)?.msg_id;
    if (parent && parent === cellId) {
      raw.push(msg);
      record(msg);
    } else if (parent && parent === flushId) {
      raw.push(msg);
      if (msg.header.msg_type === "stream") {
        const content = msg.content as KernelMessage.IStreamMsg["content"];
        if (content.text.includes(marker)) {
          const rest = content.text.replace(`${marker}\n`, "").replace(marker, "");
          if (rest) outputs.push({ type: "stream", content: { ...content, text: rest } });
          flushed.resolve();
          return;
        }
      }
      // the kernel tags late output of the cell with the flush request as parent
      record(msg);
    }
  };
  connection.iopubMessage.connect(onIopub);

  const snapshot = () =>
    `Outputs so far:\n${JSON.stringify(outputs, null, 1).slice(0, 4000)}\n` +
    `Server log:\n${tail(serverLog(), 30)}`;
  const label = JSON.stringify(code.slice(0, 200));
  const deadline = Date.now() + timeoutMs;

  const future = connection.requestExecute({
    code,
    silent: false,
    store_history: true,
    allow_stdin: allowStdin,
    stop_on_error: true,
  });
  cellId = future.msg.header.msg_id;
  future.onStdin = async (msg) => {
    raw.push(msg);
    if (msg.header.msg_type !== "input_request") return;
    const content = msg.content as KernelMessage.IInputRequestMsg["content"];
    const req = { prompt: content.prompt, password: content.password };
    inputRequests.push(req);
    let value = "";
    if (options.onInput) {
      try {
        value = await options.onInput(req);
      } catch (e) {
        inputProblem = e instanceof Error ? e : new Error(String(e));
      }
    } else {
      inputProblem = new Error(
        `cell sent input_request ${JSON.stringify(req.prompt)} but execute() got no onInput`,
      );
    }
    connection.sendInputReply(
      { status: "ok", value },
      msg.header as KernelMessage.IInputReplyMsg["parent_header"],
    );
  };

  let reply: KernelMessage.IExecuteReplyMsg;
  try {
    reply = await withTimeout(future.done, timeoutMs, `cell did not finish: ${label}`, snapshot);
    raw.push(reply);
    if (flush) {
      const flushFuture = connection.requestExecute({
        code: flushCode(marker),
        silent: false,
        store_history: false,
        allow_stdin: false,
        stop_on_error: false,
      });
      flushId = flushFuture.msg.header.msg_id;
      const remaining = Math.max(1_000, deadline - Date.now());
      await withTimeout(
        Promise.all([flushFuture.done, flushed.promise]),
        remaining,
        `late output of the cell was not flushed: ${label}`,
        snapshot,
      );
    }
  } catch (e) {
    await connection.interrupt().catch(() => {});
    future.dispose();
    throw e;
  } finally {
    connection.iopubMessage.disconnect(onIopub);
  }
  if (inputProblem) throw inputProblem;
  const content = reply.content;
  if (content.status === "error" && !error) {
    error = { ename: content.ename, evalue: content.evalue, traceback: content.traceback };
  }

  // Everything a person could see of this cell goes to the run-wide leak spool (the cell's own
  // source, echoed as execute_input, is what the person typed and is not an output).
  spoolOutputSync(`kernel/${connection.id}`, { outputs, inputRequests, error });
  return {
    status: content.status,
    outputs,
    inputRequests,
    error,
    raw,
    text: () =>
      stripAnsi(
        outputs.map((o) => {
          if (o.type === "stream") return o.content.text as string;
          if (o.type === "error") return `${o.content.ename}: ${o.content.evalue}\n`;
          const plain = o.content.data?.["text/plain"];
          return typeof plain === "string" ? plain + "\n" : "";
        }).join(""),
      ),
    html: () =>
      outputs.map((o) => {
        const html = o.content.data?.["text/html"];
        return typeof html === "string" ? html : "";
      }).join("\n"),
  };
}

/**
 * Finds outputs with a given `transient.display_id` (display_data and update_display_data).
 */
export function outputsForDisplayId(result: ExecResult, displayId: string): CellOutput[] {
  return result.outputs.filter((o) => o.content?.transient?.display_id === displayId);
}
