/**
 * Real pseudo-terminal helper for terminal tests, built on tmux (a private server per session).
 *
 * ```ts ignore
 * ptyTest("prompt echoes", async () => {
 *   await using term = await startPty([Deno.execPath(), "run", "-A", "script.ts"]);
 *   await term.waitFor("Name:");
 *   await term.type("hello");
 *   await term.waitFor("hello");
 *   await term.press("Enter");
 *   assert.equal(await term.exitCode(), 0);
 *   assert.deepEqual((await term.sttyState()).echo, true);
 * });
 * ```
 *
 * The command runs in `sh -c` inside a 120×30 tmux pane, wrapped so that its exit status is
 * written to a temp file; afterwards the pane keeps a plain `/bin/sh` (dash: it does not touch
 * termios) so {@linkcode Pty.sttyState} can run `stty -a` on the very same terminal.
 *
 * @module
 */
import { isCi, onPath, realPartTest } from "./_jupyter.ts";

/** Options for {@linkcode startPty}. */
export interface StartPtyOptions {
  /** Extra environment for the command (merged over this process's environment). */
  env?: Record<string, string>;
  /** Working directory (default: repo root). */
  cwd?: string;
  /** Pane size (default 120×30). */
  cols?: number;
  /** Pane size (default 120×30). */
  rows?: number;
}

/** Terminal modes read by {@linkcode Pty.sttyState}. */
export interface SttyState {
  /** `echo` is on. */
  echo: boolean;
  /** `icanon` (line editing) is on. */
  icanon: boolean;
  /** Full `stty -a` output. */
  raw: string;
}

/** A command running in a real pseudo-terminal. */
export interface Pty extends AsyncDisposable {
  /** Types literal text (no key names are interpreted). */
  type(text: string): Promise<void>;
  /** Presses one tmux key, e.g. "Enter", "BSpace", "C-c", "C-d", "Up", "Escape". */
  press(key: string): Promise<void>;
  /**
   * Polls screen + scrollback until it contains `text` (trailing blanks ignored, as tmux drops
   * them) or matches the RegExp; returns the screen, throws with the screen on timeout.
   */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /** The visible screen; `ansi: true` keeps colour escapes, `history: true` adds scrollback. */
  screen(options?: { ansi?: boolean; history?: boolean }): Promise<string>;
  /** Waits for the command to end and returns its exit status (130 after Ctrl-C). */
  exitCode(timeoutMs?: number): Promise<number>;
  /** After exit: `stty -a` in the same pane, parsed. */
  sttyState(timeoutMs?: number): Promise<SttyState>;
  /** Kills the tmux server and removes temp files; idempotent. */
  close(): Promise<void>;
}

const REPO_ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const APT_HINT = "apt-get install tmux";
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

let available: boolean | undefined;

/** Whether tmux (and `stty`) are on PATH. */
export function ptyAvailable(): boolean {
  available ??= onPath("tmux") && onPath("stty");
  return available;
}

/** Registers a terminal test: fails under `CI=true` when tmux is missing, ignored locally. */
export function ptyTest(name: string, fn: (t: Deno.TestContext) => void | Promise<void>): void {
  realPartTest({ name: "tmux", available: ptyAvailable, install: APT_HINT }, name, fn);
}

/** Single-quotes `arg` for POSIX sh. */
export function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * Starts `command` (argv, no shell interpretation) in a fresh tmux server on a private socket.
 * Use with `await using`.
 */
