/**
 * The implementation of `probe()`, kept out of the import path: `probe.ts`
 * loads it on the first call, so importing the module stays cheap (see BENCHMARKS.md).
 *
 * @module
 */
import { DEFAULT_PROBE_CONCURRENCY, DEFAULT_PROBE_TIMEOUT_MS } from "./probe.ts";
import type { ProbeOptions } from "./probe.ts";
import { maskToken, redact } from "../_mask.ts";
import { guardedFetch, resolveEndpoints } from "../hub/endpoints.ts";
import type { ValidationData } from "../hub/types.ts";
import { TOKENS_PAGE } from "../hub/diagnose_token.ts";
import { ARGUMENT_SOURCE } from "../resolve/_explicit_resolution.ts";
import { DEFAULT_SUITE, type SuiteProbe } from "./default_suite.ts";
import { diagnoseFailure, PROBE_PERMISSION_LABELS } from "../hub/diagnose_failure.ts";
import { FAILURE_CLASSES, failureClassOf } from "../_failure_classes.ts";
import { predictProbe, type ProbeNeed } from "./predict.ts";
import { requireProbeTask } from "./probe_task.ts";
import { chooseModel, describeChoice, knownChoice } from "./_model_pick.ts";
import { ProbeTable } from "./probe_table.ts";
import {
  describeCall,
  providerFromUrl,
  type RecordingFetch,
  recordingFetch,
  runSuiteCall,
} from "./_runners.ts";
import { kernelSink, type LiveSink, stdoutIsTerminal, terminalSink } from "./_live.ts";
import { jupyterApi } from "../_jupyter.ts";
import { ERROR_BODY_LIMIT, JSON_BODY_LIMIT } from "../_body.ts";
import type { ProbeContext, ProbeFunction, ProbeResult, ProbeRow, ProbeTask } from "./types.ts";

/**
 * Cap of one answer a probe reads: just above the JSON cap (1 MiB, which whoami and the model
 * search apply themselves and word), far above a model list page or a config file; six rows
 * in flight then hold a few MiB at most against an endless answer.
 */
const PROBE_BODY_LIMIT = JSON_BODY_LIMIT + ERROR_BODY_LIMIT;

interface Job {
  probe: SuiteProbe;
  fn?: ProbeFunction;
}

const TASK_LABELS: Record<ProbeTask, string> = {
  chatCompletion: "Chat completion",
  textGeneration: "Text generation",
  textClassification: "Text classification",
  tokenClassification: "Token classification",
  featureExtraction: "Feature extraction",
};

function selected(id: string, patterns: readonly string[] | undefined): boolean {
  return (patterns ?? []).some((p) => id === p || id.startsWith(p + "."));
}

/**
 * The jobs of a table. Throws `UnknownProbeTaskError` for a data entry whose
 * task is neither a Hub task id nor a client method name: before any request.
 */
function buildJobs(options: ProbeOptions): Job[] {
  const jobs: Job[] = (options.suite ?? DEFAULT_SUITE).map((probe) => ({ probe }));
  (options.probes ?? []).forEach((custom, i) => {
    if (typeof custom === "function") {
      const name = custom.name && custom.name !== "anonymous" ? custom.name : `probe${i + 1}`;
      jobs.push({
        probe: {
          id: `custom.${name}`,
          capability: custom.name ? custom.name : `Custom probe ${i + 1}`,
          area: "hub",
          call: "whoami", // unused for functions
          needs: "none",
        },
        fn: custom,
      });
    } else {
      const task = requireProbeTask(
        custom.task,
        `probes[${i}]${custom.model ? ` (model ${custom.model})` : ""}`,
      );
      jobs.push({
        probe: {
          id: custom.id ?? `custom.${task}.${custom.model}`,
          capability: custom.name ?? TASK_LABELS[task],
          area: "inference",
          call: task,
          target: custom.model,
          provider: custom.provider ?? "auto",
          needs: "inference",
        },
      });
    }
  });
  const seen = new Map<string, number>();
  for (const job of jobs) {
    const n = seen.get(job.probe.id) ?? 0;
    seen.set(job.probe.id, n + 1);
    if (n > 0) job.probe = { ...job.probe, id: `${job.probe.id}#${n + 1}` };
  }
  return jobs.filter((j) =>
    (options.only === undefined || selected(j.probe.id, options.only)) &&
    !selected(j.probe.id, options.skip)
  );
}

