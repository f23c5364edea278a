/**
 * Leak scanner: knows every sandbox persona token (plus any extra secrets) and
 * looks for them — raw, base64-encoded, URL-encoded, or as a long fragment —
 * in whatever it is given: strings, bytes, or objects (scanned as JSON, as
 * `Deno.inspect` output, and through `toString()` / `toHtml()` when present).
 *
 * Other test files feed a run-wide spool with one call:
 *
 * ```ts ignore
 * import { spoolOutput } from "./_leak_scanner.ts";
 * await spoolOutput("kernel/login-cell", outputText); // anything: string, bytes, object
 * ```
 *
 * and `tests/zz_leak_scan_test.ts` (named to run last) scans the whole spool
 * (`out/leak-spool/`) and fails on any unmasked token.
 *
 * What it knows: the persona tokens, every secret a test teaches with `learnSecret`, and
 * every secret a sandbox issues in this run (access and refresh tokens, device codes, OIDC
 * id tokens, GitHub's request token: the sandbox writes them to `out/leak-secrets/` because
 * importing this module sets `HFNA_LEAK_SECRETS_DIR`). Any 8-character piece of one of them
 * is a leak, unless the piece is only public words the sandbox builds its secrets from
 * (`hf_sandbox_`, a persona's name, a counter); a piece of 75 % of a secret always is.
 *
 * It also checks that no text output (a string, `toString()`, a captured stdout/stderr, a
 * kernel's text) holds a raw ESC, C1 or bidi control: only this module's own colour and
 * line-erase sequences (`ESC [ … m`, `ESC [ 2K`, `ESC [ n A`) may reach a terminal.
 *
 * @module
 */

import { OAUTH_PERSONAS, PERSONAS } from "../src/sandbox/mod.ts";

/** Where spooled outputs go (git-ignored `out/`). */
export const SPOOL_DIR: string = new URL("../out/leak-spool/", import.meta.url).pathname;

/** One place a secret was found. */
export interface LeakFinding {
  /** The label given to `scan`. */
  label: string;
  /** Which secret (masked: never the secret itself). */
  secret: string;
  /** How it appeared (`control`: a raw ESC, C1 or bidi character in a text output). */
  kind: "raw" | "base64" | "url-encoded" | "fragment" | "pattern" | "control";
  /** Which rendering of the value showed it (`text`, `json`, `inspect`, `toString`, `toHtml`). */
  view: string;
  /** Some context around the hit, with the secret masked. */
  context: string;
}

function mask(secret: string): string {
  return secret.length < 12 ? "•".repeat(8) : `${secret.slice(0, 5)}…${secret.slice(-3)}`;
}

/** Every way a value is turned into text for scanning. */
export function renderings(value: unknown): { view: string; text: string }[] {
  if (typeof value === "string") return [{ view: "text", text: value }];
  if (value instanceof Uint8Array) {
    return [{ view: "text", text: new TextDecoder().decode(value) }];
  }
  const out: { view: string; text: string }[] = [];
  const attempt = (view: string, fn: () => unknown) => {
    try {
      const text = fn();
      if (typeof text === "string") out.push({ view, text });
    } catch (error) {
      out.push({ view: `${view}!`, text: `(rendering threw: ${String(error)})` });
    }
  };
  attempt("json", () => JSON.stringify(value));
  attempt(
    "inspect",
    () =>
      Deno.inspect(value, {
        depth: Infinity,
        colors: false,
        iterableLimit: Infinity,
        showHidden: true,
      }),
  );
  attempt("inspect-default", () => Deno.inspect(value));
  if (value !== null && typeof value === "object") {
    const v = value as { toString?: () => string; toHtml?: () => string };
    if (typeof v.toString === "function" && v.toString !== Object.prototype.toString) {
      attempt("toString", () => v.toString!());
    }
    if (typeof v.toHtml === "function") attempt("toHtml", () => v.toHtml!());
    const display = (value as Record<symbol, unknown>)[Symbol.for("Jupyter.display")];
    if (typeof display === "function") {
      attempt("jupyter", () => JSON.stringify(display.call(value)));
    }
  }
  const shown = terminalStrings(value);
  if (shown.length) out.push({ view: "terminal", text: shown.join("\n") });
  if (value instanceof Error) {
    attempt("stack", () => value.stack);
    attempt("cause", () => Deno.inspect(value.cause, { depth: Infinity }));
  }
  if (out.length === 0) out.push({ view: "text", text: String(value) });
  return out;
}

