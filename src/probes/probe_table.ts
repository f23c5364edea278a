/**
 * The probe table displayable: what `probe()` returns. Rich HTML in Jupyter,
 * text in terminals, plain data from `toJSON()`.
 *
 * @module
 */

import { Displayable, JUPYTER_DISPLAY, type MimeBundle } from "../display/displayable.ts";
import { renderProbeTableHtml, renderProbeTableText } from "../display/probe_table.ts";
import { countProbeRows, summarizeProbeRows } from "./summary.ts";
import type { ProbeCounts, ProbeRow, ProbeTableData } from "./types.ts";

/** Fixed facts of a table (set when probing starts). */
export interface ProbeTableInit {
  /** Rows (usually all pending at first). */
  rows: ProbeRow[];
  /** Masked token. */
  masked: string;
  /** Token source. */
  source?: string;
  /** Hub base URL. */
  hubUrl: string;
  /** Router base URL. */
  inferenceUrl: string;
  /** Dry run. */
  dryRun?: boolean;
  /** Start time (ISO 8601); default now. */
  startedAt?: string;
}

/**
 * A probe table: one row per capability with verdict, status, latency,
 * reason, fix and prediction. While probes run, rows are `pending`; the table
 * you get back from `await probe()` is complete.
 *
 * In a Deno Jupyter kernel, `probe()` shows the table at once and fills it in
 * place; when the finished table is then the cell's value, the live copy is
 * blanked so exactly one table remains.
 *
 * @example Usage
 * ```ts
 * import { ProbeTable } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * const table = new ProbeTable({
 *   rows: [{ id: "hub.whoami", capability: "Authentication", verdict: "ok", inferred: false, legacy: false }],
 *   masked: "hf_sa…ice",
 *   hubUrl: "https://huggingface.co",
 *   inferenceUrl: "https://router.huggingface.co",
 * });
 * table.complete(5);
 * assert.deepEqual(table.summary, "1 of 1 work");
 * assert.match(table.toString(), /Authentication/);
 * assert.deepEqual(table.get("hub.whoami")?.verdict, "ok");
 * ```
 */
export class ProbeTable extends Displayable {
  #rows: ProbeRow[];
  #init: ProbeTableInit;
  #startedAt: string;
  #complete = false;
  #durationMs?: number;
  #live?: { blank(): void; active: boolean };

  /**
   * Creates a table. Normally made by `probe()`.
   *
   * @param init Rows, masked token, endpoints.
   */
  constructor(init: ProbeTableInit) {
    super();
    this.#init = init;
    this.#rows = init.rows.map((r) => ({ ...r }));
    this.#startedAt = init.startedAt ?? new Date().toISOString();
  }

  /** The rows, in suite order (copies). */
  get rows(): ProbeRow[] {
    return this.#rows.map((r) => ({ ...r }));
  }

  /** Counts by verdict. */
  get counts(): ProbeCounts {
    return countProbeRows(this.#rows);
  }

  /** The one-line summary. */
  get summary(): string {
    return summarizeProbeRows(this.#rows, { dryRun: this.#init.dryRun });
  }

  /** Whether every row has its verdict. */
  get isComplete(): boolean {
    return this.#complete;
  }

  /**
   * The row with this id, if any.
   *
   * @param id A probe id such as `inference.chat`.
   * @returns A copy of the row.
   */
  get(id: string): ProbeRow | undefined {
    const row = this.#rows.find((r) => r.id === id);
    return row ? { ...row } : undefined;
  }

  /**
   * Replaces a row (matched by id). Used by `probe()` as results arrive.
   *
   * @param row The new row.
   */
  setRow(row: ProbeRow): void {
    const i = this.#rows.findIndex((r) => r.id === row.id);
    if (i >= 0) this.#rows[i] = { ...row };
  }

  /**
   * Marks the table complete.
   *
   * @param durationMs Wall time of the whole run.
   */
  complete(durationMs?: number): void {
    this.#complete = true;
    this.#durationMs = durationMs;
  }

  /**
   * Links the table to a live Jupyter display (internal to `probe()`): while
   * `active`, rendering the table as a cell value blanks the live copy first.
   *
   * @param live The live display's controls.
   */
  attachLiveDisplay(live: { blank(): void; active: boolean }): void {
    this.#live = live;
  }

  /** Plain data (the token appears masked only). */
  toJSON(): ProbeTableData {
    return {
      summary: this.summary,
      rows: this.rows,
      counts: this.counts,
      complete: this.#complete,
      dryRun: this.#init.dryRun ?? false,
      masked: this.#init.masked,
      ...(this.#init.source ? { source: this.#init.source } : {}),
      hubUrl: this.#init.hubUrl,
      inferenceUrl: this.#init.inferenceUrl,
      startedAt: this.#startedAt,
      ...(this.#durationMs !== undefined ? { durationMs: this.#durationMs } : {}),
    };
  }

  /** Self-contained HTML. */
  toHtml(): string {
    return renderProbeTableHtml(this.toJSON());
  }

  /** Plain text (no colours). */
  override toString(): string {
    return renderProbeTableText(this.toJSON());
  }

  /** Rich output for the Deno Jupyter kernel (see the class docs about live tables). */
  override [JUPYTER_DISPLAY](): MimeBundle {
    if (this.#live?.active) {
      this.#live.active = false;
      this.#live.blank();
    }
    return super[JUPYTER_DISPLAY]();
  }
}
