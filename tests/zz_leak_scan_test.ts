/**
 * The final leak scan (named to sort last, so a normal `deno test` run reaches
 * it after every other file):
 * 1. scans every output other tests spooled into `out/leak-spool/`
 *    (via `spoolOutput(label, value)` from `tests/_leak_scanner.ts`);
 * 2. renders every public object type of mod.ts in every state this file can
 *    make (JSON, Deno.inspect, toString, toHtml, Jupyter bundle) and scans it;
 * 3. fails on any unmasked persona token. Spooled files are deleted only after
 *    a clean scan, so a failure leaves them for inspection.
 */
import assert from "node:assert/strict";
import {
  clearToken,
  forgetToken,
  getToken,
  listStoredTokens,
  login,
  probe,
  type ResolveOptions,
  resolveToken,
  saveToken,
  secrets,
  setToken,
  sources,
  switchToken,
  whoami,
} from "../mod.ts";
import { normalizeToken } from "../src/sources/mod.ts";
import { sessionState } from "../src/resolve/mod.ts";
import { type PersonaName, PERSONAS, startSandbox } from "../src/sandbox/mod.ts";
import { LeakScanner, learnedSecrets, SECRETS_DIR, SPOOL_DIR } from "./_leak_scanner.ts";

const READ = PERSONAS.read.token;
const WRITE = PERSONAS.write.token;

async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

Deno.test("leak scan: every public object, in every state, shows tokens masked only", async () => {
  const scanner = new LeakScanner();
  const scan = (label: string, value: unknown) => scanner.scan(label, value);
  clearToken();
  await using hub = startSandbox({ quiet: true });
  const root = await Deno.makeTempDir({ prefix: "hfna-leak-" });
  const env = { HOME: `${root}/home`, HF_HOME: `${root}/hf` };
  const base: ResolveOptions = {
    env,
    cwd: root,
    mountedSecretDirs: [],
    kaggle: false,
    prompt: false,
    refresh: true,
  };
  try {
    // Resolutions: env, legacy alias, file with warnings, shadowing, setToken, explicit.
    scan("resolution/env", await resolveToken({ ...base, env: { ...env, HF_TOKEN: READ } }));
    scan("resolution/alias", await resolveToken({ ...base, env: { ...env, HF_API_KEY: READ } }));
    await Deno.mkdir(`${root}/hf`, { recursive: true });
    await Deno.writeTextFile(`${root}/hf/token`, `${WRITE}\n`, { mode: 0o644 });
    await Deno.chmod(`${root}/hf/token`, 0o644);
    scan("resolution/file+world-readable", await resolveToken(base));
    scan(
      "resolution/shadowed",
      await resolveToken({ ...base, env: { ...env, HF_TOKEN: READ } }),
    );
    scan("resolution/setToken", setToken(`Bearer ${PERSONAS.pro.token}`));
    scan("resolution/explicit", await resolveToken({ ...base, token: `"${READ}"` }));
    scan("getToken/cached-session", sessionState());

    // Sources table with several different tokens.
    await Deno.writeTextFile(`${root}/.env`, `HF_TOKEN=${PERSONAS.xss.token}\n`);
    scan("sources", await sources({ ...base, env: { ...env, HF_TOKEN: READ } }));

    // Validations for every persona, login(), offline.
    for (const name of Object.keys(PERSONAS) as PersonaName[]) {
      if (name === "slow") continue; // 1.5 s by design; covered by whoami_test
      scan(
        `validation/${name}`,
        await whoami({ token: PERSONAS[name].token, hubUrl: hub.url, env: {}, refresh: true }),
      );
    }
    scan(
      "validation/offline",
      await whoami({ token: READ, env: { HF_HUB_OFFLINE: "1" }, refresh: true }),
    );
    for (const fault of ["429", "500", "html-error", "truncated-json", "reset"]) {
      hub.clearFaults();
      hub.setFault({ fault, match: { path: "/api/whoami-v2" } });
      scan(
        `validation/fault-${fault}`,
        await whoami({ token: WRITE, hubUrl: hub.url, env: {}, refresh: true }),
      );
    }
    hub.clearFaults();
    scan(
      "login/persist",
      await login({ token: WRITE, hubUrl: hub.url, env, persist: true, name: "leak" }),
    );
    scan("login/revoked", await login({ token: PERSONAS.revoked.token, hubUrl: hub.url, env }));

    // Probe tables: working, missing permission, revoked, dry run.
    for (const name of ["read", "fineGrainedNoInference", "revoked"] as const) {
      scan(
        `probe/${name}`,
        await probe({
          token: PERSONAS[name].token,
          hubUrl: hub.url,
          inferenceUrl: hub.inferenceUrl,
          env: {},
          display: false,
          only: ["hub.whoami", "hub.private-repos", "inference.text-classification", "hub.write"],
        }),
      );
    }
    scan("probe/dry-run", await probe({ token: READ, dryRun: true, env: {}, display: false }));

    // Persistence results.
    scan("store/save", await saveToken(READ, { name: "a", env }));
    scan("store/list", await listStoredTokens({ env }));
    scan("store/switch", await switchToken("leak", { env }));
    scan("store/forget", await forgetToken({ name: "a", env }));

    // Every error class, thrown with a token-bearing input.
    scan("error/invalid-inner-space", await caught(() => normalizeToken(`${READ} x`, "env:X")));
    scan(
      "error/invalid-resolve",
      await caught(() =>
        resolveToken({
          ...base,
          tokenFile: false,
          dotenv: false,
          env: { ...env, HF_TOKEN: `${READ}\u200b` },
        })
      ),
    );
    scan(
      "error/invalid-too-long",
      await caught(() => getToken({ ...base, token: READ.repeat(60) })),
    );
    await Deno.remove(`${root}/hf`, { recursive: true });
    await Deno.remove(`${root}/.env`);
    scan("error/not-found", await caught(() => resolveToken(base)));
    scan(
      "error/secret-access-kaggle-echo",
      await caught(() =>
        secrets.get("HF_TOKEN", {
          env: { KAGGLE_USER_SECRETS_TOKEN: "kaggle-jwt", KAGGLE_URL_BASE: "http://k.test" },
          mountedSecretDirs: [],
          fetch: () => Promise.resolve(new Response(`${READ}\n`)), // secret as plain text
        })
      ),
    );
    scan(
      "error/secret-not-found",
      await caught(() => secrets.get("HF_TOKEN", { env: {}, mountedSecretDirs: [] })),
    );
    await Deno.mkdir(`${root}/hf`);
    await Deno.writeTextFile(
      `${root}/hf/stored_tokens`,
      `[a]\nhf_token = ${READ}\nhf_token ${WRITE}\n`,
    );
    scan("error/storage-malformed", await caught(() => listStoredTokens({ env })));
    await Deno.writeTextFile(`${root}/hf/stored_tokens`, `[a]\nhf_token = ${READ}\n\n`);
    scan("error/storage-unknown-name", await caught(() => switchToken(WRITE, { env })));
    scan(
      "error/storage-forget-token-as-name",
      await caught(() => forgetToken({ name: READ, env })),
    );
    scan(
      "error/name-is-token",
      await caught(() => saveToken("notebook", { name: WRITE, env })),
    );
    scan("session/after-everything", sessionState());
  } finally {
    clearToken();
    await Deno.remove(root, { recursive: true });
  }
  assert.ok(scanner.scanned >= 40, `scanned ${scanner.scanned} objects`);
  scanner.assertClean();
});