function pendingRow(probe: SuiteProbe): ProbeRow {
  return {
    id: probe.id,
    capability: probe.capability,
    ...(probe.target ? { target: probe.target } : {}),
    ...(probe.provider ? { provider: probe.provider } : {}),
    verdict: "pending",
    inferred: probe.area === "inferred",
    legacy: probe.legacy ?? false,
  };
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** A counting semaphore whose waits can be aborted. */
function semaphore(size: number) {
  let free = size;
  const waiters: (() => void)[] = [];
  const release = () => {
    const next = waiters.shift();
    if (next) next();
    else free++;
  };
  return async (signal?: AbortSignal | null): Promise<() => void> => {
    if (signal?.aborted) throw signal.reason;
    if (free > 0) {
      free--;
    } else {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const i = waiters.indexOf(wake);
          if (i >= 0) waiters.splice(i, 1);
          reject(signal!.reason);
        };
        const wake = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        waiters.push(wake);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    }
    let done = false;
    return () => {
      if (!done) {
        done = true;
        release();
      }
    };
  };
}

async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

/** The body of `probe()` (loaded on first use by `probe.ts`). */
export async function runProbe(options: ProbeOptions = {}): Promise<ProbeTable> {
  const { hubUrl, inferenceUrl } = resolveEndpoints(options);
  // Bad entries are rejected before anything is resolved or called.
  const jobs = buildJobs(options);
  let resolution = options.resolution;
  if (options.token === undefined && !resolution) {
    const { resolveToken } = await import("../resolve/resolve_token.ts");
    resolution = await resolveToken(options);
  }
  const token = options.token ?? resolution!.token;
  const source = options.token !== undefined ? ARGUMENT_SOURCE : resolution?.source;
  const secrets = [token];
  const clean = (text: string | undefined) =>
    text === undefined ? undefined : redact(text, secrets);
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_PROBE_CONCURRENCY));

  // Requests in flight never exceed `concurrency` either (a probe may make several).
  const acquire = semaphore(concurrency);
  const baseFetch = options.fetch ?? globalThis.fetch;
  const limitedFetch: typeof fetch = async (input, init) => {
    const release = await acquire(init?.signal ?? (input instanceof Request ? input.signal : null));
    try {
      return await baseFetch(input, init);
    } finally {
      release();
    }
  };
  // Rows that search for a model show the session's pick while pending, if there is one.
  const pendingOf = (probe: SuiteProbe): ProbeRow => {
    const known = options.dryRun || options.refresh ? undefined : knownChoice(probe, hubUrl);
    return known
      ? { ...pendingRow({ ...probe, target: known.model }), targetReason: known.reason }
      : pendingRow(probe);
  };
  const table = new ProbeTable({
    rows: jobs.map((j) => pendingOf(j.probe)),
    masked: maskToken(token),
    source,
    hubUrl,
    inferenceUrl,
    dryRun: options.dryRun,
  });
  const started = performance.now();
  let known: ValidationData | undefined = options.validation;
  const predictionFor = (probe: SuiteProbe) => predictProbe(probe.needs as ProbeNeed, known);

  if (options.dryRun) {
    for (const { probe: p } of jobs) {
      const prediction = predictionFor(p);
      table.setRow({
        ...pendingRow(p),
        verdict: "skipped",
        reason: p.area === "inferred" || p.id.startsWith("custom.") && !p.target
          ? `dry run: would call ${
            p.area === "inferred"
              ? describeCall(p, hubUrl, inferenceUrl)
              : "a custom probe function"
          }`
          : p.pick && p.area === "inference"
          ? `dry run: would call ${describeChoice(p, hubUrl)}, then ` +
            describeCall(p, hubUrl, inferenceUrl)
          : `dry run: would call ${describeCall(p, hubUrl, inferenceUrl)}`,
        ...(prediction ? { prediction } : {}),
      });
    }
    table.complete(Math.round(performance.now() - started));
    return table;
  }

  // Live output: kernel display, terminal lines, or nothing.
  const display = options.display ?? "auto";
  let sink: LiveSink | undefined;
  if (display !== false) {
    const jupyter = jupyterApi();
    if (jupyter) sink = kernelSink(jupyter);
    else if (display === true || stdoutIsTerminal()) {
      sink = terminalSink(undefined, stdoutIsTerminal() && !Deno.noColor);
    }
  }
  sink?.start(table);

  // The token validation: one whoami, shared by every probe (and the predictions).
  let validationPromise: Promise<ValidationData | undefined> | undefined = known
    ? Promise.resolve(known)
    : undefined;
  let validationCalled = false; // whether this table's validation sent a request
  const startValidation = (inner: typeof globalThis.fetch, signal: AbortSignal) => {
    const fetch: typeof globalThis.fetch = (input, init) => {
      validationCalled = true;
      return inner(input, init);
    };
    if (!validationPromise) {
      validationPromise = (async () => {
        const { whoami } = await import("../hub/whoami.ts");
        const v = await whoami({
          ...(resolution && options.token === undefined ? { resolution } : { token }),
          hubUrl,
          inferenceUrl,
          fetch,
          signal,
          env: options.env,
          // The session's cached validation of this token (login(), whoami(), an
          // earlier probe()) is reused: one whoami-v2 per token per session.
          refresh: options.refresh ?? false,
          timeoutMs,
        });
        return v.toJSON() as ValidationData;
      })();
      validationPromise.then((v) => {
        known = v;
        for (const job of jobs) {
          const row = table.get(job.probe.id);
          const prediction = predictionFor(job.probe);
          if (row && prediction) table.setRow({ ...row, prediction });
        }
        sink?.update(table);
      }, () => {});
    }
    return validationPromise;
  };

  const finishRow = (row: ProbeRow) => {
    const prediction = row.prediction ??
      predictionFor(jobs.find((j) => j.probe.id === row.id)!.probe);
    // Failed rows not diagnosed by diagnoseFailure() (whoami's own verdict, a custom probe's
    // code) take the blame of their class, when it is one.
    const known = row.verdict === "failed" && row.tokenFault === undefined &&
        row.code !== "unknown"
      ? failureClassOf(row.code)
      : undefined;
    const cls = known ? FAILURE_CLASSES[known] : undefined;
    // Every string in the row may come from a server (a searched model id, a request id, the
    // server's sentence): the whole row is masked with the token.
    const done: ProbeRow = {
      ...(JSON.parse(redact(JSON.stringify(row), secrets)) as ProbeRow),
      ...(cls ? { tokenFault: cls.tokenFault } : {}),
      ...(row.reason !== undefined ? { reason: clean(row.reason) } : {}),
      ...(row.fix !== undefined ? { fix: clean(row.fix) } : {}),
      ...(prediction ? { prediction } : {}),
    };
    table.setRow(done);
    options.onRow?.(done, table);
    sink?.update(table, done);
  };

  // The suite's model searches (not recorded: a row's diagnosis is about its own call).
  const searchFetch = guardedFetch({ hubUrl, inferenceUrl, fetch: limitedFetch, env: options.env });

  const runJob = async (job: Job, hidden = false): Promise<void> => {
    let p = job.probe;
    let base = pendingRow(p);
    const t0 = performance.now();
    const latency = () => Math.round(performance.now() - t0);
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(new DOMException(`probe timed out after ${timeoutMs} ms`, "TimeoutError")),
      timeoutMs,
    );
    const signal = options.signal
      ? AbortSignal.any([controller.signal, options.signal])
      : controller.signal;
    const rec: RecordingFetch = recordingFetch(
      guardedFetch({ hubUrl, inferenceUrl, fetch: limitedFetch, env: options.env, signal }),
      // A probe's answers are small (JSON, a config file): past the cap, a row says so.
      { okLimit: PROBE_BODY_LIMIT },
    );
    const ctx: ProbeContext = {
      token,
      hubUrl,
      inferenceUrl,
      fetch: rec.fetch,
      signal,
      validation: () => startValidation(rec.fetch, signal).catch(() => undefined),
    };
    const observedProvider = () => {
      const answered = providerFromUrl(rec.last()?.url, inferenceUrl);
      if (!p.provider) return undefined;
      if (answered && answered !== p.provider) return `${p.provider} → ${answered}`;
      return p.provider;
    };
    const fail = async (error: unknown, response = rec.last()): Promise<ProbeRow> => {
      const cancelled = options.signal?.aborted ?? false;
      const timedOut = !cancelled && controller.signal.aborted;
      const validation = cancelled || timedOut || p.area !== "inference" && p.area !== "hub"
        ? known
        : await raceAbort(ctx.validation(), signal).catch(() => known);
      const d = diagnoseFailure({
        area: p.area === "inference" || providerFromUrl(response?.url, inferenceUrl)
          ? "inference"
          : "hub",
        target: p.target,
        provider: p.provider,
        error,
        response,
        timedOut,
        cancelled,
        timeoutMs,
        legacy: p.legacy,
        validation,
        hubUrl,
        secrets,
      });
      return {
        ...base,
        ...(observedProvider() ? { provider: observedProvider() } : {}),
        verdict: "failed",
        ...(d.status !== undefined ? { status: d.status } : {}),
        latencyMs: latency(),
        code: d.code,
        reason: d.reason,
        fix: d.fix,
        // the diagnosis knows whose fault it is (for `unknown` it cannot say)
        ...(d.code !== "unknown" ? { tokenFault: d.tokenFault } : {}),
        // A server may echo anything into its request id: masked like every server string.
        ...(response?.requestId ? { requestId: redact(response.requestId, secrets) } : {}),
      };
    };

    let row: ProbeRow;
    try {
      if (signal.aborted) throw signal.reason;
      if (p.area === "inferred") {
        const v = await raceAbort(ctx.validation(), signal);
        const prediction = predictProbe(p.needs, v);
        row = {
          ...base,
          verdict: prediction ? (prediction.outcome === "ok" ? "ok" : "predicted-fail") : "skipped",
          reason: prediction
            ? `not tested (never written): ${prediction.reason}`
            : "not tested (never written), and the token could not be validated to infer it",
          ...(prediction?.outcome === "fail"
            ? {
              fix: `If you need to push, create a write token (or a fine-grained token with ` +
                `"${PROBE_PERMISSION_LABELS.repoWrite}") at ${TOKENS_PAGE}.`,
            }
            : {}),
        };
      } else if (job.fn) {
        const result: ProbeResult = await raceAbort(job.fn(ctx), signal);
        row = result.ok
          ? {
            ...base,
            verdict: "ok",
            latencyMs: latency(),
            ...(result.status !== undefined ? { status: result.status } : {}),
            ...(result.reason ? { reason: result.reason } : {}),
            ...(result.target ? { target: result.target } : {}),
            ...(result.provider ? { provider: result.provider } : {}),
          }
          : result.reason
          ? {
            ...base,
            verdict: "failed",
            latencyMs: latency(),
            ...(result.status !== undefined ? { status: result.status } : {}),
            code: result.code ?? "unknown",
            reason: result.reason,
            ...(result.fix ? { fix: result.fix } : {}),
            ...(result.target ? { target: result.target } : {}),
          }
          : await fail(
            undefined,
            rec.last() ?? (result.status ? { status: result.status } : undefined),
          );
      } else if (p.call === "whoami") {
        const v = await raceAbort(startValidation(rec.fetch, signal), signal);
        if (v?.verdict === "valid") {
          const who = v.identity ? `${v.identity.name} (${v.identity.kind})` : "valid";
          const role = v.token?.role ? `, ${v.token.role} token` : "";
          // A validation from earlier in the session (login(), whoami(), another probe())
          // made no call now: no latency, and the row says so.
          const fresh = validationCalled;
          row = {
            ...base,
            verdict: "ok",
            status: v.status ?? 200,
            ...(fresh ? { latencyMs: latency() } : {}),
            reason: who + role + (fresh ? "" : " (validated earlier this session)"),
          };
        } else if (v?.status !== undefined && v.status >= 300 && v.status !== 503) {
          row = await fail(undefined, rec.last() ?? { status: v.status });
        } else {
          // A broken 2xx body, a 503 (not a model loading: this is the Hub API) or the
          // network: the validation already says exactly what happened on the whoami call.
          row = {
            ...base,
            verdict: "failed",
            latencyMs: latency(),
            ...(v?.status !== undefined ? { status: v.status } : {}),
            // whoami's failure is diagnosed by the same classifier: its code is a row code.
            code: v?.failure?.code ?? "unknown",
            reason: v?.reason ?? "The token could not be validated.",
            fix: v?.diagnostics[0]?.fix ?? "Run again; check the network connection.",
          };
        }
      } else {
        if (p.pick && p.area === "inference") {
          const choice = await raceAbort(
            chooseModel(p, {
              hubUrl,
              token,
              fetch: searchFetch,
              signal: options.signal,
              timeoutMs,
              refresh: options.refresh,
            }),
            signal,
          );
          p = { ...p, target: choice.model };
          base = { ...pendingRow(p), targetReason: choice.reason };
        }
        const result = await raceAbort(runSuiteCall(ctx, p), signal);
        if (result === "no-identity") {
          const v = await ctx.validation();
          row = v && (v.verdict === "invalid" || v.verdict === "expired")
            ? await fail(undefined, { status: 401 })
            : {
              ...base,
              verdict: "skipped",
              reason: "needs your account name, but whoami did not answer (see Authentication)",
            };
        } else if (!result.ok) {
          row = await fail(undefined, result.observed ?? rec.last());
        } else if (result.code === "no-private-visible" && predictionFor(p)?.outcome === "fail") {
          row = {
            ...base,
            verdict: "failed",
            status: result.status,
            latencyMs: latency(),
            code: "missing-repo-permission",
            reason: `${result.reason}: this fine-grained token cannot see private repos`,
            fix: `At ${TOKENS_PAGE}, edit the token → Repositories → tick ` +
              `"${PROBE_PERMISSION_LABELS.repoRead}".`,
          };
        } else {
          const provider = observedProvider();
          row = {
            ...base,
            verdict: "ok",
            status: result.status ?? rec.last()?.status,
            latencyMs: latency(),
            ...(result.reason ? { reason: result.reason } : {}),
            ...(provider ? { provider } : {}),
          };
        }
      }
    } catch (error) {
      row = await fail(error);
    } finally {
      clearTimeout(timer);
    }
    if (!hidden) finishRow(row);
  };

  // The validation goes first in the queue so it is in flight before anything waits for it.
  const queue: { job: Job; hidden: boolean }[] = jobs.map((job) => ({ job, hidden: false }));
  const needsValidation = !known && jobs.length > 0;
  const hasWhoami = jobs.some((j) => !j.fn && j.probe.call === "whoami" && j.probe.area === "hub");
  if (needsValidation) {
    const index = queue.findIndex((q) => !q.job.fn && q.job.probe.call === "whoami");
    if (index > 0) queue.unshift(...queue.splice(index, 1));
    if (!hasWhoami) {
      queue.unshift({
        job: { probe: { ...DEFAULT_SUITE[0], id: "(validation)" } },
        hidden: true,
      });
    }
  }
  await pool(queue, concurrency, (q) => runJob(q.job, q.hidden));
  await validationPromise?.catch(() => undefined);
  table.complete(Math.round(performance.now() - started));
  await sink?.finish(table);
  if (options.signal?.aborted) throw options.signal.reason;
  return table;
}
