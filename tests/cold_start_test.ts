/**
 * A newcomer's first run downloads only what the job needs (issue 15).
 *
 * Deno downloads every package of a lockfile on its first npm use, so the root `deno.lock` must
 * hold only the module's runtime closure (the Hugging Face clients, anything else the module
 * loads lazily, and their dependencies); test-only packages live in `tests/_deps/` and are pinned
 * in `tests/deno.lock` (see tests/_deps/README.md). The expected set is computed from the
 * lockfile's own graph, never hard-coded: its roots are the `npm:` packages that `mod.ts`, `src/`
 * and `deno.json` `imports` name.
 *
 * The last two tests really run `deno task demo --script` and `deno task hf whoami` (against the
 * sandbox) with an empty `DENO_DIR`, so they download from the npm registry, and compare the
 * packages that landed in `$DENO_DIR/npm/registry.npmjs.org/` with that set.
 */
import assert from "node:assert/strict";
import { PERSONAS, startSandbox } from "../src/sandbox/mod.ts";
import { cachedNpmPackages, newcomerEnv } from "./_npm_cache.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const ROOT_LOCK = `${ROOT}/deno.lock`;
const TESTS_LOCK = `${ROOT}/tests/deno.lock`;
const DEPS_DIR = `${ROOT}/tests/_deps`;
/** Packages a newcomer must never wait for (the test and tooling ones seen in issue 15). */
const NEVER = [
  /^playwright(-core)?$/,
  /^@jupyterlab\//,
  /^@jupyter\//,
  /^@lumino\//,
  /^react(-dom|-is)?$/,
  /^yjs$/,
  /^ajv$/,
];
/**
 * An npm specifier (npm:name@range, optionally with a subpath: npm:name@1.2.3/decode.js) inside
 * a string literal; groups: the name, the range (without the subpath).
 */
const NPM_SPECIFIER = /["'`]npm:((?:@[\w.-]+\/)?[\w.-]+)@([^"'`\s/]*)(?:\/[^"'`\s]*)?["'`]/g;

interface LockPackage {
  integrity?: string;
  dependencies?: string[];
  optionalDependencies?: string[];
  os?: string[];
  cpu?: string[];
}
interface Lockfile {
  version: string;
  specifiers?: Record<string, string>;
  npm?: Record<string, LockPackage>;
  workspace?: { dependencies?: string[] };
}

async function readLock(path: string): Promise<Lockfile> {
  return JSON.parse(await Deno.readTextFile(path));
}

/** `@scope/name@1.2.3_peer@4.5.6` → `@scope/name`. */
function nameOf(key: string): string {
  return key.slice(0, key.indexOf("@", 1));
}

/** `@scope/name@1.2.3_peer@4.5.6` → `@scope/name@1.2.3` (the folder the global cache uses). */
function plain(key: string): string {
  return `${nameOf(key)}@${key.slice(nameOf(key).length + 1).split("_")[0]}`;
}

/** The snapshot key a `specifiers` entry resolves to: npm:a@^1.0.0 → `a@1.2.3_peer@…`. */
function resolvedKey(specifier: string, resolved: string): string {
  return `${nameOf(specifier.replace(/^npm:/, ""))}@${resolved}`;
}

/** The snapshot key of one entry of a package's `dependencies` (a name, `name@version`, or an alias). */
function dependencyKey(lock: Lockfile, dep: string): string {
  const npm = lock.npm ?? {};
  const target = dep.includes("@npm:") ? dep.slice(dep.indexOf("@npm:") + 5) : dep;
  if (npm[target]) return target;
  const byName = Object.keys(npm).filter((k) => nameOf(k) === target || k.startsWith(`${target}_`));
  assert.equal(byName.length, 1, `lockfile dependency "${dep}" matches ${byName.length} packages`);
  return byName[0];
}

/** Whether Deno installs an optional dependency on this machine (its `os`/`cpu` fields). */
function installsHere(pkg: LockPackage): boolean {
  const os = Deno.build.os === "windows" ? "win32" : Deno.build.os;
  const cpu = Deno.build.arch === "x86_64" ? "x64" : "arm64";
  return (!pkg.os || pkg.os.includes(os)) && (!pkg.cpu || pkg.cpu.includes(cpu));
}

