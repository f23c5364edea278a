/**
 * The display contract shared by every object this module returns for people
 * to look at: rich HTML in Jupyter, plain text in terminals, JSON for programs.
 *
 * @module
 */

/**
 * The symbol the Deno Jupyter kernel calls to get rich output.
 *
 * @example Usage
 * ```ts
 * import { JUPYTER_DISPLAY } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * assert.equal(JUPYTER_DISPLAY, Symbol.for("Jupyter.display"));
 * ```
 */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** MIME bundle returned to the Deno Jupyter kernel. */
export interface MimeBundle {
  /** Rich rendering. */
  "text/html": string;
  /** Plain-text rendering (terminals, logs, the notebook's fallback). */
  "text/plain": string;
}

/**
 * Base class: subclasses hold data and implement the three renderings with
 * pure functions. The masked form is the only form of a token any of them shows.
 *
 * @example Usage
 * ```ts
 * import { Displayable } from "@hf-notebook/auth/display";
 * import { JUPYTER_DISPLAY } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * class Hello extends Displayable {
 *   toHtml() { return "<b>hi</b>"; }
 *   override toString() { return "hi"; }
 *   toJSON() { return { hi: true }; }
 * }
 * assert.deepEqual(new Hello()[JUPYTER_DISPLAY]()["text/plain"], "hi");
 * ```
 */
export abstract class Displayable {
  /** Rich rendering: a self-contained HTML fragment (no scripts, no external resources). */
  abstract toHtml(): string;
  /** Plain-text rendering for terminals. */
  abstract toString(): string;
  /** Data for programs (`JSON.stringify`). Tokens appear masked only. */
  abstract toJSON(): unknown;

  /** Called by the Deno Jupyter kernel to render this object. */
  [JUPYTER_DISPLAY](): MimeBundle {
    return { "text/html": this.toHtml(), "text/plain": this.toString() };
  }

  /** `console.log` / `Deno.inspect` show the plain-text rendering. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}
