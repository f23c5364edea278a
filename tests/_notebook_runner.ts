/**
 * Runs `.ipynb` notebooks top to bottom in a REAL Deno kernel (through the Jupyter harness in
 * `tests/_jupyter.ts`), answers the secure prompt, and writes the executed notebook (nbformat 4,
 * with outputs) plus an HTML rendering made by `jupyter nbconvert --to html`.
 *
 * Used by `tests/notebooks_test.ts` (`deno task notebooks`) and by `src/demo.ts` (`deno task demo`);
 * this is the only copy.
 *
 * ```ts ignore
 * const run = await executeNotebookFile("notebooks/01_quickstart.ipynb", {
 *   outDir: "out/notebooks",
 *   answer: (req) => (assert.ok(req.password), PERSONAS.read.token),
 * });
 * assert.deepEqual(notebookProblems(run.run), []);
 * ```
 *
 * Kernel quirks this relies on (Deno 2.9.6, Notebook 6.4.12):
 * - a kernel started through the REST API runs in the server's working directory, so the server is
 *   started in the notebook's directory (as Jupyter does for a notebook it opens): `../mod.ts`
 *   then resolves, and Deno finds the repository's `deno.json` (import map for the npm clients) by
 *   walking up from there;
 * - `probe()` shows a live table (`display_data` + `update_display_data` with a display id) and
 *   blanks it when the finished table becomes the cell's value; the runner applies updates to the
 *   output they target and drops outputs that end up empty, as a frontend would show them.
 *
 * @module
 */
import { spoolOutput } from "./_leak_scanner.ts";
import { answerDeviceLogin } from "./_device_login.ts";
import { basename, dirname } from "../src/sources/_path.ts";
import { ALL_TOKEN_NAMES } from "../src/sources/env_vars.ts";
import {
  type CellOutput,
  type ExecResult,
  type InputRequest,
  type Kernel,
  startJupyter,
  stripAnsi,
} from "./_jupyter.ts";

