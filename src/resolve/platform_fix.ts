/**
 * The exact fix for a missing token, per platform: what a Colab, Kaggle,
 * Spaces, local Jupyter or terminal user should do next.
 *
 * @module
 */

import { colabExplanation } from "../sources/colab.ts";
import type { Platform } from "./resolution.ts";

/**
 * Returns the fix paragraph for a platform.
 *
 * @example Usage
 * ```ts
 * import { platformFix } from "@hf-notebook/auth/resolve";
 * import assert from "node:assert/strict";
 *
 * assert(platformFix("kaggle").includes("Add-ons → Secrets"));
 * ```
 *
 * @param platform The detected platform.
 * @returns Sentences, one step per line.
 */
export function platformFix(platform: Platform): string {
  switch (platform) {
    case "colab":
      return colabExplanation("HF_TOKEN");
    case "kaggle":
      return "Kaggle: open Add-ons → Secrets, add a secret named HF_TOKEN with your token, and " +
        "tick its box so it is attached to this notebook; then run the cell again.";
    case "spaces":
      return "Hugging Face Space: open the Space's Settings → Variables and secrets → New secret, " +
        "name it HF_TOKEN (not HUGGINGFACE_HUB_TOKEN or HF_API_KEY), and restart the Space.";
    case "jupyter":
      return "Jupyter: run this cell interactively to get a masked password box; or start " +
        "Jupyter with HF_TOKEN set in its environment; or put HF_TOKEN=hf_… in a .env.local file " +
        "next to the notebook (and in .gitignore); or run `hf auth login` once in a terminal.";
    case "terminal":
      return "Terminal: `export HF_TOKEN=hf_…` (or put it in .env.local), or run `hf auth login` " +
        "once, or run this command interactively to be asked for it.";
    case "headless":
      return "Non-interactive run (CI, papermill, a pipe): nobody can be asked, so provide the " +
        "token ahead of time: set HF_TOKEN as a CI secret / environment variable, mount it at " +
        "/run/secrets/HF_TOKEN, or write it with `hf auth login` before the run.";
  }
}
