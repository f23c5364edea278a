/**
 * The quickstart notebook in the real classic Notebook UI (Jupyter Notebook 6 + Chromium), run
 * cell by cell the way a reader does (click the cell, Shift-Enter):
 *
 * - the browser login: `await login()` shows a live link, the code and a QR code; the test opens
 *   the link in a second page (the sandbox Hub's verification page), checks the code there and
 *   clicks Authorize, and the first page's output turns into the validation card;
 * - the alternative, the token prompt, is a password box (`type=password`) in the cell's output
 *   area; the test types a sandbox token into it and presses Enter;
 * - the validation card, the probe table and the sources table render as HTML with the expected
 *   rows (account, every capability of the default suite, the missing-permission text);
 * - the page (text, HTML, the notebook model that would be saved) never shows the typed token;
 * - a hostile display name from the network (`<img src=x onerror=alert(1)>`, the sandbox's `xss`
 *   persona) and hostile probe reasons render as text: no dialog, no `window.__hfnaXss`, no image
 *   request;
 * - screenshots of the prompt, card and tables in light and dark (JupyterLab `--jp-*` variables
 *   set to a dark palette) land in `artifacts/browser/`, and dark text keeps a 4.5:1 contrast.
 *
 * The notebook runs from a temporary copy (the Notebook UI autosaves outputs into the file it
 * opened); `mod.ts`, `src/` and `deno.json` are symlinked so its `../mod.ts` import resolves. The
 * notebook starts its own sandbox Hub inside the kernel (HF_ENDPOINT is unset, as for a reader).
 */
import { SANDBOX_SECRET_PATTERNS, spoolOutput } from "../_leak_scanner.ts";
import assert from "node:assert/strict";
import type { Locator, Page } from "../_deps/playwright_core.ts";
import { DEFAULT_SUITE } from "../../src/probes/mod.ts";
import { PERSONAS } from "../../src/sandbox/mod.ts";
import { startJupyter } from "../_jupyter.ts";
import { isolatedKernelEnv } from "../_notebook_runner.ts";
import {
  ARTIFACTS,
  browserTest,
  DARK_THEME_CSS,
  ensureDir,
  launchBrowser,
  lowContrast,
  REPO_ROOT,
  sampleTextColors,
  UNCLIP_NOTEBOOK_CSS,
} from "./_browser.ts";

/** An element as seen from page-side callbacks (Deno has no DOM types). */
type Attributed = { getAttribute(name: string): string };

const OUT = `${ARTIFACTS}/browser`;
const NOTEBOOK = "01_quickstart.ipynb";
const TYPED = PERSONAS.fineGrainedNoInference.token;
const ALL_TOKENS = Object.values(PERSONAS).map((p) => p.token);
const CELL_TIMEOUT = 120_000;

// Page-side callbacks run in Chromium; Deno's types know neither the DOM nor Notebook's globals.
// deno-lint-ignore no-explicit-any
declare const document: any, Jupyter: any, window: any;

/** A temporary notebook root: a copy of the notebook, the package symlinked next to it. */
async function workspace(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "hfna-notebook-ui-" });
  for (const name of ["mod.ts", "src", "deno.json", "deno.lock"]) {
    try {
      await Deno.stat(`${REPO_ROOT}/${name}`);
    } catch {
      continue;
    }
    await Deno.symlink(`${REPO_ROOT}/${name}`, `${root}/${name}`);
  }
  await Deno.mkdir(`${root}/notebooks`);
  await Deno.copyFile(`${REPO_ROOT}/notebooks/${NOTEBOOK}`, `${root}/notebooks/${NOTEBOOK}`);
  await Deno.mkdir(`${root}/home`);
  return root;
}

function cellAt(page: Page, index: number): Locator {
  return page.locator("#notebook-container > .cell").nth(index);
}