/** Keys whose strings a person sees on a terminal or in a notebook as text. */
const SHOWN_KEYS = new Set(["stdout", "stderr", "text", "text/plain", "message", "output"]);

/**
 * The strings of `value` that reach a terminal as they are: captured stdout/stderr, a
 * kernel's stream text and `text/plain`, an error's message (plain objects and arrays are
 * walked; JSON data fields are data, not output).
 */
function terminalStrings(value: unknown, key = "", depth = 0): string[] {
  if (depth > 12) return [];
  if (typeof value === "string") return SHOWN_KEYS.has(key) ? [value] : [];
  if (value instanceof Error) return [value.message];
  if (Array.isArray(value)) return value.flatMap((v) => terminalStrings(v, key, depth + 1));
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).flatMap(([k, v]) => terminalStrings(v, k, depth + 1));
  }
  return [];
}

/** Views that are what a terminal shows (not JSON data, not HTML). */
const TEXT_VIEWS = new Set(["text", "toString", "terminal"]);

/**
 * A raw control a terminal would act on that is not one of this module's own sequences:
 * ESC (but `ESC [ digits m`, `ESC [ 2K`, `ESC [ n A`), C1, the bidi controls, the line and
 * paragraph separators.
 */
const RAW_CONTROL =
  // deno-lint-ignore no-control-regex
  /\x1b(?!\[[0-9;]{0,16}[mKA])|[\x80-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/**
 * Public text the sandbox's secrets are built from (shape prefixes, persona and account
 * names): persona tokens such as `hf_sandbox_fineGrainedNoInference_alice` are made of
 * words that outputs rightly hold (`inference_provider`), so a piece made only of these
 * words is no evidence of a leak. What the 8-character rule catches is the secret material:
 * the random parts of access and refresh tokens, device codes and id tokens.
 */
const PUBLIC_TEXT: string = [
  "hf_sandbox_",
  "hf_oauth_sandbox_",
  "hf_oauthrefresh_sandbox_",
  "hf_jwt_sandbox_",
  "sandbox-github-request-",
  JSON.stringify(Object.values(PERSONAS).map(({ token: _, ...rest }) => rest)),
  JSON.stringify(OAUTH_PERSONAS),
].join(" ").toLowerCase();

/**
 * Whether an 8-character piece is public: each of its `_`/`-`/`.`-separated parts is public
 * text (any case) or a short counter (`0001`).
 */
function publicPiece(piece: string): boolean {
  return piece.split(/[_.-]/).every((part) =>
    part === "" || /^\d{1,4}$/.test(part) || PUBLIC_TEXT.includes(part.toLowerCase())
  );
}

/** A JSON Web Token: base64url header `.` payload `.` signature. */
const JWT = /^eyJ[\w-]*\.[\w-]*\.([\w-]+)$/;

/**
 * The 8-character pieces of `secret` that are secret material. An id token's header and
 * payload are base64 of public JSON claims (`"iss":"https://…"`), whose pieces also occur in
 * any base64 of the same words (an inline SVG's `xmlns="http://www.w3.org/…"`): only its
 * signature is random, so only the signature's pieces count (the whole token still counts
 * raw, base64- and URL-encoded).
 */
function secretPieces(secret: string): string[] {
  const material = JWT.exec(secret)?.[1] ?? secret;
  const out: string[] = [];
  for (let i = 0; i + 8 <= material.length; i++) {
    const piece = material.slice(i, i + 8);
    if (!publicPiece(piece)) out.push(piece);
  }
  return out;
}

/**
 * Shapes of the secrets the sandbox's OAuth server issues (src/sandbox/_oauth.ts): access and
 * refresh tokens are random per run, so besides the learned values (see `learnSecret`) any full
 * token of these shapes in an output is a leak. Their masked forms (`hf_oa…xyz`) never match.
 */
export const SANDBOX_SECRET_PATTERNS: readonly RegExp[] = [
  /hf_oauth_sandbox_[A-Za-z]+_\d+_[A-Za-z0-9]{8}/,
  /hf_oauthrefresh_sandbox_[A-Za-z]+_[A-Za-z0-9]{16}/,
];

/** Scans outputs for secrets and records what it finds. */
export class LeakScanner {
  #secrets = new Set<string>();
  /** Every secret 8-character piece → the secret it belongs to. */
  #pieces = new Map<string, string>();
  /** Everything found so far. */
  readonly findings: LeakFinding[] = [];
  /** Number of `scan` calls (so a test can prove it scanned something). */
  scanned = 0;

  /**
   * @param extra Secrets besides the sandbox persona tokens.
   * @param options `personas: false` leaves the persona tokens out.
   */
  constructor(extra: Iterable<string> = [], options: { personas?: boolean } = {}) {
    if (options.personas ?? true) {
      for (const p of Object.values(PERSONAS)) this.addSecret(p.token);
    }
    for (const s of extra) this.addSecret(s);
  }

  /** Adds a secret to look for (at least 8 characters, or it would match by chance). */
  addSecret(secret: string): this {
    if (secret.length < 8) throw new Error("a secret to scan for must have at least 8 characters");
    this.#secrets.add(secret);
    for (const piece of secretPieces(secret)) this.#pieces.set(piece, secret);
    return this;
  }

  /** Number of secrets known. */
  get size(): number {
    return this.#secrets.size;
  }

  /**
   * Scans a value (string, bytes, or object: JSON + Deno.inspect + toString/toHtml).
   *
   * @returns The findings of this call (also appended to `findings`).
   */
  scan(label: string, value: unknown): LeakFinding[] {
    this.scanned++;
    const found: LeakFinding[] = [];
    for (const { view, text } of renderings(value)) {
      for (const secret of this.#secrets) {
        const hit = findSecret(text, secret);
        if (hit) {
          const start = Math.max(0, hit.index - 40);
          const context = text.slice(start, hit.index + hit.length + 40).split(secret).join(
            mask(secret),
          );
          found.push({ label, secret: mask(secret), kind: hit.kind, view, context });
        }
      }
    }
    for (const { view, text } of renderings(value)) {
      const piece = this.#findPiece(text);
      if (piece && !found.some((f) => f.view === view)) {
        const context = text.slice(Math.max(0, piece.index - 40), piece.index + 48)
          .split(piece.piece).join("••••••••");
        found.push({ label, secret: mask(piece.secret), kind: "fragment", view, context });
      }
      if (TEXT_VIEWS.has(view)) {
        const control = RAW_CONTROL.exec(text);
        if (control) {
          const at = control.index;
          found.push({
            label,
            secret: `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`,
            kind: "control",
            view,
            context: JSON.stringify(text.slice(Math.max(0, at - 40), at + 40)),
          });
        }
      }
      for (const pattern of SANDBOX_SECRET_PATTERNS) {
        const hit = pattern.exec(text);
        if (!hit) continue;
        const start = Math.max(0, hit.index - 40);
        const context = text.slice(start, hit.index + hit[0].length + 40).split(hit[0])
          .join(mask(hit[0]));
        found.push({ label, secret: mask(hit[0]), kind: "pattern", view, context });
      }
    }
    this.findings.push(...found);
    return found;
  }

  /**
   * Scans one spooled file (`# label`, then `=== view` sections as {@linkcode spoolOutput}
   * writes them): secrets in every section, raw controls in the text views only.
   */
  scanSpooled(label: string, file: string): LeakFinding[] {
    const parts = file.split(/^=== (\S+)\n/m);
    const found: LeakFinding[] = [];
    for (let i = 1; i + 1 < parts.length; i += 2) {
      const view = parts[i];
      for (const f of this.scan(label, parts[i + 1])) {
        if (f.kind === "control" && !TEXT_VIEWS.has(view)) {
          this.findings.splice(this.findings.indexOf(f), 1);
          continue;
        }
        f.view = view;
        found.push(f);
      }
    }
    return found;
  }

  /** The first secret 8-character piece in `text` (one pass over the text). */
  #findPiece(text: string): { index: number; piece: string; secret: string } | undefined {
    if (this.#pieces.size === 0) return undefined;
    for (let i = 0; i + 8 <= text.length; i++) {
      const piece = text.slice(i, i + 8);
      const secret = this.#pieces.get(piece);
      if (secret !== undefined) return { index: i, piece, secret };
    }
    return undefined;
  }

  /** A readable report of the findings (masked). */
  report(): string {
    return this.findings.map((f) =>
      `${f.label} [${f.view}]: ${f.kind} ${f.secret} in …${f.context.replace(/\s+/g, " ")}…`
    ).join("\n");
  }

  /** Throws if anything was found. */
  assertClean(): void {
    if (this.findings.length > 0) {
      throw new Error(`unmasked secrets found (${this.findings.length}):\n${this.report()}`);
    }
  }
}

function findSecret(
  text: string,
  secret: string,
): { index: number; length: number; kind: LeakFinding["kind"] } | undefined {
  const raw = text.indexOf(secret);
  if (raw >= 0) return { index: raw, length: secret.length, kind: "raw" };
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret) {
    const at = text.indexOf(encoded);
    if (at >= 0) return { index: at, length: encoded.length, kind: "url-encoded" };
  }
  // base64 at each of the three byte alignments (e.g. inside "Bearer <token>" or "user:<token>").
  for (let shift = 0; shift < 3; shift++) {
    const b64 = btoa("x".repeat(shift) + secret).slice(Math.ceil(shift * 4 / 3) + 1, -4);
    if (b64.length >= 12) {
      const at = text.indexOf(b64);
      if (at >= 0) return { index: at, length: b64.length, kind: "base64" };
    }
  }
  // A long fragment (a truncated token is still most of a token). Any 8-character piece of
  // secret material is found by `LeakScanner.#findPiece`, in one pass over the text.
  const window = Math.max(12, Math.ceil(secret.length * 0.75));
  if (secret.length > window) {
    for (let i = 0; i + window <= secret.length; i++) {
      const at = text.indexOf(secret.slice(i, i + window));
      if (at >= 0) return { index: at, length: window, kind: "fragment" };
    }
  }
  return undefined;
}

let spoolCounter = 0;

/**
 * Writes one collected output into the run-wide spool for the final leak scan.
 * Accepts anything `LeakScanner.scan` does; objects are stored in every
 * rendering (JSON, inspect, toString, toHtml). Never throws on a rendering error.
 *
 * @param label Where it came from, e.g. `kernel/login-cell` (becomes the file name).
 * @param value The output.
 */
export async function spoolOutput(label: string, value: unknown): Promise<void> {
  await Deno.mkdir(SPOOL_DIR, { recursive: true });
  const safe = label.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
  const name = `${safe}.${Deno.pid}.${++spoolCounter}.txt`;
  const body = renderings(value).map(({ view, text }) => `=== ${view}\n${text}\n`).join("");
  await Deno.writeTextFile(`${SPOOL_DIR}${name}`, `# ${label}\n${body}`);
}

/** Synchronous {@linkcode spoolOutput} (for `unload` handlers and sync code). */
export function spoolOutputSync(label: string, value: unknown): void {
  Deno.mkdirSync(SPOOL_DIR, { recursive: true });
  const safe = label.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
  const body = renderings(value).map(({ view, text }) => `=== ${view}\n${text}\n`).join("");
  Deno.writeTextFileSync(
    `${SPOOL_DIR}${safe}.${Deno.pid}.${++spoolCounter}.txt`,
    `# ${label}\n${body}`,
  );
}

/** Where learned secrets go (outside the spool: they are what is searched for, not outputs). */
export const SECRETS_DIR: string = new URL("../out/leak-secrets/", import.meta.url).pathname;

// Every sandbox started in this process (or a child that inherits the environment) writes
// the secrets it issues there (src/sandbox/_oauth.ts `reportIssuedSecrets`).
try {
  Deno.env.set("HFNA_LEAK_SECRETS_DIR", SECRETS_DIR);
} catch {
  // without --allow-env, tests teach their secrets with learnSecret only
}

/**
 * Teaches the run-wide leak scan a secret that only exists at run time (an OAuth access or
 * refresh token, a device code): `tests/zz_leak_scan_test.ts` looks for it in every output.
 *
 * @param secrets The secrets (at least 8 characters each).
 */
export function learnSecret(...secrets: (string | undefined)[]): void {
  const known = secrets.filter((s): s is string => typeof s === "string" && s.length >= 8);
  if (known.length === 0) return;
  Deno.mkdirSync(SECRETS_DIR, { recursive: true });
  Deno.writeTextFileSync(
    `${SECRETS_DIR}${Deno.pid}.${++spoolCounter}.txt`,
    known.join("\n") + "\n",
  );
}

/** Every secret taught with {@linkcode learnSecret} in this run (any process). */
export async function learnedSecrets(): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(SECRETS_DIR)) {
      if (!entry.isFile) continue;
      const text = await Deno.readTextFile(`${SECRETS_DIR}${entry.name}`);
      out.push(...text.split("\n").filter((line) => line.length >= 8));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}
