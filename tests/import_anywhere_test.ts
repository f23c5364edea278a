// A notebook outside this repository imports mod.ts by path, with no deno.json of ours in
// sight: the lazily loaded Hugging Face clients must still resolve (pinned npm: fallback).
import assert from "node:assert/strict";
import { PERSONAS, startSandbox } from "../src/sandbox/mod.ts";

Deno.test("mod.ts works when imported from a directory without this project's import map", async () => {
  await using hub = startSandbox({ quiet: true });
  const dir = await Deno.makeTempDir({ prefix: "hfna-elsewhere-" });
  try {
    const script = `${dir}/notebook_cell.ts`;
    await Deno.writeTextFile(
      script,
      `import { probe, whoami } from "${new URL("../mod.ts", import.meta.url).href}";
const v = await whoami({ token: Deno.env.get("TOKEN") });
const t = await probe({ token: Deno.env.get("TOKEN"), only: ["inference.text-classification"], display: false });
console.log(v.verdict, t.get("inference.text-classification")?.verdict);`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-config", script],
      cwd: dir,
      env: { ...hub.env, TOKEN: PERSONAS.read.token, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.equal(stdout.trim(), "valid ok", stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