/** Clicks into the cell and presses Shift-Enter, as a reader does. */
async function startCell(page: Page, index: number): Promise<Locator> {
  const cell = cellAt(page, index);
  await cell.scrollIntoViewIfNeeded();
  await cell.locator(".input_area").click();
  await page.keyboard.press("Shift+Enter");
  return cell;
}

/** Waits until the cell shows `In [n]:` (finished) and the kernel indicator is idle. */
async function waitForCell(page: Page, index: number): Promise<void> {
  await page.waitForFunction(
    (i: number) => {
      const cell = Jupyter.notebook.get_cell(i);
      return typeof cell.input_prompt_number === "number" &&
        document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null;
    },
    index,
    { timeout: CELL_TIMEOUT, polling: 100 },
  );
}

async function runCell(page: Page, index: number): Promise<Locator> {
  const cell = await startCell(page, index);
  await waitForCell(page, index);
  return cell;
}

/** Appends a code cell with `code` through Notebook's JS API; returns its index. */
async function appendCell(page: Page, code: string): Promise<number> {
  return await page.evaluate((text: string) => {
    const nb = Jupyter.notebook;
    const last = nb.ncells() - 1;
    const cell = nb.insert_cell_below("code", last);
    cell.set_text(text);
    return nb.find_cell_index(cell);
  }, code);
}

/** Every place the page could show a token: visible text, markup, the model it would save. */
async function pageSurfaces(page: Page): Promise<string> {
  return await page.evaluate(() =>
    [
      document.body.innerText,
      document.documentElement.outerHTML,
      JSON.stringify(Jupyter.notebook.toJSON()),
    ].join("\n")
  );
}

async function assertNoTokenShown(page: Page, when: string): Promise<void> {
  const surfaces = await pageSurfaces(page);
  await spoolOutput(`browser/${when}`, surfaces);
  for (const token of ALL_TOKENS) {
    assert.ok(!surfaces.includes(token), `${when}: the page shows a full token`);
  }
  for (const pattern of SANDBOX_SECRET_PATTERNS) {
    assert.ok(!pattern.test(surfaces), `${when}: the page shows an OAuth token`);
  }
}

