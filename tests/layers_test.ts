// Layers only point down. The module follows the data flow
//   token sources → resolution + session cache → hub validation → probes
// and a file may import only from its own layer or a lower one. The graph comes from
// `deno info --json` (Deno's own parser: static, dynamic string-literal and type-only
// imports, including `import("…").Type` in type positions), not from a regex.
import assert from "node:assert/strict";

/**
 * The rank table. A file may import a file of the same or a lower rank; "types anywhere"
 * folders may also import *types* (`import type`, `export type … from`) from any rank.
 *
 * - 0  `src/_*.ts`, `src/errors.ts`: helpers and error classes every layer may use.
 * - 0.5 `src/display/`: pure renderers. Data types from anywhere, logic only from rank 0
 *   (and each other), so the resolve, hub and probes layers can all render with them.
 * - 1  `src/sources/`: where a token can come from.
 * - 1  `src/store/`: the write side of the files the sources read (`token`, `stored_tokens`).
 *   It shares rank 1 with the sources: the token file source asks it where the file is
 *   (`store/paths.ts`), and it reads and checks tokens with the sources' strict reader and
 *   hygiene. It may not import the session cache or anything else above (it announces
 *   forgotten tokens through `src/_forgotten_tokens.ts` instead), and may import types
 *   from anywhere.
 * - 2  `src/resolve/`: the resolution, the session cache, the sources table, secrets.
 * - 3  `src/hub/`: whoami, login, the validation and its diagnosis.
 * - 4  `src/probes/`: the capability probes.
 * - 5  `src/scan/`: finding leaked tokens in files. It sits above the hub because `--check`
 *   asks whoami-v2 (and the resolution, for "the token this machine uses"), and renders with
 *   display and writes with the store's one atomic writer; nothing below imports it.
 * - 9  the top: `mod.ts`, the CLI (`src/cli.ts`, `src/cli/`), `src/demo.ts` and the
 *   subpath entry modules that gather several layers (`src/diagnose.ts`).
 *   `tests/` sits there too: `src/demo.ts` runs the example notebook with its harness.
 * - `src/sandbox/`: a stand-alone fake hub. It imports nothing outside `src/sandbox/` (it
 *   must answer like huggingface.co, not like this module expects) and only the top imports
 *   it (rank 9).
 */
const RANKS: { prefix: string; rank: number; typesAnywhere?: boolean; isolated?: boolean }[] = [
  { prefix: "src/_", rank: 0 },
  { prefix: "src/errors.ts", rank: 0 },
  { prefix: "src/display/", rank: 0.5, typesAnywhere: true },
  { prefix: "src/sources/", rank: 1 },
  { prefix: "src/store/", rank: 1, typesAnywhere: true },
  { prefix: "src/resolve/", rank: 2 },
  { prefix: "src/hub/", rank: 3 },
  { prefix: "src/probes/", rank: 4 },
  // Your own calls: explain() and the clients need the session (resolve) and the classifier (hub).
  { prefix: "src/calls/", rank: 5 },
  { prefix: "src/scan/", rank: 5 },
  { prefix: "src/sandbox/", rank: 9, isolated: true },
  { prefix: "src/cli/", rank: 9 },
  { prefix: "src/cli.ts", rank: 9 },
  { prefix: "src/demo.ts", rank: 9 },
  { prefix: "src/diagnose.ts", rank: 9 },
  { prefix: "mod.ts", rank: 9 },
  // `deno task demo` runs the example notebook with the test harness (a lazy import).
  { prefix: "tests/", rank: 9 },
];

function layerOf(path: string) {
  const layer = RANKS.find((r) => path.startsWith(r.prefix));
  if (!layer) throw new Error(`${path} is in no layer: add it to the rank table in this test`);
  return layer;
}

/** One import edge, paths relative to the repository root. */
interface Edge {
  from: string;
  to: string;
  /** Only types are imported (`import type`, `export type … from`, `import("…").T`). */
  typeOnly: boolean;
  dynamic: boolean;
}

/** The imports that break the rank table, as readable lines. */
function violations(edges: readonly Edge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    if (from === to && from.prefix.endsWith("/")) continue; // inside one folder
    const what = `${e.from} imports ${e.typeOnly ? "types from " : ""}${e.to}`;
    if (from.isolated) out.push(`${what}: the sandbox imports nothing outside src/sandbox/`);
    else if (to.rank > from.rank && !(e.typeOnly && from.typesAnywhere)) {
      out.push(`${what}: rank ${from.rank} may not import rank ${to.rank}`);
    }
  }
  return out;
}

type InfoModule = {
  specifier: string;
  dependencies?: {
    specifier: string;
    code?: { specifier: string };
    type?: { specifier: string };
    isDynamic?: boolean;
  }[];
};

async function denoInfo(root: string, cwd: string): Promise<InfoModule[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    // --no-lock: reading the graph must not write test-only packages into deno.lock.
    args: ["info", "--json", "--no-lock", root],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return (JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: InfoModule[] }).modules;
}

