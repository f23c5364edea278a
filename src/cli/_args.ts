/**
 * Argument parsing with `node:util` `parseArgs` (strict): finds the command,
 * parses global and command options together, and turns every mistake into a
 * {@linkcode UsageError} (exit code 2) with a one-line message and a hint.
 *
 * @module
 */

import { parseArgs } from "node:util";

/** A mistake in the command line: exit code 2. */
export class UsageError extends Error {
  /** What to do instead (one line). */
  readonly hint: string;
  /**
   * Creates it.
   *
   * @param message What is wrong (one line).
   * @param hint What to do instead (one line).
   */
  constructor(message: string, hint: string) {
    super(message);
    this.name = "UsageError";
    this.hint = hint;
  }
}

/** The commands. */
export const COMMANDS = [
  "whoami",
  "probe",
  "login",
  "logout",
  "sources",
  "switch",
  "scan",
] as const;
/** A command name. */
export type Command = typeof COMMANDS[number];

type OptionSpec = { type: "string" | "boolean"; multiple?: boolean; short?: string };

/** Options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  "hub-url": { type: "string" },
  "inference-url": { type: "string" },
  debug: { type: "boolean" },
  "no-color": { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

/** Options of each command. */
export const COMMAND_OPTIONS: Record<Command, Record<string, OptionSpec>> = {
  whoami: { json: { type: "boolean" } },
  probe: {
    only: { type: "string", multiple: true },
    skip: { type: "string", multiple: true },
    model: { type: "string", multiple: true },
    task: { type: "string", multiple: true },
    provider: { type: "string", multiple: true },
    timeout: { type: "string" },
    concurrency: { type: "string" },
    "dry-run": { type: "boolean" },
    strict: { type: "boolean" },
    json: { type: "boolean" },
  },
  login: {
    persist: { type: "boolean" },
    name: { type: "string" },
    force: { type: "boolean" },
    browser: { type: "boolean" },
    paste: { type: "boolean" },
  },
  logout: { name: { type: "string" }, all: { type: "boolean" } },
  sources: { json: { type: "boolean" } },
  switch: {},
  scan: {
    check: { type: "boolean" },
    fix: { type: "boolean" },
    "dry-run": { type: "boolean" },
    staged: { type: "boolean" },
    "no-ignore": { type: "boolean" },
    json: { type: "boolean" },
  },
};

/** The positional arguments each command takes (after the command); `…` = any number. */
const POSITIONALS: Record<Command, string[]> = {
  whoami: [],
  probe: [],
  login: [],
  logout: [],
  sources: [],
  switch: ["NAME"],
  scan: ["PATH…"],
};

type Values = Record<string, string | boolean | string[] | undefined>;

/** A parsed command line. */
export type Parsed =
  | { kind: "help"; command?: Command; values: Values }
  | {
    kind: "run";
    command: Command;
    values: Values;
    positionals: string[];
    /** Option tokens in order (for grouping `--model/--task/--provider`). */
    order: { name: string; value?: string }[];
  };

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1); // transposition
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The closest candidate to `word`, if it is close enough to be a typo.
 *
 * @param word What was typed.
 * @param candidates What exists.
 * @returns The suggestion, if any.
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const n = distance(word, c);
    if (n < bestDistance) [best, bestDistance] = [c, n];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3))
    ? best
    : undefined;
}

/** The `--help` hint for a command (or the tool). */
export function helpHint(command?: Command): string {
  return `run \`deno task hf ${command ? `${command} ` : ""}--help\` for usage.`;
}

function findCommand(args: readonly string[]): { command?: string; index: number } {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") return { command: args[i + 1], index: i + 1 };
    if (arg === "--hub-url" || arg === "--inference-url") {
      i++;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") return { command: arg, index: i };
  }
  return { index: -1 };
}

function parseError(error: unknown, command: Command | undefined, known: string[]): UsageError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? "";
  const where = command ? ` for \`${command}\`` : "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const option = quoted.replace(/^-+/, "").split("=")[0];
    const close = suggest(option, known);
    return new UsageError(
      `unknown option ${quoted.startsWith("-") ? quoted : `--${option}`}${where}.`,
      close ? `did you mean --${close}? Or ${helpHint(command)}` : helpHint(command),
    );
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const option = quoted.split(" ")[0];
    return new UsageError(
      /argument missing/.test(message) ? `${option} needs a value.` : `${option} takes no value.`,
      helpHint(command),
    );
  }
  return new UsageError(message.split("\n")[0], helpHint(command));
}

/**
 * Parses the command line.
 *
 * @param args The arguments (without the program name).
 * @returns What to do.
 * @throws {UsageError} for any mistake.
 */
export function parseCommandLine(args: readonly string[]): Parsed {
  const found = findCommand(args);
  if (found.command === "help") {
    const rest = args.filter((_, i) => i !== found.index);
    const topic = rest.find((a) => !a.startsWith("-"));
    if (topic === undefined) return { kind: "help", values: {} };
    if (!(COMMANDS as readonly string[]).includes(topic)) throw unknownCommand(topic);
    return { kind: "help", command: topic as Command, values: {} };
  }
  if (found.command === undefined) {
    let values: Values;
    try {
      values = parseArgs({ args: [...args], options: GLOBAL_OPTIONS, strict: true })
        .values as Values;
    } catch (error) {
      throw parseError(error, undefined, Object.keys(GLOBAL_OPTIONS));
    }
    if (values.help) return { kind: "help", values };
    throw new UsageError(
      `no command given (one of ${COMMANDS.join(", ")}).`,
      helpHint(),
    );
  }
  if (!(COMMANDS as readonly string[]).includes(found.command)) {
    throw unknownCommand(found.command);
  }
  const command = found.command as Command;
  const options = { ...GLOBAL_OPTIONS, ...COMMAND_OPTIONS[command] };
  const rest = args.filter((_, i) => i !== found.index);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options,
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch (error) {
    throw parseError(error, command, Object.keys(options));
  }
  const values = parsed.values as Values;
  if (values.help) return { kind: "help", command, values };
  const expected = POSITIONALS[command];
  if (!expected.at(-1)?.endsWith("…") && parsed.positionals.length > expected.length) {
    const extra = parsed.positionals[expected.length];
    throw new UsageError(
      `unexpected argument ${JSON.stringify(extra)} for \`${command}\`.`,
      helpHint(command),
    );
  }
  const order = (parsed.tokens ?? []).flatMap((t) =>
    t.kind === "option" ? [{ name: t.name, value: t.value }] : []
  );
  return { kind: "run", command, values, positionals: parsed.positionals, order };
}

function unknownCommand(word: string): UsageError {
  const close = suggest(word, COMMANDS);
  return new UsageError(
    `unknown command ${JSON.stringify(word)}.`,
    close
      ? `did you mean \`${close}\`? Or ${helpHint()}`
      : `commands: ${COMMANDS.join(", ")}; ${helpHint()}`,
  );
}
