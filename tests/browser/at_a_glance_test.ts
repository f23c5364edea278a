/**
 * "At a glance", measured in real Chromium: the probe table of the seed-000 persona (a
 * fine-grained token without "Make calls to Inference Providers") at 800 px wide is at most
 * 750 px tall with its details closed and repeats no sentence of 40 characters or more; every
 * row's full reason, prediction and raw status is one click away in a native `<details>`; the
 * sources table of the quickstart state shows at most 8 rows with its details closed; and both
 * hold after JupyterLab's real `Sanitizer`, in light and dark.
 */
import assert from "node:assert/strict";
import { clearToken, probe, sources } from "../../mod.ts";
import { PERSONAS, startSandbox } from "../../src/sandbox/mod.ts";
import { sanitizeLikeJupyterLab } from "../_sanitize.ts";
import {
  ARTIFACTS,
  browserTest,
  darkThemeCss,
  ensureDir,
  launchBrowser,
  lightThemeCss,
  lowContrast,
  sampleTextColors,
} from "./_browser.ts";
import { repeatedSentences } from "../_repeats.ts";

const DIR = `${ARTIFACTS}/at_a_glance`;

// Page-side callbacks run in Chromium; Deno's types have no DOM.
// deno-lint-ignore no-explicit-any
type Element = any;
// deno-lint-ignore no-explicit-any
declare function getComputedStyle(el: Element): any;

function page(html: string, theme: "light" | "dark", width: number): string {
  const css = theme === "dark" ? darkThemeCss("body") : lightThemeCss("body");
  return `<!doctype html><html><head><meta charset="utf-8"><style>${css}
body{margin:0;padding:16px;font-family:system-ui,sans-serif}</style></head>` +
    `<body><div id="out" data-state="out" style="width:${width}px">${html}</div></body></html>`;
}

browserTest(
  "at a glance: compact probe and sources tables, in light, dark and sanitized",
  async (t) => {
    await ensureDir(DIR);
    clearToken();
    await using hub = startSandbox({ quiet: true });
    const net = { hubUrl: hub.url, inferenceUrl: hub.inferenceUrl, env: {}, refresh: true };
    const table = await probe({
      ...net,
      token: PERSONAS.fineGrainedNoInference.token,
      display: false,
    });
    const isolated = { mountedSecretDirs: [], dotenv: false as const, tokenFile: false };
    const quick = await sources({ ...isolated, env: { HF_TOKEN: PERSONAS.read.token } });
    clearToken();

    await using browser = await launchBrowser({ width: 900, height: 900 });
    const p = browser.page;
    const variants = [
      { id: "light", theme: "light" as const, sanitize: false },
      { id: "dark", theme: "dark" as const, sanitize: false },
      { id: "sanitized-light", theme: "light" as const, sanitize: true },
      { id: "sanitized-dark", theme: "dark" as const, sanitize: true },
    ];
    for (const v of variants) {
      const show = (html: string) => v.sanitize ? sanitizeLikeJupyterLab(html) : html;

      await t.step(`${v.id}: seed-000 probe table at 800 px`, async () => {
        await p.setContent(page(show(table.toHtml()), v.theme, 800));
        const root = p.locator("#out .hfna");
        const box = await root.boundingBox();
        assert.ok(box, "table rendered");
        await root.screenshot({ path: `${DIR}/probe-${v.id}.png` });
        assert.ok(box.height <= 750, `${v.id}: ${Math.round(box.height)} px tall (max 750)`);
        assert.ok(box.width <= 800.5, `${v.id}: ${box.width} px wide`);
        const text = await root.innerText();
        assert.deepEqual(repeatedSentences(text), [], `${v.id}: sentences said twice`);
        // the one thing to do is said once, and visibly
        assert.equal(text.match(/tick "Make calls to Inference Providers"/g)?.length, 1, text);
        assert.match(text, /^3 of 12 work · 5 blocked by one missing permission/m);
        assert.match(text, /2 not your token/);
        // rows are one line each (a long model id may take a second line)
        const rows: number[] = await p.$$eval(
          "#out details[data-probe-id] > summary, #out details > summary:has(.hfna-cap)",
          (els) => els.map((e) => e.getBoundingClientRect().height),
        );
        assert.equal(rows.length, 12, "12 rows");
        assert.ok(rows.every((h) => h <= 44), `row heights ${rows}`);
        const low = lowContrast(await p.$$eval("#out", sampleTextColors));
        assert.deepEqual(low, [], `${v.id}: low contrast`);
        await root.screenshot({ path: `${DIR}/probe-${v.id}.png` });

        // details: every row's full reason, prediction and raw status, one click away
        await p.$$eval("#out details", (els) => els.forEach((e) => e.open = true));
        const full = await root.innerText();
        for (const row of table.rows) {
          if (row.reason) assert.ok(full.includes(row.reason), `${row.id}: reason reachable`);
          if (row.prediction) {
            assert.ok(full.includes(row.prediction.reason), `${row.id}: prediction`);
          }
          if (row.status !== undefined) {
            assert.ok(full.includes(`HTTP ${row.status}`), row.id);
          }
        }
        await root.screenshot({ path: `${DIR}/probe-${v.id}-open.png` });
      });

      await t.step(`${v.id}: quickstart sources table`, async () => {
        await p.setContent(page(show(quick.toHtml()), v.theme, 800));
        const root = p.locator("#out .hfna");
        const visibleRows = await root.locator("tr:visible").count();
        assert.ok(visibleRows <= 8, `${v.id}: ${visibleRows} visible rows (max 8)`);
        const text = await root.innerText();
        assert.match(text, /in use/);
        assert.match(text, /\d+ other places checked, nothing there/);
        assert.equal(quick.toJSON().rows.length > visibleRows, true, "quiet rows folded");
        const low = lowContrast(await p.$$eval("#out", sampleTextColors));
        assert.deepEqual(low, [], `${v.id}: low contrast`);
        await root.screenshot({ path: `${DIR}/sources-${v.id}.png` });
        await p.$$eval("#out details", (els) => els.forEach((e) => e.open = true));
        const all = await root.innerText();
        for (const row of quick.toJSON().rows) assert.ok(all.includes(row.source), row.source);
      });
    }
  },
);
