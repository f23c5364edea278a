// Every public export is documented, and every exported value (function, class, constant)
// has an @example — which `deno test --doc` type-checks and runs.
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
// Every entry point deno.json publishes: the main module and each named subpath.
const EXPORTS: Record<string, string> = JSON.parse(
  await Deno.readTextFile(new URL("deno.json", ROOT)),
).exports;
const ENTRY_POINTS = Object.values(EXPORTS).map((path) => path.replace(/^\.\//, ""));

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

Deno.test("deno doc --lint on each entry point alone: each names every type it exposes", async () => {
  assert.ok(ENTRY_POINTS.length >= 9, ENTRY_POINTS.join(", "));
  for (const entry of ENTRY_POINTS) {
    const r = await deno(["doc", "--lint", entry]);
    assert.equal(r.code, 0, `${entry}:\n${r.stdout}${r.stderr}`);
  }
});

Deno.test("the main entry point is small: at most 32 runtime exports", async () => {
  const r = await deno(["doc", "--json", "mod.ts"]);
  assert.equal(r.code, 0, r.stderr);
  type Node = { name: string; declarations?: { kind: string }[] };
  const json = JSON.parse(r.stdout) as { nodes: Record<string, { symbols?: Node[] } | Node[]> };
  const runtime = Object.values(json.nodes)
    .flatMap((entry) => Array.isArray(entry) ? entry : entry.symbols ?? [])
    .filter((node) => {
      const kind = node.declarations?.[0]?.kind;
      return kind && !["interface", "typeAlias", "import", "moduleDoc", "reference"].includes(kind);
    })
    .map((node) => node.name);
  assert.ok(runtime.includes("getToken") && runtime.includes("probe"), runtime.join(", "));
  assert.ok(
    runtime.length <= 32,
    `${runtime.length} runtime exports: ${runtime.sort().join(", ")}`,
  );
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
      // "reference": the same symbol exported by a second entry point; checked where declared.
      if (!kind || ["interface", "typeAlias", "import", "moduleDoc", "reference"].includes(kind)) {
        continue;
      }
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

Deno.test("every entry point has a module doc with an @example (run by deno test --doc)", async () => {
  for (const entry of ENTRY_POINTS) {
    const r = await deno(["doc", "--json", entry]);
    assert.equal(r.code, 0, r.stderr);
    type ModuleDoc = { doc?: string; tags?: { kind: string }[] };
    const nodes = Object.values(
      (JSON.parse(r.stdout) as { nodes: Record<string, { module_doc?: ModuleDoc }> }).nodes,
    );
    const doc = nodes[0]?.module_doc;
    assert.ok(doc?.doc, `${entry} has no module doc`);
    assert.ok(doc.tags?.some((t) => t.kind === "example"), `${entry}: module doc without @example`);
  }
});
