// Every public export is documented, and every exported value (function, class, constant)
// has an @example — which `deno test --doc` type-checks and runs.
import assert from "node:assert/strict";

const ENTRY_POINTS = ["mod.ts", "src/sandbox/mod.ts", "src/cli.ts"];
const ROOT = new URL("../", import.meta.url);

async function deno(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test("deno doc --lint: every export has JSDoc and explicit types", async () => {
  const r = await deno(["doc", "--lint", ...ENTRY_POINTS]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

Deno.test("every exported function, class and constant has an @example", async () => {
  const r = await deno(["doc", "--json", ...ENTRY_POINTS]);
  assert.equal(r.code, 0, r.stderr);
  type Node = {
    name: string;
    declarations?: { kind: string; jsDoc?: { tags?: { kind: string }[] } }[];
  };
  const json = JSON.parse(r.stdout) as { nodes: Record<string, { symbols?: Node[] } | Node[]> };
  const missing: string[] = [];
  let checked = 0;
  for (const [url, entry] of Object.entries(json.nodes)) {
    const symbols = Array.isArray(entry) ? entry : entry.symbols ?? [];
    for (const node of symbols) {
      const decls = node.declarations ?? [];
      const kind = decls[0]?.kind;
      if (!kind || ["interface", "typeAlias", "import", "moduleDoc"].includes(kind)) continue;
      checked++;
      const tags = decls.flatMap((d) => d.jsDoc?.tags ?? []).map((t) => t.kind);
      if (!tags.includes("example")) {
        missing.push(`${kind} ${node.name} (${url.split("/main/")[1]})`);
      }
    }
  }
  assert.ok(checked > 80, `only ${checked} exports seen: did deno doc --json change shape?`);
  assert.deepEqual(missing, [], `exports without @example:\n${missing.join("\n")}`);
});
