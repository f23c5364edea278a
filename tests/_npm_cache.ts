/**
 * What a `DENO_DIR` holds from npm: used by tests/cold_start_test.ts (which packages a first run
 * fetched) and by `deno task bench` (how many, how large).
 *
 * @module
 */
import { ALL_TOKEN_NAMES } from "../src/sources/env_vars.ts";

/** `name@version` of every package in the npm cache of `denoDir` (none when it has no cache). */
export async function cachedNpmPackages(denoDir: string): Promise<Set<string>> {
  const registry = `${denoDir}/npm/registry.npmjs.org`;
  const found = new Set<string>();
  const addVersions = async (name: string) => {
    for await (const v of Deno.readDir(`${registry}/${name}`)) {
      if (v.isDirectory) found.add(`${name}@${v.name}`);
    }
  };
  try {
    for await (const entry of Deno.readDir(registry)) {
      if (!entry.isDirectory) continue;
      if (!entry.name.startsWith("@")) {
        await addVersions(entry.name);
        continue;
      }
      for await (const sub of Deno.readDir(`${registry}/${entry.name}`)) {
        if (sub.isDirectory) await addVersions(`${entry.name}/${sub.name}`);
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return found;
}

/** Bytes of all files under `dir` (symlinks not followed). */
export async function treeBytes(dir: string): Promise<number> {
  let bytes = 0;
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) bytes += await treeBytes(path);
    else if (entry.isFile) bytes += (await Deno.lstat(path)).size;
  }
  return bytes;
}

/**
 * Environment for a newcomer's first run: this one (network settings such as proxies and CA
 * files included) minus every variable that may hold a token, with `home` as HOME and HF_HOME's
 * parent and `denoDir` as DENO_DIR.
 */
export function newcomerEnv(home: string, denoDir: string): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of Object.keys(env)) {
    if (ALL_TOKEN_NAMES.includes(name) || /^(HF_|HUGGING)/.test(name)) delete env[name];
  }
  return { ...env, HOME: home, HF_HOME: `${home}/hf`, DENO_DIR: denoDir, NO_COLOR: "1" };
}
