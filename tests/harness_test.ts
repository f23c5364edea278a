/**
 * Proves the real-Jupyter harness (tests/_jupyter.ts) and the pty helper (tests/_pty.ts)
 * against a real Notebook 6 server, a real Deno kernel and a real tmux pseudo-terminal.
 *
 * Display ids in Deno 2.9.6 (from `deno types`, namespace `Deno.jupyter`):
 * `Deno.jupyter.display(obj, { display_id?: string; update?: boolean; raw?: boolean })`.
 * With `display_id` the kernel sends `display_data` whose `transient.display_id` is that id;
 * with `{ display_id, update: true }` it sends `update_display_data` for the same id instead.
 * `Deno.jupyter.broadcast("update_display_data", { data, metadata, transient: { display_id } })`
 * is the low-level equivalent. Objects are formatted through `[Symbol.for("Jupyter.display")]()`
 * (`Deno.jupyter.$display`), which returns a media bundle such as `{"text/html","text/plain"}`.
 * Note: `prompt(message, default, { password: true })` is honoured by the kernel (the
 * input_request carries `password: true`) although Deno's `prompt` type has only two parameters.
 */
import assert from "node:assert/strict";
import { kernelTest, outputsForDisplayId, startJupyter } from "./_jupyter.ts";
import { ptyTest, startPty } from "./_pty.ts";

kernelTest("harness: deno kernel runs cells, prompts, displays and keeps state", async (t) => {
  await using server = await startJupyter();
  await using kernel = await server.startKernel();

  await t.step("1 + 1 gives execute_result 2", async () => {
    const result = await kernel.execute("1 + 1");
    assert.equal(result.status, "ok");
    const results = result.outputs.filter((o) => o.type === "execute_result");
    assert.equal(results.length, 1);
    assert.equal(result.text().trim(), "2");
  });

  await t.step(
    "password prompt with allowStdin sends input_request and returns the answer",
    async () => {
      const secret = "not-a-token-just-text";
      const result = await kernel.execute(
        `const answer = prompt("Token:", "", { password: true } as never);
console.log("length", answer === null ? "null" : answer.length);`,
        { allowStdin: true, onInput: () => secret },
      );
      assert.equal(result.status, "ok");
      assert.deepEqual(result.inputRequests, [{ prompt: "Token:", password: true }]);
      assert.equal(result.text().trim(), `length ${secret.length}`);
      const inputRequest = result.raw.find((m) => m.header.msg_type === "input_request");
      assert.ok(inputRequest, "raw keeps the input_request");
      assert.ok(!JSON.stringify(result.outputs).includes(secret), "the answer is never echoed");
    },
  );

  await t.step("a plain prompt is not a password prompt", async () => {
    const result = await kernel.execute(`prompt("Name:")`, {
      allowStdin: true,
      onInput: () => "x",
    });
    assert.deepEqual(result.inputRequests, [{ prompt: "Name:", password: false }]);
  });

  await t.step("without allowStdin prompt() returns null", async () => {
    const result = await kernel.execute(
      `const none = prompt("Token:", "", { password: true } as never);
console.log(none === null ? "null" : "value");`,
      { allowStdin: false },
    );
    assert.equal(result.status, "ok");
    assert.deepEqual(result.inputRequests, []);
    assert.equal(result.text().trim(), "null");
  });

  await t.step("Symbol.for('Jupyter.display') objects render text/html", async () => {
    const code = `({
  [Symbol.for("Jupyter.display")]() {
    return { "text/html": "<b>bold</b>", "text/plain": "bold" };
  },
})`;
    const result = await kernel.execute(code);
    assert.equal(result.status, "ok");
    assert.ok(
      result.outputs.some((o) =>
        (o.type === "execute_result" || o.type === "display_data") &&
        o.content.data["text/html"] === "<b>bold</b>"
      ),
      JSON.stringify(result.outputs),
    );
    assert.equal(result.html(), "<b>bold</b>");
    assert.equal(result.text().trim(), "bold");
  });

  await t.step("display_id: display_data then update_display_data for the same id", async () => {
    const result = await kernel.execute(`
const shown = (label: string) => ({
  [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<i>" + label + "</i>", "text/plain": label }),
});
await Deno.jupyter.display(shown("first"), { display_id: "x" });
await Deno.jupyter.display(shown("second"), { display_id: "x", update: true });
`);
    assert.equal(result.status, "ok");
    const forX = outputsForDisplayId(result, "x");
    assert.deepEqual(forX.map((o) => o.type), ["display_data", "update_display_data"]);
    assert.equal(forX[0].content.data["text/html"], "<i>first</i>");
    assert.equal(forX[1].content.data["text/html"], "<i>second</i>");
  });

  await t.step("two cells share globalThis state; errors are reported", async () => {
    await kernel.execute(`globalThis.sharedCounter = 41;`);
    const result = await kernel.execute(`(globalThis as any).sharedCounter + 1`);
    assert.equal(result.text().trim(), "42");
    const failed = await kernel.execute(`throw new TypeError("boom")`);
    assert.equal(failed.status, "error");
    assert.equal(failed.error?.ename, "TypeError");
  });

  await t.step("restart clears state", async () => {
    await kernel.restart();
    const result = await kernel.execute(`typeof (globalThis as any).sharedCounter`);
    assert.equal(result.text().trim(), `"undefined"`);
  });
});

