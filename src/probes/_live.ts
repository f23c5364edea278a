/**
 * Live output adapters for `probe()` (internal): a Deno Jupyter display that is
 * shown at once and updated in place, and terminal lines printed as rows finish.
 * The core only calls `onRow`; these are thin sinks on top.
 *
 * Deno 2.9.6: `Deno.jupyter.display(bundle, { raw: true, display_id })` sends
 * `display_data` with `transient.display_id`; adding `update: true` sends
 * `update_display_data` for the same id. Outside `deno jupyter`, reading
 * `Deno.jupyter` throws, which is how the kernel is detected.
 *
 * @module
 */

import type { JupyterDisplay } from "../_jupyter.ts";
import { renderProbeCausesText, renderProbeRowText } from "../display/probe_table.ts";
import type { ProbeTable } from "./probe_table.ts";
import type { ProbeRow } from "./types.ts";

/** Whether stdout is a terminal (false when it cannot be asked). */
export function stdoutIsTerminal(): boolean {
  try {
    return Deno.stdout.isTerminal();
  } catch {
    return false;
  }
}

/** Something that shows a table while it fills in. */
export interface LiveSink {
  /** Shows the table with its pending rows. */
  start(table: ProbeTable): void;
  /** A row finished (or predictions arrived). */
  update(table: ProbeTable, row?: ProbeRow): void;
  /** The table is complete; resolves when the last update was sent. */
  finish(table: ProbeTable): Promise<void>;
}

let displayCounter = 0;
const LINK_WINDOW_MS = 1500;

/**
 * A live Jupyter display: `display_data` at start, `update_display_data` for
 * every change, a final update when complete. The finished table is then
 * linked to the display: if it becomes the cell's value (the kernel formats
 * it right after `await probe()` resolves), the live copy is
 * blanked so the notebook keeps exactly one table; if not (e.g.
 * `const t = await probe();`), the live copy stays.
 */
export function kernelSink(jupyter: JupyterDisplay): LiveSink {
  const displayId = `hfna-probe-${Date.now().toString(36)}-${++displayCounter}`;
  let chain: Promise<void> = Promise.resolve();
  const send = (table: ProbeTable, update: boolean) => {
    const bundle = { "text/html": table.toHtml(), "text/plain": table.toString() };
    chain = chain.then(() => jupyter.display(bundle, { raw: true, update, display_id: displayId }))
      .catch(() => {});
  };
  return {
    start(table) {
      send(table, false);
    },
    update(table) {
      send(table, true);
    },
    async finish(table) {
      send(table, true);
      await chain;
      const live = {
        active: true,
        blank() {
          jupyter.display({ "text/html": "", "text/plain": "" }, {
            raw: true,
            update: true,
            display_id: displayId,
          }).catch(() => {});
        },
      };
      table.attachLiveDisplay(live);
      // "This cell's value" = formatted right after `await probe()` resolves. The kernel does
      // that within milliseconds, but not always before a 0 ms timer (measured in Deno 2.9.6),
      // so the link stays open briefly. Too short would leave two tables; too long only moves
      // the table to the cell that shows it next.
      const timer = setTimeout(() => live.active = false, LINK_WINDOW_MS);
      try {
        Deno.unrefTimer(timer);
      } catch { /* not Deno */ }
    },
  };
}

/** Terminal lines: a header, then one block per finished row, then the summary. */
export function terminalSink(
  write: (line: string) => void = (line) => console.log(line),
  color = false,
): LiveSink {
  return {
    start(table) {
      const n = table.rows.length;
      write(`Probing ${n} capabilit${n === 1 ? "y" : "ies"} of ${table.toJSON().masked}…`);
    },
    update(_table, row) {
      if (row && row.verdict !== "pending") {
        write(renderProbeRowText(row, { color, compact: true }));
      }
    },
    finish(table) {
      write(renderProbeCausesText(table.toJSON(), { color, columns: Infinity }));
      return Promise.resolve();
    },
  };
}
