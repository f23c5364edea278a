/**
 * Help texts of the command line: one for the tool, one per command.
 *
 * @module
 */

import type { Command } from "./_args.ts";

const GLOBAL = `Global options:
  --hub-url URL         Hub base URL (default: $HF_ENDPOINT, else https://huggingface.co)
  --inference-url URL   Inference router URL (default: $HF_INFERENCE_ENDPOINT, else
                        https://router.huggingface.co)
  --debug               Show what is going on, and stack traces on errors (tokens stay masked)
  --no-color            No colours (also: NO_COLOR=1, or when stdout is not a terminal)
  -h, --help            Show help`;

const EXIT = `Exit codes: 0 ok · 1 token not found / not valid (or a probe failed with --strict;
for scan: a token found) · 2 usage error · 130 prompt or login cancelled (Ctrl-C)`;

/** The tool's help. */
export const TOOL_HELP = `hf — find, check and probe your Hugging Face token

Usage: deno task hf <command> [options]
       deno run -A src/cli.ts <command> [options]

Commands:
  whoami    Who the token belongs to and what it may do (the validation card)
  probe     Try what the token can actually do (Hub reads, inference calls), with fixes
  login     Check the token, or log in (browser or pasted token) and save it
  logout    Forget stored tokens (the active one, --name NAME, or --all)
  sources   Every place a token can come from: which one wins, which are shadowed
  switch    Make a stored named token the active one
  scan      Find leaked tokens in notebooks and files before they are shared

The token is looked up in secret stores, HF_TOKEN & co., .env.local/.env, then the
token file written by \`hf auth login\`; when none has one and stdin is a terminal,
it is asked for with hidden input (\`login\` offers a browser login first). It is only
ever shown masked (hf_Ab…xyz).

${GLOBAL}

${EXIT}

Run \`deno task hf <command> --help\` for a command's options.`;

const COMMAND_HELP: Record<Command, string> = {
  whoami: `Usage: deno task hf whoami [--json]

Resolves the token (asks for it only when stdin is a terminal), checks it with the
Hub (GET /api/whoami-v2) and prints the validation card: account, role, fine-grained
permissions, expiry and diagnostics with fixes.

Options:
  --json                Print the validation as JSON (token masked)

Exits 1 when no token is found or the Hub did not confirm it (invalid, expired,
rate-limited, server or network trouble, HF_HUB_OFFLINE).`,
  probe: `Usage: deno task hf probe [options]

Runs small real calls with the token (Hub reads, tiny inference calls, the legacy
gpt2/DialoGPT checks) and prints each row as it finishes, then the summary. Every
failure comes with its reason and fix. Inference rows use the most-liked model the
Hub lists as served for their task (one search each), or their pinned model when
the search fails; each row says which and why.

Options:
  --only ID             Run only this probe id (repeatable; "inference" selects inference.*)
  --skip ID             Leave out this probe id (repeatable)
  --model ID --task TASK [--provider P]
                        Add an inference probe (repeatable). TASK: chat-completion,
                        text-generation, text-classification, token-classification,
                        feature-extraction
  --timeout S           Time limit of each probe in seconds (default 15)
  --concurrency N       Probes in flight at once (default 6)
  --dry-run             List what would be called; call nothing
  --strict              Exit 1 when any probe failed (legacy rows count only when
                        selected with --only: their failure is never the token's)
  --json                Print the probe table as one JSON document (nothing else on stdout)

Probe ids: hub.whoami, hub.model-info, hub.gated, hub.private-repos, inference.chat,
inference.text-generation, inference.text-classification, inference.token-classification,
inference.feature-extraction, legacy.gpt2, legacy.dialogpt, hub.write.

Exits 1 when the Hub refuses the token, or with --strict when a probe failed.`,
  login: `Usage: deno task hf login [--browser | --paste] [--persist] [--name NAME] [--force]

Checks the token the sources already have and prints the card. When none has one,
logs in: on a terminal it asks "browser or paste a token"; without a terminal it
uses the browser, printing the URL and the code (as \`hf auth login\` does).

The browser login (OAuth device code, the client \`hf auth login\` uses) opens a page
on the Hub where you approve a short code; the token and its refresh token are
saved in stored_tokens (as oauth-USERNAME, or NAME) and become the active token.
Undo with \`deno task hf logout --name oauth-USERNAME\`.

Options:
  --browser             Log in through the browser now (no question asked)
  --paste               Paste a token (hidden input) instead of the browser
  --persist             Save it like \`hf auth login\`: in stored_tokens under NAME and as
                        the active token file (mode 0600)
  --name NAME           Name to save it under (default: the token's name on the Hub,
                        else "default")
  --force               Save even if the Hub did not accept it

Without --force, a token that failed validation is never saved (exit 1).
A browser login exits 1 when it is denied or the code expires, 130 on Ctrl-C.`,
  logout: `Usage: deno task hf logout [--name NAME | --all]

Forgets stored tokens, touching nothing else:
  (no option)           Remove the active token file; named tokens stay
  --name NAME           Remove NAME from stored_tokens (and the active token file if it
                        holds that token)
  --all                 Remove the active token file and every stored token

Environment variables and .env files are never changed (you are told if one still
provides a token).`,
  sources: `Usage: deno task hf sources [--json]

Surveys every token source in resolution order (never prompts, no network) and shows
which one wins, which are shadowed by it, and which hold malformed values.

Options:
  --json                Print the table as JSON (tokens masked)

Exits 1 when no source has a token.`,
  scan:
    `Usage: deno task hf scan [PATH…] [--check] [--fix [--dry-run]] [--staged] [--no-ignore] [--json]

Searches files and folders (default: the working directory) for Hugging Face tokens
(hf_… user, fine-grained and OAuth tokens, legacy api_org_…): notebooks cell by cell
(sources, every output, attachments, metadata, saved widget state), other files line by
line. Skips .git, node_modules and what .gitignore ignores. Placeholders (hf_xxx…),
masked tokens (hf_Ab…xyz) and sandbox tokens are not findings. Tokens are shown masked.

Options:
  --check               Ask the Hub whether each token still works (one whoami-v2 per
                        token; nothing is sent without it) and whether it is the token this
                        machine uses; a live token must be revoked first
  --fix                 Remove the notebook outputs that hold a token (nothing else changes;
                        atomic write). Sources and other files are reported, never rewritten
  --dry-run             With or without --fix: show what --fix would change, change nothing
  --staged              Search what git is about to commit (the index), not the work tree.
                        As a pre-commit hook:
                          echo 'deno run -A src/cli.ts scan --staged' > .git/hooks/pre-commit
  --no-ignore           Also search what .gitignore ignores, and node_modules
  --json                Print the report as JSON (tokens masked)

Exits 0 when nothing is found, 1 when a token is found (and not removed by --fix),
2 on a usage error (e.g. --staged outside a git repository).`,
  switch: `Usage: deno task hf switch NAME

Makes the stored token NAME the active one (writes the token file, as \`hf auth switch\`).
Lists the stored names when NAME is unknown.`,
};

/**
 * The help text of `command` (or of the tool).
 *
 * @param command A command, or `undefined` for the tool.
 * @returns The help text.
 */
export function helpText(command?: Command): string {
  return command ? `${COMMAND_HELP[command]}\n\n${GLOBAL}\n\n${EXIT}` : TOOL_HELP;
}
