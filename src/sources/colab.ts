/**
 * Google Colab: its secret vault (the key icon, `userdata.get`) only answers
 * Colab's own Python kernel; a Deno kernel's request is read as null. The
 * bridge is one Python cell that copies the secret into the runtime's
 * environment, which a Deno kernel started afterwards inherits.
 *
 * @module
 */

/** The Python cell that bridges Colab's vault to the Deno kernel. */
export const COLAB_BRIDGE_CELL: string = [
  "# Run this in a Python cell of the same Colab runtime, then restart the Deno kernel:",
  "import os",
  "from google.colab import userdata",
  'os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")',
].join("\n");

/**
 * Explains, for a Colab user, why the vault was not read and what to do.
 *
 * @example Usage
 * ```ts
 * import { colabExplanation } from "@hf-notebook/auth";
 * import assert from "node:assert/strict";
 *
 * assert(colabExplanation("HF_TOKEN").includes('userdata.get("HF_TOKEN")'));
 * ```
 *
 * @param name The secret name looked up.
 * @returns A paragraph with the bridge cell.
 */
export function colabExplanation(name = "HF_TOKEN"): string {
  return `Google Colab detected. Colab's secret vault (key icon → "${name}", Notebook access on) ` +
    `only answers Colab's Python kernel, so a Deno kernel cannot read it directly. Bridge it:\n` +
    COLAB_BRIDGE_CELL.replaceAll('"HF_TOKEN"', JSON.stringify(name));
}
