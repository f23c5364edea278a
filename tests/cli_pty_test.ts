/**
 * The command line in a real pseudo-terminal (tmux): the hidden token prompt of
 * `login --paste` (no echo, Backspace, Enter), colours on a terminal, NO_COLOR,
 * Ctrl-C at the prompt (exit 130, terminal modes restored), and the browser
 * login: the "browser or paste" menu (a number or the arrow keys), URL, code and
 * QR code, approval in the sandbox, Ctrl-C while waiting (exit 130).
 */
import { currentDenoDir } from "./_jupyter.ts";
import assert from "node:assert/strict";
import { PERSONAS, startSandbox } from "../src/sandbox/mod.ts";
import { ptyTest, startPty } from "./_pty.ts";
import { decodeTextQr } from "./_qr_decode.ts";

const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const CLI = `${REPO}/src/cli.ts`;
const CONFIG = `${REPO}/deno.json`;
const TOKEN = PERSONAS.read.token; // hf_sandbox_read_alice
/** Pieces of the token that must never reach the screen while it is typed. */
const PIECES = [TOKEN, "hf_sandbox", "sandbox_rea", "read_alice", "_alice", "reaX"];
const COLOUR = new RegExp(String.raw`\x1b\[[0-9;]*m`);
const PROMPT = "Hugging Face token (input hidden";

/**
 * Waits for the prompt, then a moment more: readHiddenLine() writes the prompt text *before* it
 * turns echo off (src/sources/_hidden_input.ts), so keys sent the instant the text shows could
 * still be echoed by the terminal. The pause is not an assertion; it only steps over that window.
 */
async function waitForPrompt(term: { waitFor(p: string): Promise<string> }): Promise<void> {
  await term.waitFor(PROMPT);
  await new Promise((resolve) => setTimeout(resolve, 250));
}

/**
 * argv of `hf <args>` in the pane, with no token anywhere: the token variables (and NO_COLOR,
 * unless given) are removed from the inherited environment; HOME/HF_HOME are empty temp dirs.
 */
function hfCommand(args: string[], keepNoColor = false): string[] {
  const unset = [
    "HF_TOKEN",
    "HUGGING_FACE_HUB_TOKEN",
    "HUGGINGFACE_HUB_TOKEN",
    "HF_API_KEY",
    "HUGGINGFACE_API_KEY",
    "HF_API_TOKEN",
    "HF_TOKEN_PATH",
    "HF_STORED_TOKENS_PATH",
    "KAGGLE_USER_SECRETS_TOKEN",
    "CREDENTIALS_DIRECTORY",
    ...(keepNoColor ? [] : ["NO_COLOR"]),
  ].flatMap((name) => ["-u", name]);
  return ["env", ...unset, Deno.execPath(), "run", "-A", "--config", CONFIG, CLI, ...args];
}