kernelTest("harness: server env reaches the kernel; kernel cwd is the notebook root", async () => {
  const root = await Deno.makeTempDir({ prefix: "hfna-root-" });
  try {
    // a foreign HOME must not break the kernel (the harness pins DENO_DIR to the current cache)
    await using server = await startJupyter({
      cwd: root,
      env: { HFNA_HARNESS_PROBE: "probe-1", HOME: root },
    });
    await using kernel = await server.startKernel();
    const result = await kernel.execute(
      `console.log(Deno.env.get("HFNA_HARNESS_PROBE")); console.log(Deno.cwd());
console.log(Deno.env.get("HOME"));`,
    );
    const real = await Deno.realPath(root);
    assert.equal(result.text(), `probe-1\n${real}\n${root}\n`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

const READ_LINE_SCRIPT = `
const enc = new TextEncoder();
await Deno.stdout.write(enc.encode("Name: "));
const buf = new Uint8Array(1024);
const n = await Deno.stdin.read(buf);
const line = new TextDecoder().decode(buf.subarray(0, n ?? 0)).trim();
console.log("got " + line.length + " chars");
`;

async function withScript(fn: (script: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "hfna-pty-script-" });
  try {
    const script = `${dir}/read_line.ts`;
    await Deno.writeTextFile(script, READ_LINE_SCRIPT);
    await fn(script);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

ptyTest("pty: typed text is echoed, Enter ends the line, terminal modes stay sane", async () => {
  await withScript(async (script) => {
    await using term = await startPty([Deno.execPath(), "run", "--quiet", script]);
    await term.waitFor("Name: ");
    await term.type("hello");
    await term.waitFor("Name: hello");
    await term.press("Enter");
    await term.waitFor("got 5 chars");
    assert.equal(await term.exitCode(), 0);
    const stty = await term.sttyState();
    assert.equal(stty.echo, true, stty.raw);
    assert.equal(stty.icanon, true, stty.raw);
  });
});

ptyTest("pty: Ctrl-C ends the command with a non-zero status", async () => {
  await withScript(async (script) => {
    await using term = await startPty([Deno.execPath(), "run", "--quiet", script]);
    await term.waitFor("Name: ");
    await term.type("abc");
    await term.waitFor("Name: abc");
    await term.press("C-c");
    const code = await term.exitCode();
    assert.notEqual(code, 0);
    assert.equal(code, 130);
    assert.ok(!(await term.screen()).includes("got "));
  });
});