browserTest(
  "notebook UI: password box, card and tables render, no token or script leaks",
  async (t) => {
    await ensureDir(OUT);
    const root = await workspace();
    try {
      await using server = await startJupyter({
        cwd: root,
        env: {
          ...isolatedKernelEnv(`${root}/home`),
          // read by the hostile cells, so no token is ever typed into a cell's code
          HFNA_XSS_TOKEN: PERSONAS.xss.token,
        },
      });
      await using browser = await launchBrowser({ width: 1280, height: 1000 });
      const { page, context } = browser;
      const dialogs: string[] = [];
      const requests: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(`${d.type()}: ${d.message()}`);
        d.dismiss().catch(() => {});
      });
      context.on("request", (r) => requests.push(r.url()));

      await page.goto(
        `${server.url}notebooks/notebooks/${NOTEBOOK}?token=${server.token}`,
        { waitUntil: "load" },
      );
      await page.waitForFunction(
        () =>
          window.Jupyter?.notebook?._fully_loaded === true &&
          window.Jupyter.notebook.kernel?.is_connected() === true &&
          document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null,
        undefined,
        { timeout: CELL_TIMEOUT, polling: 200 },
      );
      // never write outputs into the notebook file (it is a temporary copy anyway)
      await page.evaluate(() => Jupyter.notebook.set_autosave_interval(0));

      const cells: { type: string; text: string }[] = await page.evaluate(() =>
        Jupyter.notebook.get_cells().map((c: { cell_type: string; get_text(): string }) => ({
          type: c.cell_type,
          text: c.get_text(),
        }))
      );
      const find = (re: RegExp) => {
        const i = cells.findIndex((c) => c.type === "code" && re.test(c.text));
        assert.ok(i >= 0, `no code cell matches ${re}`);
        return i;
      };
      const tokenCell = find(/await getToken\(/);
      const loginCell = find(/^\s*await login\(\)\s*$/m);
      const probeCell = find(/^\s*await probe\(\)\s*$/m);
      const sourcesCell = find(/^\s*await sources\(\)\s*$/m);

      assert.ok(loginCell < tokenCell, "the browser login comes first");
      await t.step("cells before the login run (the notebook starts its sandbox)", async () => {
        for (let i = 0; i < loginCell; i++) {
          if (cells[i].type !== "code") continue;
          const cell = await runCell(page, i);
          assert.equal(await cell.locator(".output_error").count(), 0, `cell ${i} raised`);
        }
        const setup = await cellAt(page, find(/startSandbox/)).locator(".output_area").innerText();
        assert.match(setup, /Started the sandbox Hub in this kernel/);
      });

      await t.step(
        "browser login: link and code, authorized in a second page, the output becomes the card",
        async () => {
          const cell = await startCell(page, loginCell);
          const link = cell.locator('.output_html a[href*="/oauth/device?user_code="]');
          await link.waitFor({ timeout: CELL_TIMEOUT });
          const href = (await link.getAttribute("href"))!;
          assert.match(href, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/device\?user_code=/);
          const code = (await cell.locator('[data-hfna="user-code"]').innerText()).trim();
          assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
          assert.equal(new URL(href).searchParams.get("user_code"), code);
          assert.equal(await cell.locator(".output_html svg[aria-label^='QR code']").count(), 1);
          assert.match(
            await cell.locator(".output_html").innerText(),
            /Waiting for approval… \d+:\d\d left/,
          );
          await cell.locator(".output_html .hfna-login").screenshot({
            path: `${OUT}/browser-login.png`,
          });
          await assertNoTokenShown(page, "while the browser login waits");

          // A person opens the link (target=_blank) and approves on the Hub's page.
          const second = await context.newPage();
          try {
            await second.goto(href, { waitUntil: "load" });
            assert.match(await second.locator("body").innerText(), new RegExp(code));
            await second.screenshot({ path: `${OUT}/sandbox-verification-page.png` });
            await second.locator("#authorize").click();
            await second.locator('#result[data-result="authorized"]').waitFor({
              timeout: CELL_TIMEOUT,
            });
          } finally {
            await second.close();
          }

          const card = cell.locator(".output_html .hfna", { hasText: "sandbox-alice" }).first();
          await card.waitFor({ timeout: CELL_TIMEOUT });
          await waitForCell(page, loginCell);
          const text = await card.innerText();
          assert.match(text, /valid/);
          assert.match(text, /oauth-sandbox-alice/);
          assert.equal(await cell.locator(".output_html a[href*='/oauth/device']").count(), 0);
          assert.equal(
            await cell.locator(".output_html .hfna", { hasText: "sandbox-alice" }).count(),
            1,
          );
          assert.equal(await cell.locator(".output_error").count(), 0);
          await assertNoTokenShown(page, "after the browser login");
        },
      );

      await t.step("the token prompt is a password box; typing and Enter answer it", async () => {
        const cell = await startCell(page, tokenCell);
        const input = cell.locator(".output_area input.raw_input");
        await input.waitFor({ state: "visible", timeout: CELL_TIMEOUT });
        assert.equal(await input.getAttribute("type"), "password");
        assert.equal(await input.evaluate((el: { type: string }) => el.type), "password");
        const label = await cell.locator(".output_area .raw_input_container").innerText();
        assert.match(label, /Hugging Face token/);
        await input.click();
        await input.pressSequentially(TYPED);
        assert.equal(await input.inputValue(), TYPED);
        await assertNoTokenShown(page, "while typing");
        await cell.locator(".output_area").screenshot({ path: `${OUT}/password-box.png` });
        await input.press("Enter");
        await waitForCell(page, tokenCell);
        await cell.locator(".output_area", { hasText: /Got a token \(\d+ characters\)/ })
          .waitFor({ timeout: CELL_TIMEOUT });
        assert.equal(await cell.locator("input.raw_input").count(), 0, "the box is gone");
        await assertNoTokenShown(page, "after answering the prompt");
      });

      await t.step("login({ method: 'token' }) renders the card of the typed token", async () => {
        const index = await appendCell(page, `await login({ method: "token" })`);
        const cell = await runCell(page, index);
        const card = cell.locator(".output_html .hfna").first();
        await card.waitFor({ timeout: CELL_TIMEOUT });
        const text = await card.innerText();
        assert.match(text, /Hugging Face token/);
        assert.match(text, /valid/);
        assert.match(text, /sandbox-alice/);
        assert.match(text, /hf_sa…ice/);
        assert.match(text, /from prompt/);
        assert.match(text, /Make calls to Inference Providers/);
        assert.equal(await cell.locator(".output_html table.hfna-table").count(), 1);
        await assertNoTokenShown(page, "after login()");
      });

      await t.step("probe() renders one finished table with every capability", async () => {
        const cell = await runCell(page, probeCell);
        const done = cell.locator(".output_html .hfna-probes", { hasText: /of \d+ work/ });
        await done.first().waitFor({ timeout: CELL_TIMEOUT });
        // the live copy is blanked once the finished table is the cell's value
        await page.waitForFunction(
          (i: number) =>
            Jupyter.notebook.get_cell(i).element[0].querySelectorAll(".hfna-probes").length === 1,
          probeCell,
          { timeout: CELL_TIMEOUT, polling: 100 },
        );
        const table = cell.locator(".output_html .hfna-probes");
        const ids = await table.locator("details[data-probe-id]").evaluateAll((rows) =>
          rows.map((r) => (r as unknown as Attributed).getAttribute("data-probe-id"))
        );
        assert.deepEqual(ids, DEFAULT_SUITE.map((p) => p.id));
        const text = await table.innerText();
        for (const probe of DEFAULT_SUITE) assert.ok(text.includes(probe.capability), probe.id);
        assert.match(text, /Make calls to Inference Providers/);
        assert.doesNotMatch(text, /\brunning\b/);
        assert.equal(await table.locator(".hfna-row-pending").count(), 0);
        // at a glance: the fix is said once, and the rows' details start closed
        assert.equal(text.match(/tick "Make calls to Inference Providers"/g)?.length, 1, text);
        assert.equal(await table.locator("details[open]").count(), 0);
        await assertNoTokenShown(page, "after probe()");
      });

      await t.step("sources() renders the sources table with the prompt in use", async () => {
        const cell = await runCell(page, sourcesCell);
        const table = cell.locator(".output_html .hfna", { hasText: "Token sources" });
        await table.waitFor({ timeout: CELL_TIMEOUT });
        const row = table.locator("tr", { hasText: "in use" });
        assert.equal(await row.count(), 1);
        assert.match(await row.innerText(), /prompt/);
        // the places holding nothing are folded into one closed <details> line
        const visibleRows = await table.locator("tr:visible").count();
        assert.ok(visibleRows <= 8, `${visibleRows} visible rows in the quickstart sources table`);
        assert.match(await table.innerText(), /\d+ other places checked, nothing there/);
        await assertNoTokenShown(page, "after sources()");
      });

      let xssCell = -1;
      let hostileProbeCell = -1;
      await t.step("hostile strings from the network render as text, run nothing", async () => {
        xssCell = await appendCell(
          page,
          `const { whoami } = await import("../mod.ts");\n` +
            `await whoami({ token: Deno.env.get("HFNA_XSS_TOKEN") })`,
        );
        const cell = await runCell(page, xssCell);
        const card = cell.locator(".output_html .hfna");
        await card.waitFor({ timeout: CELL_TIMEOUT });
        assert.ok(
          (await card.innerText()).includes("<img src=x onerror=alert(1)>"),
          "the display name shows literally",
        );
        hostileProbeCell = await appendCell(
          page,
          `await probe({ token: Deno.env.get("HFNA_XSS_TOKEN"), suite: [], probes: [
  async function hostile() {
    return {
      ok: false,
      status: 418,
      target: "<svg onload=window.__hfnaXss=4>",
      reason: '<img src=x onerror="window.__hfnaXss=1"><script>window.__hfnaXss=2</script>',
      fix: "<b onmouseover=window.__hfnaXss=3>hover</b>",
    };
  },
] })`,
        );
        const probeOut = await runCell(page, hostileProbeCell);
        const table = probeOut.locator(".output_html .hfna-probes", { hasText: /of 1 work/ });
        await table.waitFor({ timeout: CELL_TIMEOUT });
        const text = await table.innerText();
        assert.ok(text.includes("<script>window.__hfnaXss=2</script>"));
        assert.ok(text.includes("<svg onload=window.__hfnaXss=4>"));
        await table.locator("details").evaluateAll((els) =>
          els.forEach((e) => (e as unknown as { open: boolean }).open = true)
        );
        await table.locator(".hfna-why").hover();
        const outputs = page.locator(".output_html");
        assert.equal(await outputs.locator("img, script, svg, iframe, object, embed").count(), 0);
        assert.equal(await page.evaluate(() => window.__hfnaXss), undefined);
        assert.deepEqual(dialogs, [], "no dialog opened");
        const images = requests.filter((u) => /\/x(\?|$)/.test(u));
        assert.deepEqual(images, [], "no image was requested");
        await assertNoTokenShown(page, "after the hostile cells");
      });

      await t.step("screenshots (light and dark) and dark contrast", async () => {
        const targets: [string, Locator][] = [
          ["card", cellAt(page, loginCell).locator(".output_html .hfna").first()],
          ["probe-table", cellAt(page, probeCell).locator(".output_html .hfna-probes")],
          ["sources-table", cellAt(page, sourcesCell).locator(".output_html .hfna").first()],
          ["xss-card", cellAt(page, xssCell).locator(".output_html .hfna").first()],
          ["hostile-probe", cellAt(page, hostileProbeCell).locator(".output_html .hfna-probes")],
        ];
        const shoot = async (theme: string) => {
          for (const [name, locator] of targets) {
            await locator.scrollIntoViewIfNeeded();
            await locator.screenshot({ path: `${OUT}/${name}-${theme}.png` });
          }
          await page.screenshot({ path: `${OUT}/notebook-${theme}.png`, fullPage: true });
        };
        await page.addStyleTag({ content: UNCLIP_NOTEBOOK_CSS });
        await shoot("light");
        const light = lowContrast(await page.$$eval(".output_html .hfna", sampleTextColors));
        assert.deepEqual(light, [], "light theme contrast");
        const overflow = await page.$$eval(
          ".output_html .hfna, .output_html table.hfna-table",
          (els) =>
            els.filter((e: { scrollWidth: number; clientWidth: number }) =>
              e.scrollWidth > e.clientWidth + 1
            ).length,
        );
        assert.equal(overflow, 0, "cards and tables fit the output area");

        const style = await page.addStyleTag({ content: DARK_THEME_CSS });
        await shoot("dark");
        const samples = await page.$$eval(".output_html .hfna", sampleTextColors);
        assert.ok(samples.some((s) => s.what.startsWith("td")), "table cells sampled");
        // outputs have no background of their own: the notebook's dark background shows
        assert.ok(samples.some((s) => s.bg === "rgb(17, 17, 17)"), "the dark page shows through");
        assert.deepEqual(lowContrast(samples), [], "dark theme contrast");
        await style.evaluate((el: { remove(): void }) => el.remove());
      });

      await assertNoTokenShown(page, "at the end");
    } finally {
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
  { jupyter: true },
);
