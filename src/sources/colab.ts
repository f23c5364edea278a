/**
 * Google Colab: its secret vault (the key icon, `userdata.get`) only answers
 * Colab's own Python kernel; a Deno kernel's request is read as null. The
 * bridge is one Python cell: it puts the secret in the environment (which
 * `!deno …` commands started from that notebook inherit) and in the Hugging
 * Face token file (which a Deno kernel reads; `os.environ` of the Python
 * process does not reach a kernel that is a separate process).
 *
 * @module
 */

/**
 * The Python cell that bridges Colab's vault to Deno.
 *
 * @example Usage
 * ```ts
 * import { COLAB_BRIDGE_CELL } from "@hf-notebook/auth/sources";
 * import assert from "node:assert/strict";
 *
 * assert.ok(COLAB_BRIDGE_CELL.includes("userdata.get"));
 * ```
 */
export const COLAB_BRIDGE_CELL: string = [
  "# Run this in a Python cell of the same Colab runtime:",
  "import os",
  "from google.colab import userdata",
  "from huggingface_hub import login",
  'os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")  # for `!deno …` commands run from here',
  'login(token=os.environ["HF_TOKEN"])  # writes ~/.cache/huggingface/token (0600) for a Deno kernel',
].join("\n");

/**
 * Explains, for a Colab user, why the vault was not read and what to do.
 *
 * @example Usage
 * ```ts
 * import { colabExplanation } from "@hf-notebook/auth/sources";
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
    `only answers Colab's Python kernel, so Deno cannot read it directly. Bridge it once; the ` +
    `token file is then found on the next call (no restart needed):\n` +
    COLAB_BRIDGE_CELL.replace('userdata.get("HF_TOKEN")', `userdata.get(${JSON.stringify(name)})`);
}
