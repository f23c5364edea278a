// The hidden terminal prompt in a real pseudo-terminal (tmux): no echo, Backspace edits,
// Enter submits, Ctrl-C cancels and leaves the terminal sane.
import assert from "node:assert/strict";
import { ptyTest, startPty } from "./_pty.ts";

const SCRIPT = new URL("./fixtures/prompt_token.ts", import.meta.url).pathname;
const TOKEN = "hf_sandbox_read_alice";

ptyTest("terminal prompt: hidden input, backspace works, Enter submits", async () => {
  await using pty = await startPty([Deno.execPath(), "run", "-A", SCRIPT]);
  await pty.waitFor("Hugging Face token (input hidden", 60_000);
  await pty.type("hf_sandbox_reaX");
  await pty.press("BSpace");
  await pty.type("d_alice");
  const typing = await pty.screen({ history: true });
  assert.ok(!typing.includes("hf_sandbox"), `typed text must not echo:\n${typing}`);
  assert.ok(!typing.includes("alice") && !typing.includes("reaX"), typing);
  await pty.press("Enter");
  const done = await pty.waitFor("RESOLVED", 30_000);
  assert.match(done, /RESOLVED source=prompt:terminal masked=hf_sa…ice length=21/);
  assert.ok(!done.includes(TOKEN), "the token is never shown");
  assert.equal(await pty.exitCode(), 0);
  const stty = await pty.sttyState();
  assert.ok(stty.echo && stty.icanon, "terminal restored");
});

ptyTest("terminal prompt: Ctrl-C aborts cleanly and restores the terminal", async () => {
  await using pty = await startPty([Deno.execPath(), "run", "-A", SCRIPT]);
  await pty.waitFor("Hugging Face token (input hidden", 60_000);
  await pty.type("hf_partial");
  await pty.press("C-c");
  const screen = await pty.waitFor("CANCELLED", 30_000);
  assert.ok(!screen.includes("hf_partial"));
  assert.equal(await pty.exitCode(), 130);
  const stty = await pty.sttyState();
  assert.ok(stty.echo, `echo restored:\n${stty.raw}`);
  assert.ok(stty.icanon, "line editing restored");
});