/** One nbformat 4 output. */
export type NbOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | {
    output_type: "display_data";
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  }
  | {
    output_type: "execute_result";
    execution_count: number | null;
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

/** One nbformat 4 cell. */
export interface NbCell {
  /** Cell type. */
  cell_type: "code" | "markdown" | "raw";
  /** Cell id (nbformat 4.5). */
  id?: string;
  /** Cell metadata (`tags` mark the cells the demo prints). */
  metadata: { tags?: string[]; [key: string]: unknown };
  /** Source, as one string or a list of lines. */
  source: string | string[];
  /** Outputs (code cells). */
  outputs?: NbOutput[];
  /** Execution count (code cells). */
  execution_count?: number | null;
}

/** An nbformat 4 notebook. */
export interface Notebook {
  /** Cells in order. */
  cells: NbCell[];
  /** Notebook metadata (kernelspec, language_info). */
  metadata: Record<string, unknown>;
  /** Major format version (4). */
  nbformat: number;
  /** Minor format version. */
  nbformat_minor: number;
}

/** The outcome of one code cell. */
export interface CellRun {
  /** Index of the cell in the notebook (markdown cells count). */
  index: number;
  /** The cell's tags. */
  tags: string[];
  /** The code. */
  source: string;
  /** The harness result (outputs in arrival order, raw messages for leak scans). */
  result: ExecResult;
  /** Outputs as a frontend would keep them (display updates applied, empty ones dropped). */
  outputs: NbOutput[];
  /** `execution_count` of the execute reply. */
  executionCount: number | null;
  /** Wall time of the cell in milliseconds. */
  durationMs: number;
}

/** The outcome of a whole notebook. */
export interface NotebookRun {
  /** The executed notebook (a copy of the input with outputs and execution counts). */
  notebook: Notebook;
  /** Every executed code cell, in order. */
  cells: CellRun[];
  /** Every input request, with the cell that asked. */
  inputRequests: { cell: number; request: InputRequest }[];
  /** Index of the cell that failed, if one did (execution stops there). */
  failedCell?: number;
  /** Wall time of all cells in milliseconds. */
  durationMs: number;
}

/** Options of {@linkcode runNotebook}. */
export interface RunNotebookOptions {
  /** Answers an input request (the secure prompt); without it, a request fails the cell. */
  answer?: (request: InputRequest, cell: number) => string | Promise<string>;
  /** Upper bound per cell (default 120 s). */
  cellTimeoutMs?: number;
  /** Called after each code cell. */
  onCell?: (cell: CellRun) => void | Promise<void>;
  /**
   * Approve (or deny) every browser login a cell shows, headless, through the sandbox's
   * verification page: the link is read from the live output and the page's form is posted, as
   * a person clicking Authorize would. Default: not answered (the cell waits until the code expires).
   */
  deviceLogins?: {
    action?: "authorize" | "deny";
    persona?: string;
    onApproved?: (userCode: string) => void;
  };
}

/** The verification link of a browser-login card, if `html` shows one. */
export function deviceLoginLink(html: string): string | undefined {
  const match = /href="(https?:\/\/[^"]+\/oauth\/device\?user_code=[^"]+)"/.exec(html);
  return match?.[1].replaceAll("&amp;", "&");
}

/** The source of a cell as one string. */
export function cellSource(cell: NbCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** Splits text into nbformat's list-of-lines form (each line keeps its newline). */
export function sourceLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Reads and parses an `.ipynb` file. */
export async function readNotebook(path: string): Promise<Notebook> {
  return JSON.parse(await Deno.readTextFile(path)) as Notebook;
}

function isBlank(data: Record<string, unknown>): boolean {
  return Object.values(data).every((v) => typeof v === "string" && v.trim() === "");
}

/**
 * Converts the harness outputs of a cell into nbformat outputs as a frontend keeps them:
 * `update_display_data` replaces the data of the output with the same display id, adjacent
 * stream chunks are merged, and displays that end up empty are dropped.
 */
export function toNbOutputs(outputs: CellOutput[], executionCount: number | null): NbOutput[] {
  const result: NbOutput[] = [];
  const byDisplayId = new Map<string, NbOutput[]>();
  for (const { type, content } of outputs) {
    if (type === "stream") {
      const last = result.at(-1);
      if (last?.output_type === "stream" && last.name === content.name) last.text += content.text;
      else result.push({ output_type: "stream", name: content.name, text: content.text });
    } else if (type === "display_data" || type === "execute_result") {
      const out: NbOutput = type === "display_data"
        ? {
          output_type: "display_data",
          data: { ...content.data },
          metadata: content.metadata ?? {},
        }
        : {
          output_type: "execute_result",
          execution_count: content.execution_count ?? executionCount,
          data: { ...content.data },
          metadata: content.metadata ?? {},
        };
      result.push(out);
      const id = content.transient?.display_id;
      if (typeof id === "string") byDisplayId.set(id, [...byDisplayId.get(id) ?? [], out]);
    } else if (type === "update_display_data") {
      for (const out of byDisplayId.get(content.transient?.display_id) ?? []) {
        if (out.output_type === "display_data" || out.output_type === "execute_result") {
          out.data = { ...content.data };
          out.metadata = content.metadata ?? {};
        }
      }
    } else if (type === "error") {
      result.push({
        output_type: "error",
        ename: content.ename,
        evalue: content.evalue,
        traceback: content.traceback ?? [],
      });
    }
  }
  return result.filter((o) =>
    !((o.output_type === "display_data" || o.output_type === "execute_result") && isBlank(o.data))
  );
}

/** A copy of the notebook with every output and execution count cleared (what is committed). */
export function clearOutputs(notebook: Notebook): Notebook {
  return {
    ...notebook,
    cells: notebook.cells.map((cell) =>
      cell.cell_type === "code" ? { ...cell, outputs: [], execution_count: null } : { ...cell }
    ),
  };
}

/**
 * Executes every code cell of `notebook` in order in `kernel` (stdin allowed, so the secure
 * prompt sends a password `input_request` that `options.answer` answers). Execution stops after
 * the first cell that raises, like `jupyter nbconvert --execute`.
 */
export async function runNotebook(
  kernel: Kernel,
  notebook: Notebook,
  options: RunNotebookOptions = {},
): Promise<NotebookRun> {
  const executed = clearOutputs(notebook);
  const cells: CellRun[] = [];
  const inputRequests: NotebookRun["inputRequests"] = [];
  let failedCell: number | undefined;
  const started = performance.now();
  for (const [index, cell] of executed.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    const source = cellSource(cell);
    if (source.trim() === "") continue;
    const t0 = performance.now();
    const answered = new Set<string>();
    const answering: Promise<unknown>[] = [];
    const logins = options.deviceLogins;
    const result = await kernel.execute(source, {
      allowStdin: true,
      timeoutMs: options.cellTimeoutMs ?? 120_000,
      onOutput: logins
        ? (output) => {
          const html = output.content?.data?.["text/html"];
          const link = typeof html === "string" ? deviceLoginLink(html) : undefined;
          if (!link || answered.has(link)) return;
          answered.add(link);
          answering.push(
            answerDeviceLogin(link, logins).then((code) => logins.onApproved?.(code)),
          );
        }
        : undefined,
      onInput: (request) => {
        inputRequests.push({ cell: index, request });
        if (!options.answer) {
          throw new Error(`cell ${index} asked for input (${request.prompt}) but nothing answers`);
        }
        return options.answer(request, index);
      },
    });
    await Promise.all(answering);
    const reply = result.raw.find((m) => m.header.msg_type === "execute_reply");
    const count = (reply?.content as { execution_count?: number } | undefined)?.execution_count;
    const executionCount = typeof count === "number" ? count : null;
    const outputs = toNbOutputs(result.outputs, executionCount);
    cell.outputs = outputs;
    cell.execution_count = executionCount;
    const run: CellRun = {
      index,
      tags: cell.metadata.tags ?? [],
      source,
      result,
      outputs,
      executionCount,
      durationMs: performance.now() - t0,
    };
    cells.push(run);
    await options.onCell?.(run);
    if (result.status !== "ok" || outputs.some((o) => o.output_type === "error")) {
      failedCell = index;
      break;
    }
  }
  return {
    notebook: executed,
    cells,
    inputRequests,
    failedCell,
    durationMs: performance.now() - started,
  };
}

/** Text of a cell's outputs as a terminal would show it (streams and `text/plain`, no ANSI). */
export function cellText(cell: CellRun): string {
  return stripAnsi(
    cell.outputs.map((o) => {
      if (o.output_type === "stream") return o.text;
      if (o.output_type === "error") return `${o.ename}: ${o.evalue}\n`;
      const plain = o.data["text/plain"];
      return typeof plain === "string" ? plain + "\n" : "";
    }).join(""),
  );
}

/** All `text/html` of a cell's outputs. */
export function cellHtml(cell: CellRun): string {
  return cell.outputs.map((o) =>
    o.output_type === "display_data" || o.output_type === "execute_result"
      ? typeof o.data["text/html"] === "string" ? o.data["text/html"] as string : ""
      : ""
  ).join("\n");
}

/** What went wrong in a run: the failing cell and every error output, described for people. */
export function notebookProblems(run: NotebookRun): string[] {
  const problems: string[] = [];
  for (const cell of run.cells) {
    for (const o of cell.outputs) {
      if (o.output_type === "error") {
        problems.push(
          `cell ${cell.index} raised ${o.ename}: ${o.evalue}\n--- code ---\n${cell.source}`,
        );
      }
    }
    if (cell.result.status !== "ok" && !cell.outputs.some((o) => o.output_type === "error")) {
      problems.push(`cell ${cell.index} ended with status ${cell.result.status}`);
    }
  }
  return problems;
}

/**
 * Where any of `secrets` appears unmasked: in the outputs of the executed notebook and in every
 * raw kernel message of every cell (IOPub, the stdin input_request, the reply). The input_reply
 * carrying the typed token is sent by the runner and is not a kernel message, so it is not here.
 */
export function findTokenLeaks(run: NotebookRun, secrets: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const cell of run.cells) {
    const outputs = JSON.stringify(cell.outputs);
    const raw = JSON.stringify(cell.result.raw);
    for (const secret of secrets) {
      if (outputs.includes(secret)) leaks.push(`cell ${cell.index}: outputs contain a token`);
      if (raw.includes(secret)) leaks.push(`cell ${cell.index}: kernel messages contain a token`);
    }
  }
  return leaks;
}

/** Writes a notebook as pretty JSON (1-space indent, like Jupyter). */
export async function writeNotebook(path: string, notebook: Notebook): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(notebook, null, 1) + "\n");
  await spoolOutput(`notebook/${path.split("/").pop()}`, notebook);
}