/** Every local import edge of the `.ts` files under `dir/src` (and `dir/mod.ts`, if any). */
async function importGraph(dir: string): Promise<{ files: string[]; edges: Edge[] }> {
  const base = new URL(`file://${dir.endsWith("/") ? dir : dir + "/"}`).href;
  const files: string[] = [];
  const walk = async (rel: string) => {
    for await (const entry of Deno.readDir(`${dir}/${rel}`)) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts")) files.push(path);
    }
  };
  await walk("src");
  if (await Deno.stat(`${dir}/mod.ts`).then(() => true, () => false)) files.push("mod.ts");
  files.sort();
  const edges = new Map<string, Edge>();
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file)) continue;
    for (const mod of await denoInfo(file, dir)) {
      if (!mod.specifier.startsWith(base)) continue;
      const from = mod.specifier.slice(base.length);
      seen.add(from);
      for (const dep of mod.dependencies ?? []) {
        for (const [target, typeOnly] of [[dep.code, false], [dep.type, true]] as const) {
          if (!target?.specifier.startsWith(base)) continue;
          const to = target.specifier.slice(base.length);
          const key = `${from} ${to}`;
          const old = edges.get(key);
          edges.set(key, {
            from,
            to,
            typeOnly: typeOnly && (old?.typeOnly ?? true),
            dynamic: dep.isDynamic ?? false,
          });
        }
      }
    }
  }
  return { files, edges: [...edges.values()] };
}

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("every import in src/ points down the layers (or sideways in one folder)", async () => {
  const { files, edges } = await importGraph(ROOT);
  assert.ok(files.length > 60, `only ${files.length} files seen`);
  assert.ok(edges.length > 150, `only ${edges.length} import edges seen`);
  // Known lower → higher edges that are allowed: display and store importing types.
  assert.ok(edges.some((e) => e.from.startsWith("src/display/") && e.typeOnly));
  assert.deepEqual(violations(edges), []);
});

Deno.test("the checker catches each import the layering removed", async () => {
  // The imports issue 14 listed, written as real files, parsed by the same `deno info`.
  const dir = await Deno.makeTempDir({ prefix: "hfna-layers-" });
  const files: Record<string, string> = {
    "src/resolve/resolution.ts":
      "export type TokenWarning = { code: string };\nexport type Platform = string;\n",
    "src/resolve/session_cache.ts": "export function sessionState() {\n  return {};\n}\n",
    "src/hub/diagnose_token.ts": "export function daysUntil() {\n  return 1;\n}\n",
    "src/hub/types.ts": "export type ValidationData = { ok: boolean };\n",
    "src/probes/summary.ts": "export const n = 1;\n",
    // sources → resolve: types, in both spellings.
    "src/sources/platform.ts":
      'import type { Platform } from "../resolve/resolution.ts";\nexport const p: Platform = "x";\n',
    "src/sources/types.ts":
      'export type Hit = { warnings?: import("../resolve/resolution.ts").TokenWarning[] };\n',
    // sources and store → the session cache.
    "src/sources/_read_secret_file.ts":
      'import { sessionState } from "../resolve/session_cache.ts";\nsessionState();\n',
    "src/sources/secret_sources.ts":
      'export async function f() {\n  return (await import("../resolve/session_cache.ts")).sessionState();\n}\n',
    "src/store/save_token.ts":
      'import { sessionState } from "../resolve/session_cache.ts";\nsessionState();\n',
    // display → hub logic (but types are fine).
    "src/display/validation_card.ts":
      'import { daysUntil } from "../hub/diagnose_token.ts";\nimport type { ValidationData } from "../hub/types.ts";\nexport const d = (v: ValidationData) => v.ok && daysUntil();\n',
    // A dynamic import counts like a static one; the sandbox stays stand-alone.
    "src/hub/whoami.ts": 'export const lazy = () => import("../probes/summary.ts");\n',
    "src/sandbox/mod.ts": 'import { n } from "../probes/summary.ts";\nexport { n };\n',
  };
  try {
    for (const [path, text] of Object.entries(files)) {
      await Deno.mkdir(`${dir}/${path.slice(0, path.lastIndexOf("/"))}`, { recursive: true });
      await Deno.writeTextFile(`${dir}/${path}`, text);
    }
    const { edges } = await importGraph(dir);
    assert.deepEqual(violations(edges).sort(), [
      "src/display/validation_card.ts imports src/hub/diagnose_token.ts: rank 0.5 may not import rank 3",
      "src/hub/whoami.ts imports src/probes/summary.ts: rank 3 may not import rank 4",
      "src/sandbox/mod.ts imports src/probes/summary.ts: the sandbox imports nothing outside src/sandbox/",
      "src/sources/_read_secret_file.ts imports src/resolve/session_cache.ts: rank 1 may not import rank 2",
      "src/sources/platform.ts imports types from src/resolve/resolution.ts: rank 1 may not import rank 2",
      "src/sources/secret_sources.ts imports src/resolve/session_cache.ts: rank 1 may not import rank 2",
      "src/sources/types.ts imports types from src/resolve/resolution.ts: rank 1 may not import rank 2",
      "src/store/save_token.ts imports src/resolve/session_cache.ts: rank 1 may not import rank 2",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the rank table covers every file (a new folder must be placed)", () => {
  assert.throws(
    () =>
      violations([{ from: "src/new/x.ts", to: "src/_env.ts", typeOnly: false, dynamic: false }]),
    /in no layer/,
  );
});