export async function startPty(command: string[], options: StartPtyOptions = {}): Promise<Pty> {
  if (!ptyAvailable()) {
    throw new Error(`tmux is not on PATH${isCi() ? " (CI=true)" : ""}; install it: ${APT_HINT}`);
  }
  if (command.length === 0) throw new Error("startPty: empty command");
  const dir = await Deno.makeTempDir({ prefix: "hfna-pty-" });
  const socket = `${dir}/tmux.sock`;
  const statusFile = `${dir}/status`;
  const sttyFile = `${dir}/stty`;
  const cols = options.cols ?? 120;
  const rows = options.rows ?? 30;
  const env = { ...options.env };

  const tmux = async (...args: string[]): Promise<string> => {
    const out = await new Deno.Command("tmux", {
      args: ["-S", socket, "-f", "/dev/null", ...args],
      cwd: options.cwd ?? REPO_ROOT,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    if (!out.success) {
      throw new Error(`tmux ${args[0]} failed (code ${out.code}): ${dec.decode(out.stderr)}`);
    }
    return dec.decode(out.stdout);
  };

  // `trap : INT` lets the wrapper shell survive Ctrl-C (the child still gets SIGINT with the
  // default disposition, traps are reset on exec) so the status is recorded; then the pane
  // becomes a plain /bin/sh for sttyState().
  const wrapper = `trap : INT; ${command.map(shellQuote).join(" ")}; ` +
    `echo $? > ${shellQuote(statusFile)}.tmp && mv ${shellQuote(statusFile)}.tmp ` +
    `${shellQuote(statusFile)}; trap - INT; exec /bin/sh`;
  await tmux(
    "new-session",
    "-d",
    "-x",
    String(cols),
    "-y",
    String(rows),
    "-s",
    "main",
    "/bin/sh",
    "-c",
    wrapper,
  );
  // keep the size fixed even if a client attaches; history for screen({history})
  await tmux("set-option", "-t", "main", "window-size", "manual").catch(() => {});

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      await tmux("kill-server").catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    })();
    return closed;
  };

  const screen = async (opts: { ansi?: boolean; history?: boolean } = {}) => {
    const args = ["capture-pane", "-p", "-t", "main"];
    if (opts.ansi) args.push("-e");
    if (opts.history) args.push("-S", "-");
    return await tmux(...args);
  };

  const readStatus = async (): Promise<number | undefined> => {
    try {
      return Number((await Deno.readTextFile(statusFile)).trim());
    } catch {
      return undefined;
    }
  };

  const poll = async <T>(
    what: string,
    timeoutMs: number,
    check: () => Promise<T | undefined>,
  ): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) {
        const shown = await screen({ history: true }).catch((e) => `<no screen: ${e}>`);
        throw new Error(`${what} (timed out after ${timeoutMs} ms). Screen:\n${shown}`);
      }
      await delay(50);
    }
  };

  const exitCode = (timeoutMs = 30_000) =>
    poll(`command ${JSON.stringify(command.join(" "))} did not exit`, timeoutMs, readStatus);

  const pty: Pty = {
    type: async (text) => {
      await tmux("send-keys", "-t", "main", "-l", "--", text);
    },
    press: async (key) => {
      await tmux("send-keys", "-t", "main", key);
    },
    waitFor: (pattern, timeoutMs = 30_000) =>
      poll(`screen never showed ${String(pattern)}`, timeoutMs, async () => {
        const text = await screen({ history: true });
        // capture-pane drops trailing blanks of each line, so "Name: " is matched as "Name:"
        const hit = typeof pattern === "string"
          ? text.includes(pattern.trimEnd())
          : pattern.test(text);
        return hit ? text : undefined;
      }),
    screen,
    exitCode,
    sttyState: async (timeoutMs = 30_000) => {
      await exitCode(timeoutMs);
      const done = `${sttyFile}.done`;
      await tmux(
        "send-keys",
        "-t",
        "main",
        "-l",
        "--",
        `stty -a > ${shellQuote(sttyFile)} 2>&1; : > ${shellQuote(done)}`,
      );
      await tmux("send-keys", "-t", "main", "Enter");
      const raw = await poll("stty -a did not run in the pane", timeoutMs, async () => {
        try {
          await Deno.stat(done);
          return await Deno.readTextFile(sttyFile);
        } catch {
          return undefined;
        }
      });
      const flags = new Set(raw.split(/[\s;]+/));
      return { echo: flags.has("echo"), icanon: flags.has("icanon"), raw };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return pty;
}