/**
 * Renders `ipynbPath` to HTML next to it with `jupyter nbconvert --to html` and returns the
 * HTML file's path.
 */
export async function renderHtml(ipynbPath: string): Promise<string> {
  const dir = dirname(ipynbPath);
  const out = await new Deno.Command("jupyter", {
    args: ["nbconvert", "--to", "html", "--output-dir", dir, ipynbPath],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `jupyter nbconvert --to html ${ipynbPath} failed (exit ${out.code}):\n` +
        new TextDecoder().decode(out.stderr),
    );
  }
  const html = ipynbPath.replace(/\.ipynb$/, ".html");
  await spoolOutput(`notebook-html/${html.split("/").pop()}`, await Deno.readTextFile(html));
  return html;
}

/**
 * An environment for kernels that sees none of the reader's tokens or platform markers:
 * every token variable, Kaggle/Colab/Spaces marker and endpoint is set to "" (which every
 * source treats as unset), and HOME/HF_HOME point into `home`.
 */
export function isolatedKernelEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {
    HOME: home,
    HF_HOME: `${home}/.cache/huggingface`,
    XDG_CACHE_HOME: `${home}/.cache`,
    HF_TOKEN_PATH: "",
    HF_STORED_TOKENS_PATH: "",
    HF_ENDPOINT: "",
    HF_INFERENCE_ENDPOINT: "",
    HFNA_REAL_HUB: "",
    KAGGLE_USER_SECRETS_TOKEN: "",
    KAGGLE_KERNEL_RUN_TYPE: "",
    COLAB_RELEASE_TAG: "",
    COLAB_BACKEND_VERSION: "",
    COLAB_JUPYTER_IP: "",
    SPACE_ID: "",
    SPACE_HOST: "",
    CREDENTIALS_DIRECTORY: "",
    NO_COLOR: "1",
  };
  for (const name of ALL_TOKEN_NAMES) env[name] = "";
  return env;
}

