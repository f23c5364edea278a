/**
 * Shared shapes of the token sources: what a source is asked with and what it
 * answers. Resolution walks an ordered list of sources and records an
 * {@linkcode Attempt} for each.
 *
 * @module
 */

import type { EnvLike } from "../_env.ts";

/** Machine-readable kinds of warning a resolution can carry. */
export type TokenWarningCode =
  /** A legacy variable name (e.g. `HF_API_KEY`) held the token; `HF_TOKEN` is recommended. */
  | "legacy-env-alias"
  /** The winning source shadows a different token in a later source (e.g. env vs token file). */
  | "shadowed-token"
  /** The token does not start with `hf_`. */
  | "not-hf-prefix"
  /** The file holding the token is readable by other users. */
  | "world-readable"
  /** Colab was detected; its secret vault cannot answer a Deno kernel. */
  | "colab-bridge"
  /** A browser login could not be renewed: `invalid_grant` (expired or revoked): log in again. */
  | "browser-login-expired"
  /** A browser login's renewal failed for now (network, 5xx); retried in 5 minutes. */
  | "browser-login-refresh-failed"
  /** `stored_tokens` could not be read (a line huggingface_hub cannot read either): no renewal. */
  | "stored-tokens-unreadable"
  /** A setting that huggingface_hub reads differently (e.g. `HF_HOME=""`): the tools disagree. */
  | "tools-differ"
  /** Anything else worth saying. */
  | "other";

/** A warning attached to a resolution (never contains the token). */
export interface TokenWarning {
  /** Machine-readable kind. */
  code: TokenWarningCode;
  /** Where it applies (a source id). */
  source: string;
  /** What is wrong. */
  message: string;
  /** What to do about it. */
  fix?: string;
}

/** How one source's look-up ended. */
export type AttemptOutcome =
  /** The source held a token (the first `found` wins). */
  | "found"
  /** The source exists but holds no token, or does not apply here. */
  | "not-found"
  /** The source held a value that is not a usable token (message says why). */
  | "invalid"
  /** The source could not be read (permissions, HTTP error, …). */
  | "error"
  /** The source was not consulted (an earlier source won, or it was disabled). */
  | "skipped";

/** One step of a resolution, as shown in `attempts` and in error messages. */
export interface Attempt {
  /** Source id, e.g. `env:HF_TOKEN`, `file:~/.cache/huggingface/token`, `secret:kaggle:HF_TOKEN`. */
  source: string;
  /** How the look-up ended. */
  outcome: AttemptOutcome;
  /** A sentence for people: why not found, what was wrong, or a warning. Never the token. */
  detail?: string;
  /** Masked form of the value found there, if any. */
  masked?: string;
}

/** What every source look-up gets: injectable environment, paths and network. */
export interface SourceContext {
  /** Environment to read. */
  env: EnvLike;
  /** Working directory for `.env.local` / `.env`. */
  cwd: string;
  /** The fetch to use for remote stores (Kaggle). */
  fetch: typeof fetch;
  /** Cancels remote look-ups. */
  signal?: AbortSignal;
  /**
   * What the sources may remember for the session. The resolver passes its session cache
   * here (sources never import it: they sit below resolution); without it nothing is cached.
   */
  session?: SourceSession;
}

/** The part of the session cache the sources use, handed to them in {@linkcode SourceContext}. */
export interface SourceSession {
  /** Remote secret-store look-ups that found nothing (or failed), keyed `store:name`. */
  negative: Map<string, { outcome: "not-found" | "error"; detail: string }>;
  /** Counters that prove cached calls do no I/O: every secret file read adds one. */
  stats: { fileReads: number };
}

/** A raw hit from a source, before hygiene. */
export interface RawHit {
  /** Source id. */
  source: string;
  /** The raw value (not yet normalised). */
  value: string;
  /** Extra warnings this hit carries (e.g. legacy variable name, world-readable file). */
  warnings?: string[];
}

/** What one source answers. */
export interface SourceLookup {
  /** `found`, `not-found` or `error` (`invalid` is decided by the resolver's hygiene step). */
  outcome: "found" | "not-found" | "error";
  /** The raw value when found. */
  value?: string;
  /** A more precise source id than the source's own (e.g. which key of a `.env` file). */
  source?: string;
  /** Why not found / what failed, for people. */
  detail?: string;
  /** Warnings attached to a hit (legacy name, world-readable file, duplicate key, …). */
  warnings?: TokenWarning[];
}

/** One place a token can come from. The resolver walks an ordered list of these. */
export interface TokenSource {
  /** Source id, e.g. `env:HF_TOKEN`. */
  id: string;
  /** Family, for tables. */
  kind: "secret" | "env" | "dotenv" | "file";
  /** Remote look-ups (Kaggle) are negative-cached for the session and left out of shadow checks. */
  remote?: boolean;
  /** Looks the token up. Never throws: failures are `{ outcome: "error" }`. */
  lookup(ctx: SourceContext): Promise<SourceLookup>;
}
