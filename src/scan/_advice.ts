/**
 * What to do about a token, by where it is: the fix shown beside each finding. A token in a
 * notebook output is removed by `--fix`; anywhere else the advice says what to write instead
 * (`const token = await getToken();`, an `HF_TOKEN` secret) and the file is never rewritten.
 *
 * @module
 */

import type { ScanPart } from "./locate_in_notebook.ts";

/** The line that replaces a token written in code. */
export const GET_TOKEN = "const token = await getToken();";

/** What to write instead, for a token in a file that is not a notebook (by its name). */
export function textFix(display: string): string {
  const name = display.split("/").pop() ?? display;
  if (/^\.env/.test(name)) {
    return "Keep this file out of what you share: list it in .gitignore (and `git rm --cached` " +
      "it if it was committed). On your own machine a .env is a fine place for the token.";
  }
  if (name === "token" || name === "stored_tokens") {
    return "A Hugging Face token file: it belongs in ~/.cache/huggingface, never in a project. " +
      "Delete this copy.";
  }
  if (/\.(ipynb)$/.test(name)) {
    return "Remove it from the notebook by hand (the file is not valid JSON, so --fix leaves it " +
      "alone); read the token with `" + GET_TOKEN + "` instead.";
  }
  if (/\.(ts|tsx|js|mjs|cjs|jsx|py|sh|bash|zsh|rb|go|rs|java|kt|r|jl|ps1)$/i.test(name)) {
    return `Do not write the token in code: \`${GET_TOKEN}\` reads it from an HF_TOKEN secret ` +
      "(or a git-ignored .env).";
  }
  return "Delete it from this file: keep the token in an HF_TOKEN secret or a git-ignored .env, " +
    `and read it with \`${GET_TOKEN}\`.`;
}

/** What to do about a token in each part of a notebook. */
export const NOTEBOOK_FIX: Record<ScanPart, string> = {
  "output": "Remove this output (`hf scan --fix` does, leaving the rest of the notebook as it " +
    "is); show a token masked (`maskToken(token)`), never printed.",
  "source": `Do not write the token in the cell: \`${GET_TOKEN}\` reads it from an HF_TOKEN ` +
    "secret (Colab/Kaggle secrets, the environment, a git-ignored .env).",
  "attachment": "Delete this attachment from the cell (the pasted image or file holds the token).",
  "cell-metadata": "Delete this metadata entry (Jupyter: the cell's property inspector).",
  "notebook-metadata": "Delete this notebook metadata entry (Jupyter: Edit Notebook Metadata).",
  "widget-state": "Clear the saved widget state (delete metadata.widgets, or turn off saving " +
    "widget state) and save the notebook again.",
  "notebook-other": "Delete it from the notebook by hand.",
  "text": "Delete it.",
};