/** Every snapshot key reachable from `roots` (dependencies and installable optional ones). */
function closure(lock: Lockfile, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...roots];
  while (todo.length) {
    const key = todo.pop()!;
    if (seen.has(key)) continue;
    const pkg = lock.npm?.[key];
    assert.ok(pkg, `the lockfile names ${key} but has no entry for it`);
    seen.add(key);
    for (const dep of pkg.dependencies ?? []) todo.push(dependencyKey(lock, dep));
    for (const dep of pkg.optionalDependencies ?? []) {
      const depKey = dependencyKey(lock, dep);
      if (installsHere(lock.npm![depKey])) todo.push(depKey);
    }
  }
  return seen;
}

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* tsFiles(path);
    else if (/\.(ts|tsx|js|mjs)$/.test(entry.name)) yield path;
  }
}

/** `npm:` package names in string literals of `files` → the files naming each. */
async function npmNames(files: AsyncIterable<string> | string[]): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>();
  for await (const file of files) {
    for (const m of (await Deno.readTextFile(file)).matchAll(NPM_SPECIFIER)) {
      names.set(m[1], [...(names.get(m[1]) ?? []), file.slice(ROOT.length + 1)]);
    }
  }
  return names;
}

/** The packages the module itself loads: named by mod.ts, src/ or deno.json `imports`. */
async function moduleNpmNames(): Promise<Set<string>> {
  const names = new Set((await npmNames(["mod.ts"].map((f) => `${ROOT}/${f}`))).keys());
  for (const name of (await npmNames(tsFiles(`${ROOT}/src`))).keys()) names.add(name);
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`));
  for (const value of Object.values<string>(config.imports ?? {})) {
    const m = `"${value}"`.matchAll(NPM_SPECIFIER).next().value;
    if (m) names.add(m[1]);
  }
  return names;
}

/** The root lockfile's specifiers, as snapshot keys, split by whether the module names them. */
async function lockRoots(): Promise<{ own: string[]; foreign: string[] }> {
  const lock = await readLock(ROOT_LOCK);
  const names = await moduleNpmNames();
  const own: string[] = [];
  const foreign: string[] = [];
  for (const [specifier, resolved] of Object.entries(lock.specifiers ?? {})) {
    if (!specifier.startsWith("npm:")) continue;
    const key = resolvedKey(specifier, resolved);
    (names.has(nameOf(key)) ? own : foreign).push(specifier);
  }
  return { own: own.map((s) => resolvedKey(s, lock.specifiers![s])), foreign };
}

/**
 * The runtime closure, as `name@version`: every package of the root lockfile reachable from the
 * specifiers of packages that mod.ts, src/ or deno.json `imports` name.
 */
async function runtimeClosure(): Promise<Set<string>> {
  const lock = await readLock(ROOT_LOCK);
  return new Set([...closure(lock, (await lockRoots()).own)].map(plain));
}

function assertNoneForbidden(packages: Iterable<string>, what: string): void {
  const bad = [...packages].filter((p) => NEVER.some((re) => re.test(nameOf(p))));
  assert.deepEqual(bad, [], `${what} includes test/tooling packages`);
}

Deno.test("deno.lock holds only the module's runtime closure, from the packages it names", async () => {
  const lock = await readLock(ROOT_LOCK);
  const { foreign } = await lockRoots();
  assert.deepEqual(
    foreign,
    [],
    `deno.lock pins packages that neither mod.ts, src/ nor deno.json "imports" names: test-only ` +
      `ones? Import them through tests/_deps/ (see tests/_deps/README.md) and restore deno.lock ` +
      `from git; it must hold only the runtime closure`,
  );
  const expected = await runtimeClosure();
  const names = new Set([...expected].map(nameOf));
  assert.ok(
    names.has("@huggingface/hub") && names.has("@huggingface/inference"),
    [...names].join(),
  );
  assertNoneForbidden(expected, "the runtime closure");
  // No orphans: what the lockfile holds beyond the closure would be downloaded too.
  assert.deepEqual(Object.keys(lock.npm ?? {}).map(plain).sort(), [...expected].sort());
  // Every package the module names is pinned (else a first run would change deno.lock).
  const pinned = new Set(Object.keys(lock.specifiers ?? {}).map((s) => nameOf(s.slice(4))));
  for (const name of await moduleNpmNames()) {
    assert.ok(
      pinned.has(name),
      `the module imports npm:${name}, which deno.lock does not pin: run ` +
        `\`deno cache npm:${name}@<range>\` and \`deno task check\` (for tests/deno.lock), commit both`,
    );
  }
});