Deno.test("leak scan: every output spooled by other tests is free of unmasked tokens and raw controls", async () => {
  // Persona tokens, plus the OAuth tokens, device codes and id tokens other tests and every
  // sandbox of the run learned at run time.
  const scanner = new LeakScanner(await learnedSecrets());
  const files: string[] = [];
  try {
    for await (const entry of Deno.readDir(SPOOL_DIR)) {
      if (entry.isFile) files.push(`${SPOOL_DIR}${entry.name}`);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  // Every 8-character piece of every secret, in every view; raw ESC/C1/bidi in text views.
  for (const file of files) {
    scanner.scanSpooled(file.slice(SPOOL_DIR.length), await Deno.readTextFile(file));
  }
  console.log(`scanned ${files.length} spooled outputs in ${SPOOL_DIR}`);
  if (Deno.env.get("HFNA_FULL_SUITE") === "1") {
    // `deno task test` runs everything: the scan must have seen every kind of output a
    // person could see, or some part of the suite stopped feeding the spool.
    const names = files.map((f) => f.slice(SPOOL_DIR.length));
    for (const kind of ["kernel_", "cli_", "notebook_", "notebook-html_", "browser_"]) {
      assert.ok(
        names.some((n) => n.startsWith(kind)),
        `no spooled output of kind ${kind} (${names.length} files)`,
      );
    }
  }
  scanner.assertClean();
  for (const file of files) await Deno.remove(file);
  // the run's secrets were looked for: the next run learns its own
  await Deno.remove(SECRETS_DIR, { recursive: true }).catch(() => {});
});
