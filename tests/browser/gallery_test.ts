/**
 * The display gallery in real Chromium: builds `artifacts/gallery/index.html` from the real code
 * (see `gallery.ts`), screenshots every state in every section into `artifacts/gallery/*.png`, and
 * checks what only a browser can tell: no horizontal overflow in a 600 px column, text contrast
 * ≥ 4.5:1 in light and dark, long model ids wrap, no fragment carries scripts, images or external
 * resources (the one link allowed is the login card's, to the Hub's device page, and the one
 * `<svg>` its QR code), and nothing tries to load anything or open a dialog.
 */
import assert from "node:assert/strict";
import {
  ARTIFACTS,
  browserTest,
  ensureDir,
  launchBrowser,
  lowContrast,
  sampleTextColors,
} from "./_browser.ts";
import { LONG_MODEL_ID, SECTIONS, writeGallery } from "./gallery.ts";

const DIR = `${ARTIFACTS}/gallery`;

// Page-side callbacks run in Chromium (playwright serialises them); Deno's types have no DOM.
// deno-lint-ignore no-explicit-any
type Element = any;
// deno-lint-ignore no-explicit-any
type HTMLElement = any;
// deno-lint-ignore no-explicit-any
declare function getComputedStyle(el: Element): any;

browserTest("gallery: every state renders legibly, wraps, and stays inert", async (t) => {
  const states = await writeGallery(await ensureDir(DIR));
  await using browser = await launchBrowser({ width: 1400, height: 1000 });
  const { page, context } = browser;

  const requests: string[] = [];
  const dialogs: string[] = [];
  context.on("request", (r) => requests.push(r.url()));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  const pageUrl = new URL(`file://${DIR}/index.html`).href;
  await page.goto(pageUrl, { waitUntil: "load" });

  await t.step(
    "every state is on the page once per section, with a heading and an id",
    async () => {
      const found: string[] = await page.$$eval(
        "article.gallery-state",
        (els) => els.map((e) => `${e.id}|${e.querySelector("h3")?.textContent ?? ""}`),
      );
      assert.equal(found.length, states.length * SECTIONS.length);
      for (const section of SECTIONS) {
        for (const s of states) {
          const entry = found.find((f) => f.startsWith(`${section.id}--${s.id}|`));
          assert.ok(entry, `missing ${section.id}--${s.id}`);
          assert.ok(entry.includes(s.title), `heading of ${section.id}--${s.id}`);
        }
      }
    },
  );

  await t.step("fragments carry no script, image, handler or external resource", async () => {
    const problems: string[] = await page.$$eval(".gallery-output", (outputs) => {
      const out: string[] = [];
      const banned = "script,img,iframe,frame,object,embed,link,video,audio,source,image,base," +
        "form,input,meta,picture,svg,canvas,template,use,foreignObject";
      // The one exception: the login card's QR code, an <svg> of one <rect> and one <path> with
      // plain presentation attributes only (checked below), directly in its tile.
      const qrAttrs: Record<string, string[]> = {
        svg: ["xmlns", "role", "aria-label", "viewbox", "width", "height", "shape-rendering"],
        rect: ["width", "height", "fill"],
        path: ["fill", "d"],
      };
      const isLoginQr = (el: Element) => {
        if (el.tagName.toLowerCase() !== "svg" || !el.closest(".hfna-login")) return false;
        const kids = Array.from<Element>(el.children).map((k) => k.tagName.toLowerCase());
        if (kids.join(",") !== "rect,path" || el.querySelectorAll("*").length !== 2) return false;
        return [el, ...Array.from<Element>(el.children)].every((e) =>
          Array.from<Element>(e.attributes).every((a) =>
            qrAttrs[e.tagName.toLowerCase()].includes(a.name.toLowerCase())
          )
        );
      };
      const inLoginQr = (el: Element) => {
        const svg = el.closest("svg");
        return svg !== null && svg !== el && isLoginQr(svg);
      };
      // …and the login card's link: an <a> to the Hub's device page (the gallery's Hub is
      // huggingface.co), opened in a new tab without an opener.
      const isLoginLink = (el: Element) =>
        el.tagName.toLowerCase() === "a" && el.closest(".hfna-login") !== null &&
        /^https:\/\/huggingface\.co\/oauth\/device(\?user_code=[A-Z0-9-]+)?$/.test(
          el.getAttribute("href") ?? "",
        ) && (el.getAttribute("rel") ?? "").split(/\s+/).some((r: string) =>
          r === "noopener" || r === "nofollow"
        );
      for (const o of outputs) {
        const where = o.closest("article")?.id ?? "?";
        for (const el of Array.from<Element>(o.querySelectorAll(banned))) {
          if (isLoginQr(el) || inLoginQr(el)) continue;
          out.push(`${where}: <${el.tagName.toLowerCase()}>`);
        }
        for (const el of Array.from<Element>(o.querySelectorAll("*"))) {
          for (const attr of Array.from<Element>(el.attributes)) {
            const n = attr.name.toLowerCase();
            if (n === "href" && isLoginLink(el)) continue;
            if (
              n.startsWith("on") ||
              ["src", "href", "xlink:href", "srcset", "action", "formaction"].includes(n)
            ) {
              out.push(`${where}: ${el.tagName.toLowerCase()}[${n}]`);
            }
            if (n === "style" && /url\(|expression\(/i.test(attr.value)) {
              out.push(`${where}: inline style with url()`);
            }
          }
        }
        for (const style of Array.from<Element>(o.querySelectorAll("style"))) {
          if (/url\(|@import|@font-face/i.test(style.textContent ?? "")) {
            out.push(`${where}: stylesheet loads a resource`);
          }
        }
      }
      return out;
    });
    assert.deepEqual(problems, []);
    // the exceptions are really there: the waiting card's link and QR code, in every section
    // but the sanitized ones (JupyterLab's sanitizer drops <svg>; the link stays)
    for (const section of SECTIONS) {
      const card = `#${section.id}--login-waiting .hfna-login`;
      assert.equal(await page.locator(`${card} a[href]`).count(), 1, `${section.id}: link`);
      assert.equal(
        await page.locator(`${card} svg`).count(),
        section.sanitized ? 0 : 1,
        `${section.id}: QR code`,
      );
      assert.equal(
        await page.locator(
          `#${section.id}--login-off-origin a, #${section.id}--login-off-origin svg`,
        )
          .count(),
        0,
        `${section.id}: no link or QR code off the Hub's origin`,
      );
    }
    assert.deepEqual(requests, [pageUrl], "the page loaded nothing but itself");
    assert.deepEqual(dialogs, [], "no dialog opened");
  });

  await t.step("hostile strings show as text", async () => {
    for (const section of SECTIONS) {
      const text = await page.innerText(`#${section.id}--validation-xss .gallery-output`);
      assert.ok(text.includes("<img src=x onerror=alert(1)>"), `${section.id}: shown literally`);
      const unexpected = await page.innerText(
        `#${section.id}--diagnosis-unknown .gallery-output`,
      );
      assert.ok(unexpected.includes("<b>"), `${section.id}: response body shown literally`);
    }
  });

  await t.step("no horizontal overflow in any column (600 px included)", async () => {
    const overflow: string[] = await page.$$eval(
      ".gallery-output, .gallery-output .hfna, .gallery-output table, .gallery-output pre",
      (els) =>
        els.flatMap((el) => {
          const e = el as HTMLElement;
          const article = e.closest("article");
          const column = article?.parentElement as HTMLElement;
          const issues: string[] = [];
          if (e.scrollWidth > e.clientWidth + 1) {
            issues.push(
              `${article?.id} ${e.tagName}.${e.className}: scrollWidth ${e.scrollWidth} > ${e.clientWidth}`,
            );
          }
          const right = e.getBoundingClientRect().right;
          const limit = column.getBoundingClientRect().right;
          if (right > limit + 1) {
            issues.push(
              `${article?.id} ${e.tagName}.${e.className}: right edge ${right} > column ${limit}`,
            );
          }
          return issues;
        }),
    );
    assert.deepEqual(overflow, []);
    const widths: number[] = await page.$$eval(
      "#narrow .hfna, #narrow-dark .hfna",
      (els) => els.map((e) => e.getBoundingClientRect().width),
    );
    assert.ok(widths.length > 0 && widths.every((w) => w <= 600.5), `narrow widths ${widths}`);
  });

  await t.step(
    "long model ids: one line inside their cell, cut with …, in full on hover and in details",
    async () => {
      for (const section of SECTIONS) {
        const cells = await page.$$eval(
          `#${section.id} .hfna-target`,
          (targets) =>
            targets.filter((t) => t.querySelector("code")).map((t) => {
              const box = t.getBoundingClientRect();
              const row = t.closest("summary")!.getBoundingClientRect();
              const s = getComputedStyle(t);
              const lineHeight = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.4;
              const details = t.closest("details");
              return {
                text: t.querySelector("code")!.textContent ?? "",
                title: t.getAttribute("title") ?? "",
                inside: box.left >= row.left - 0.5 && box.right <= row.right + 0.5,
                lines: Math.round(box.height / lineHeight),
                cut: t.scrollWidth > t.clientWidth + 1,
                ellipsis: s.textOverflow === "ellipsis" && s.overflow === "hidden",
                inDetails: (details?.querySelector(".hfna-row-more")?.textContent ?? "").includes(
                  t.querySelector("code")!.textContent ?? "",
                ),
                width: box.width,
              };
            }),
        );
        assert.ok(cells.length > 0, `${section.id}: model cells`);
        for (const cell of cells) {
          assert.ok(cell.inside, `${section.id}: ${cell.text} overflows its row`);
          assert.ok(cell.lines <= 1, `${section.id}: ${cell.text} takes ${cell.lines} lines`);
          assert.equal(cell.title, cell.text, `${section.id}: tooltip of ${cell.text}`);
          assert.ok(cell.inDetails, `${section.id}: ${cell.text} in full in the row's details`);
          if (cell.cut) assert.ok(cell.ellipsis, `${section.id}: ${cell.text} cut without …`);
        }
        const long = cells.find((c) => c.text === LONG_MODEL_ID);
        assert.ok(long, `${section.id}: long id present`);
        assert.ok(long.cut, `${section.id}: the long id is cut to one line`);
        if (section.width > 640) {
          // a wide table gives the model column about a third, not the whole row
          assert.ok(long.width < section.width * 0.4, `${section.id}: model column ${long.width}`);
        }
      }
    },
  );

  await t.step("text contrast is at least 4.5:1 in light and dark", async () => {
    const samples = await page.$$eval(".gallery-output", sampleTextColors);
    assert.ok(samples.length > 1000, `sampled ${samples.length} text runs`);
    const cells = samples.filter((s) => /^t[hd]/.test(s.what));
    assert.ok(cells.some((s) => s.section === "dark"), "dark table cells sampled");
    const low = lowContrast(samples);
    assert.deepEqual(low.slice(0, 40), [], `${low.length} low-contrast text runs`);
  });

  await t.step("sanitized sections: no stylesheet, same badges, colours and layout", async () => {
    const sanitized = SECTIONS.filter((s) => s.sanitized);
    assert.ok(
      sanitized.some((s) => s.theme === "light") && sanitized.some((s) => s.theme === "dark"),
    );
    for (const section of sanitized) {
      assert.equal(await page.locator(`#${section.id} .gallery-output style`).count(), 0);
      // badges keep their solid colour and white text
      const badges: { bg: string; fg: string }[] = await page.$$eval(
        `#${section.id} .hfna-badge`,
        (els) =>
          els.map((e) => ({
            bg: getComputedStyle(e).backgroundColor,
            fg: getComputedStyle(e).color,
          })),
      );
      assert.ok(badges.length > 50, `${section.id}: ${badges.length} badges`);
      for (const b of badges) {
        assert.notEqual(b.bg, "rgba(0, 0, 0, 0)", `${section.id}: badge lost its colour`);
        assert.equal(b.fg, "rgb(255, 255, 255)", `${section.id}: badge text`);
      }
      // every card keeps its accent border and padding
      const roots: string[] = await page.$$eval(
        `#${section.id} .gallery-output > .hfna`,
        (els) =>
          els.flatMap((e) => {
            const s = getComputedStyle(e);
            return s.borderLeftWidth === "4px" && s.paddingLeft === "14px" ? [] : [e.className];
          }),
      );
      assert.deepEqual(roots, [], `${section.id}: cards without accent or padding`);
    }
    // layout survives: each state is as tall sanitized as trusted (same column width)
    const heights = async (id: string) =>
      Object.fromEntries(
        await page.$$eval(
          `#${id} article.gallery-state`,
          (els) =>
            els.map((e) => [
              e.getAttribute("data-state"),
              e.querySelector(".gallery-output")!.getBoundingClientRect().height,
            ]),
        ),
      ) as Record<string, number>;
    const [trusted, untrusted] = [await heights("light"), await heights("sanitized")];
    const moved = Object.keys(trusted).filter((k) =>
      Math.abs(trusted[k] - untrusted[k]) > Math.max(12, trusted[k] * 0.08)
    ).map((k) => `${k}: ${trusted[k]} → ${untrusted[k]}`);
    assert.deepEqual(moved, [], "states whose height changed when sanitized");
  });

  await t.step("screenshot every state", async () => {
    const articles = await page.$$("article.gallery-state");
    for (const article of articles) {
      const id = await article.getAttribute("id");
      const output = await article.$(".gallery-output");
      await (output ?? article).screenshot({ path: `${DIR}/${id}.png` });
    }
    const pngs = [...Deno.readDirSync(DIR)].filter((e) => e.name.endsWith(".png"));
    assert.ok(pngs.length >= states.length * SECTIONS.length);
  });
});