Deno.test("test-only packages come from tests/_deps/, exact versions pinned in tests/deno.lock", async () => {
  const root = await readLock(ROOT_LOCK);
  const tests = await readLock(TESTS_LOCK);
  // tests/deno.lock agrees with deno.lock on every runtime package: the tests run what users run.
  for (const [specifier, resolved] of Object.entries(root.specifiers ?? {})) {
    assert.equal(
      tests.specifiers?.[specifier],
      resolved,
      `tests/deno.lock does not pin ${specifier} as deno.lock does (run deno task check)`,
    );
  }
  for (const [key, pkg] of Object.entries(root.npm ?? {})) {
    assert.equal(tests.npm?.[key]?.integrity, pkg.integrity, `tests/deno.lock: ${key}`);
  }
  // Each module in tests/_deps/ re-exports one package at an exact version, pinned there.
  const deps = await npmNames(tsFiles(DEPS_DIR));
  assert.ok(
    deps.has("playwright-core") && deps.has("@jupyterlab/services"),
    [...deps.keys()].join(),
  );
  for (const file of [...deps.values()].flat()) {
    const text = await Deno.readTextFile(`${ROOT}/${file}`);
    for (const m of text.matchAll(NPM_SPECIFIER)) {
      assert.match(m[2], /^\d+\.\d+\.\d+$/, `${file}: npm:${m[1]}@${m[2]} is not an exact version`);
      assert.ok(
        tests.specifiers?.[`npm:${m[1]}@${m[2]}`],
        `tests/deno.lock lacks npm:${m[1]}@${m[2]}`,
      );
      assert.ok(!(root.specifiers ?? {})[`npm:${m[1]}@${m[2]}`], `deno.lock pins npm:${m[1]}`);
    }
  }
  // Nothing else under tests/ names an npm package, and deno.json maps none of them.
  const elsewhere = [...(await npmNames(tsFiles(`${ROOT}/tests`))).entries()]
    .map(([name, files]) => [name, files.filter((f) => !f.startsWith("tests/_deps/"))] as const)
    .filter(([, files]) => files.length);
  assert.deepEqual(elsewhere, [], "npm: specifiers outside tests/_deps/");
  const own = await moduleNpmNames();
  for (const name of deps.keys()) assert.ok(!own.has(name), `${name} is named by the module`);
});

/** Runs `deno task …` from the repository with an empty DENO_DIR; returns what it fetched. */
async function coldTask(args: string[], extraEnv: Record<string, string> = {}) {
  const home = await Deno.makeTempDir({ prefix: "hfna-cold-home-" });
  const denoDir = await Deno.makeTempDir({ prefix: "hfna-cold-deno-dir-" });
  const lockBefore = await Deno.readTextFile(ROOT_LOCK);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", ...args],
      cwd: ROOT,
      env: { ...newcomerEnv(home, denoDir), ...extraEnv },
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `deno task ${args.join(" ")} failed:\n${stdout}\n${stderr}`);
    assert.equal(
      await Deno.readTextFile(ROOT_LOCK),
      lockBefore,
      `deno task ${args.join(" ")} changed deno.lock`,
    );
    return { stdout, fetched: await cachedNpmPackages(denoDir) };
  } finally {
    await Deno.remove(home, { recursive: true });
    await Deno.remove(denoDir, { recursive: true });
  }
}

Deno.test("cold `deno task demo --script` downloads exactly the runtime closure", async () => {
  const expected = await runtimeClosure();
  const { stdout, fetched } = await coldTask(["demo", "--script"]);
  assert.match(stdout, /Hugging Face token · VALID/);
  assert.match(stdout, /Token probes/);
  assertNoneForbidden(fetched, "the packages fetched by the demo");
  assert.deepEqual([...fetched].sort(), [...expected].sort());
});

Deno.test("cold `deno task hf whoami` (sandbox) downloads exactly the runtime closure", async () => {
  const expected = await runtimeClosure();
  await using hub = startSandbox({ quiet: true });
  const { stdout, fetched } = await coldTask(["hf", "whoami"], {
    ...hub.env,
    HF_TOKEN: PERSONAS.read.token,
  });
  assert.match(stdout, /Hugging Face token · VALID/);
  assert.match(stdout, /sandbox-alice/);
  assert.ok(
    hub.requests.some((r) => r.path.startsWith("/api/whoami")),
    "whoami reached the sandbox",
  );
  assertNoneForbidden(fetched, "the packages fetched by hf whoami");
  assert.deepEqual([...fetched].sort(), [...expected].sort());
});