async function tempHome(hubEnv: Record<string, string>) {
  const dir = await Deno.makeTempDir({ prefix: "hfna-cli-pty-" });
  return {
    dir,
    env: { ...hubEnv, HOME: dir, HF_HOME: `${dir}/hf`, DENO_DIR: (await currentDenoDir()) ?? "" },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

function assertNoPiece(screen: string, when: string): void {
  for (const piece of PIECES) {
    assert.ok(!screen.includes(piece), `${when}: the screen shows ${JSON.stringify(piece)}`);
  }
}

ptyTest("login: hidden prompt, no echo, Backspace, Enter; coloured card", async () => {
  await using hub = startSandbox({ quiet: true });
  await using home = await tempHome(hub.env);
  await using term = await startPty(hfCommand(["login", "--paste"]), {
    env: home.env,
    cwd: home.dir,
  });
  await waitForPrompt(term);
  // A wrong last character, erased with Backspace, then the rest.
  await term.type(TOKEN.slice(0, 13) + "X");
  await term.press("BSpace");
  assertNoPiece(await term.screen({ history: true }), "while typing");
  await term.type(TOKEN.slice(13));
  assertNoPiece(await term.screen({ history: true }), "after typing");
  await term.press("Enter");
  await term.waitFor(/Hugging Face token · VALID/);
  assert.equal(await term.exitCode(), 0);
  const screen = await term.screen({ history: true });
  assert.match(screen, /Source\s+prompt:terminal/);
  assert.match(screen, /Account\s+sandbox-alice/);
  assert.match(screen, /Token\s+hf_sa…ice/);
  assert.ok(!screen.includes(TOKEN) && !screen.includes("hf_sandbox"), screen);
  assert.match(await term.screen({ ansi: true, history: true }), COLOUR);
  // Exactly one whoami request, with the corrected token.
  const asked = hub.requests.filter((r) => r.path === "/api/whoami-v2");
  assert.equal(asked.length, 1);
  assert.equal(asked[0].persona, "read");
  const stty = await term.sttyState();
  assert.ok(stty.echo && stty.icanon, stty.raw);
});

ptyTest("login with NO_COLOR=1 on a terminal: no colour escapes", async () => {
  await using hub = startSandbox({ quiet: true });
  await using home = await tempHome(hub.env);
  await using term = await startPty(hfCommand(["login", "--paste"], true), {
    env: { ...home.env, NO_COLOR: "1" },
    cwd: home.dir,
  });
  await waitForPrompt(term);
  await term.type(TOKEN);
  await term.press("Enter");
  await term.waitFor(/Hugging Face token · VALID/);
  assert.equal(await term.exitCode(), 0);
  const screen = await term.screen({ ansi: true, history: true });
  assert.doesNotMatch(screen, COLOUR);
  assertNoPiece(screen, "NO_COLOR run:\n" + screen);
});

ptyTest("Ctrl-C at the prompt exits 130 and restores echo and icanon", async () => {
  await using hub = startSandbox({ quiet: true });
  await using home = await tempHome(hub.env);
  await using term = await startPty(hfCommand(["login", "--paste", "--persist"]), {
    env: home.env,
    cwd: home.dir,
  });
  await waitForPrompt(term);
  await term.type("hf_sand");
  await term.press("C-c");
  assert.equal(await term.exitCode(), 130);
  const screen = await term.screen({ history: true });
  assert.match(screen, /error: The token prompt was cancelled/);
  assert.ok(!screen.includes("hf_sand"), screen);
  const stty = await term.sttyState();
  assert.equal(stty.echo, true, stty.raw);
  assert.equal(stty.icanon, true, stty.raw);
  assert.equal(hub.requests.length, 0, "nothing was sent");
  await assert.rejects(Deno.stat(`${home.dir}/hf/token`), Deno.errors.NotFound);
});

const MENU = "How would you like to log in?";

ptyTest(
  "login: the menu's 1 starts the browser login: URL, code and QR code, approved → card, saved",
  async () => {
    await using hub = startSandbox({ quiet: true, oauth: { interval: 1 } });
    await using home = await tempHome(hub.env);
    await using term = await startPty(hfCommand(["login"]), {
      env: home.env,
      cwd: home.dir,
      rows: 60,
    });
    await term.waitFor(MENU);
    await term.type("1");
    await term.waitFor(/Waiting for approval… \d+:\d\d left/);
    const codes = hub.pendingDeviceCodes();
    assert.equal(codes.length, 1);
    const waiting = await term.screen({ history: true });
    assert.ok(waiting.includes(`Open ${hub.url}/oauth/device?user_code=${codes[0]}`), waiting);
    assert.match(waiting, new RegExp(`shows the code ${codes[0]}`));
    assert.match(waiting, /Or scan with a phone:\n(?: {2}[█▀▄ ]+\n){10,}/);
    const qrLines = waiting.split("Or scan with a phone:\n")[1].split("\n")
      .filter((l) => /^ {2}[█▀▄ ]+$/.test(l)).map((l) => l.slice(2));
    assert.equal(
      await decodeTextQr(qrLines),
      `${hub.url}/oauth/device?user_code=${codes[0]}`,
      "the QR code on the terminal is the link",
    );
    assert.ok(hub.approveDevice(codes[0]));
    await term.waitFor(/Hugging Face token · VALID/);
    assert.equal(await term.exitCode(), 0);
    const screen = await term.screen({ history: true });
    assert.match(screen, /oauth-sandbox-alice/);
    const token = await Deno.readTextFile(`${home.dir}/hf/token`);
    assert.ok(!screen.includes(token), "token on the screen");
    assert.match(await Deno.readTextFile(`${home.dir}/hf/stored_tokens`), /refresh_token = /);
    const stty = await term.sttyState();
    assert.ok(stty.echo && stty.icanon, stty.raw);
  },
);

ptyTest(
  "login: arrow keys pick 'paste'; Ctrl-C while the browser login waits exits 130, terminal restored",
  async () => {
    await using hub = startSandbox({ quiet: true, oauth: { interval: 1 } });
    await using home = await tempHome(hub.env);
    {
      await using term = await startPty(hfCommand(["login"]), { env: home.env, cwd: home.dir });
      await term.waitFor(MENU);
      await term.press("Down");
      await term.waitFor("› 2. Paste an access token");
      await term.press("Enter");
      await waitForPrompt(term);
      await term.type(TOKEN);
      await term.press("Enter");
      await term.waitFor(/Hugging Face token · VALID/);
      assert.equal(await term.exitCode(), 0);
    }
    await using term = await startPty(hfCommand(["login", "--browser"]), {
      env: home.env,
      cwd: home.dir,
    });
    await term.waitFor(/Waiting for approval… \d+:\d\d left/);
    await term.press("C-c");
    assert.equal(await term.exitCode(), 130);
    const screen = await term.screen({ history: true });
    assert.match(screen, /Browser login cancelled/);
    assert.match(screen, /error: The browser login was cancelled; nothing was saved/);
    const stty = await term.sttyState();
    assert.equal(stty.echo, true, stty.raw);
    assert.equal(stty.icanon, true, stty.raw);
    await assert.rejects(Deno.stat(`${home.dir}/hf/token`), Deno.errors.NotFound);
  },
);