/** Options of {@linkcode executeNotebookFile}. */
export interface ExecuteNotebookFileOptions extends RunNotebookOptions {
  /** Where the executed `.ipynb` (and `.html`) go. */
  outDir: string;
  /** Extra kernel environment, applied over {@linkcode isolatedKernelEnv}. */
  env?: Record<string, string>;
  /** Also render HTML with nbconvert (default true). */
  html?: boolean;
}

/** The outcome of {@linkcode executeNotebookFile}. */
export interface ExecutedNotebookFile {
  /** The run. */
  run: NotebookRun;
  /** Path of the executed notebook. */
  ipynbPath: string;
  /** Path of the HTML rendering (when asked and the run wrote one). */
  htmlPath?: string;
  /** Milliseconds to start Jupyter and the kernel. */
  startupMs: number;
}

/**
 * Starts a Jupyter server in the notebook's directory with an isolated environment (temporary
 * HOME, no tokens), runs the notebook in a fresh Deno kernel, writes the executed notebook to
 * `outDir` and renders it to HTML.
 */
export async function executeNotebookFile(
  path: string,
  options: ExecuteNotebookFileOptions,
): Promise<ExecutedNotebookFile> {
  const absolute = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  const notebook = await readNotebook(absolute);
  const home = await Deno.makeTempDir({ prefix: "hfna-notebook-home-" });
  try {
    const t0 = performance.now();
    await using server = await startJupyter({
      cwd: dirname(absolute),
      env: { ...isolatedKernelEnv(home), ...options.env },
    });
    await using kernel = await server.startKernel();
    const startupMs = performance.now() - t0;
    const run = await runNotebook(kernel, notebook, options);
    await Deno.mkdir(options.outDir, { recursive: true });
    const ipynbPath = `${options.outDir.replace(/\/$/, "")}/${basename(absolute)}`;
    await writeNotebook(ipynbPath, run.notebook);
    const htmlPath = options.html ?? true ? await renderHtml(ipynbPath) : undefined;
    return { run, ipynbPath, htmlPath, startupMs };
  } finally {
    await Deno.remove(home, { recursive: true }).catch(() => {});
  }
}
