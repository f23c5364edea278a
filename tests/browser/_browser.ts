/**
 * Real-browser helpers: Debian's Chromium driven by npm `playwright-core` under Deno.
 *
 * - {@linkcode browserTest} registers a test with the repository's real-part policy (FAILS under
 *   `CI=true` when Chromium, or jupyter for notebook tests, is missing; ignored locally).
 * - {@linkcode launchBrowser} starts headless Chromium with a fresh profile. Playwright refuses a
 *   `--user-data-dir` argument in `launch()`, so this uses `launchPersistentContext(freshDir)`.
 * - {@linkcode DARK_THEME_CSS} is the dark palette used for dark screenshots (JupyterLab's `--jp-*`
 *   variables plus a dark page background, also applied to classic Notebook's containers).
 *
 * @module
 */
import { type BrowserContext, chromium, type Page } from "../_deps/playwright_core.ts";
import { jupyterAvailable, realPartTest } from "../_jupyter.ts";

/** Path of the Chromium binary (`CHROMIUM_PATH` overrides Debian's `/usr/bin/chromium`). */
export const CHROMIUM_PATH: string = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

/** Repository root (no trailing slash). */
export const REPO_ROOT: string = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** Where browser artifacts (screenshots, page dumps) go; git-ignored. */
export const ARTIFACTS: string = `${REPO_ROOT}/artifacts`;

/** Whether the Chromium binary exists. */
export function chromiumAvailable(): boolean {
  try {
    return Deno.statSync(CHROMIUM_PATH).isFile;
  } catch {
    return false;
  }
}

const CHROMIUM_HINT = "apt-get install chromium (or set CHROMIUM_PATH)";

/**
 * Registers a browser test: FAILS under `CI=true` when Chromium (and, with `jupyter: true`, the
 * Jupyter Notebook server) is missing, is ignored locally. Sanitizers are off: playwright keeps
 * a pipe to the browser and timers of its own that outlive single calls.
 */
export function browserTest(
  name: string,
  fn: (t: Deno.TestContext) => void | Promise<void>,
  options: { jupyter?: boolean } = {},
): void {
  const parts = [{ name: "chromium", ok: chromiumAvailable, hint: CHROMIUM_HINT }];
  if (options.jupyter) {
    parts.push({
      name: "jupyter notebook",
      ok: jupyterAvailable,
      hint: "apt-get install jupyter-notebook",
    });
  }
  realPartTest(
    {
      name: parts.map((p) => p.name).join(" + "),
      available: () => parts.every((p) => p.ok()),
      install: parts.filter((p) => !p.ok()).map((p) => p.hint).join("; ") || "nothing missing",
    },
    name,
    fn,
    { sanitizeOps: false, sanitizeResources: false },
  );
}

/** A running headless Chromium with one page. */
export interface BrowserSession extends AsyncDisposable {
  /** The persistent context (fresh profile directory). */
  readonly context: BrowserContext;
  /** The first page. */
  readonly page: Page;
  /** Closes the browser and removes its profile; idempotent. */
  close(): Promise<void>;
}

/** Options for {@linkcode launchBrowser}. */
export interface LaunchOptions {
  /** Viewport width in CSS px (default 1280). */
  width?: number;
  /** Viewport height in CSS px (default 900). */
  height?: number;
}

/** Starts headless Chromium with a fresh profile; use with `await using`. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserSession> {
  const profile = await Deno.makeTempDir({ prefix: "hfna-chromium-" });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  } catch (e) {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
    throw e;
  }
  const page = context.pages()[0] ?? await context.newPage();
  let closed: Promise<void> | undefined;
  const close = () =>
    closed ??= (async () => {
      await context.close().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    })();
  return { context, page, close, [Symbol.asyncDispose]: close };
}

/**
 * JupyterLab's dark theme palette (its `--jp-*` values, which the `.hfna` stylesheet reads) and a
 * dark page background. `scope` is the selector the variables are set on (`:root` for a page).
 */
export function darkThemeCss(scope = ":root"): string {
  return `${scope}{
  --jp-layout-color0:#111111;--jp-layout-color1:#212121;--jp-layout-color2:#424242;
  --jp-layout-color3:#616161;--jp-border-color0:#616161;--jp-border-color1:#616161;
  --jp-border-color2:#424242;--jp-ui-font-color0:rgba(255,255,255,1);
  --jp-ui-font-color1:rgba(255,255,255,0.87);--jp-ui-font-color2:rgba(255,255,255,0.54);
  --jp-ui-font-color3:rgba(255,255,255,0.38);--jp-content-font-color1:rgba(255,255,255,1);
  color-scheme:dark;background:#111111;color:#e6e6e6}`;
}

/** JupyterLab's light theme palette (translucent black text, as JupyterLab ships it). */
export function lightThemeCss(scope = ":root"): string {
  return `${scope}{
  --jp-layout-color0:#ffffff;--jp-layout-color1:#ffffff;--jp-layout-color2:#eeeeee;
  --jp-layout-color3:#bdbdbd;--jp-border-color0:#bdbdbd;--jp-border-color1:#bdbdbd;
  --jp-border-color2:#e0e0e0;--jp-ui-font-color0:rgba(0,0,0,1);
  --jp-ui-font-color1:rgba(0,0,0,0.87);--jp-ui-font-color2:rgba(0,0,0,0.54);
  --jp-ui-font-color3:rgba(0,0,0,0.38);--jp-content-font-color1:rgba(0,0,0,1);
  background:#ffffff;color:#1f2328}`;
}

/**
 * The dark override applied to a classic Notebook page for dark screenshots: JupyterLab's dark
 * `--jp-*` palette plus dark backgrounds and light text for Notebook's own containers.
 */
export const DARK_THEME_CSS: string = darkThemeCss(":root") +
  `body,#notebook,#notebook-container,.cell,div.output_area,div.output_subarea,.output_html,
  #header,#menubar-container,.text_cell_render,.rendered_html{background:#111111 !important;
  color:#e6e6e6 !important}
  div.input_area,.CodeMirror{background:#2b2b2b !important;color:#e6e6e6 !important}`;

/**
 * Classic Notebook scrolls inside `#site` and folds tall outputs (the probe table) into a 24em
 * `.output_scroll` box, so element screenshots of tall outputs come out clipped; this lets the
 * document itself scroll and unfolds outputs (screenshots only).
 */
export const UNCLIP_NOTEBOOK_CSS: string =
  `html,body{height:auto !important;overflow:visible !important;position:static !important}
  #site{height:auto !important;overflow:visible !important}
  div.output_scroll{height:auto !important;overflow:visible !important;box-shadow:none !important}`;

/** Parses a computed CSS colour: `rgb()`/`rgba()` or `color(srgb r g b / a)` → [r, g, b, a]. */
export function parseCssColor(css: string): [number, number, number, number] {
  const srgb = css.match(/color\(srgb\s+([^)]+)\)/);
  if (srgb) {
    const p = srgb[1].split(/[\s/]+/).filter(Boolean).map(Number);
    return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
  }
  const m = css.match(/rgba?\(([^)]+)\)/);
  if (!m) throw new Error(`unsupported colour: ${css}`);
  const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
}

/** WCAG contrast ratio of two opaque colours (computed CSS strings; alpha ignored). */
export function contrastRatio(fg: string, bg: string): number {
  const lum = (css: string) => {
    const [r, g, b] = parseCssColor(css).slice(0, 3).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}

/** One run of text with its colour composited over its effective background. */
export interface TextSample {
  /** `data-state` of the enclosing gallery article, or the id of the enclosing element. */
  state: string;
  /** `data-section` of the enclosing gallery article, if any. */
  section: string;
  /** `tag.class` of the text's element. */
  what: string;
  /** The first characters of the text. */
  text: string;
  /** Text colour as `rgb(…)`, alpha composited. */
  fg: string;
  /** Effective background as `rgb(…)` (translucent layers and tint gradients composited). */
  bg: string;
}

// Page-side code below runs in Chromium (playwright serialises it); Deno's types have no DOM.
// deno-lint-ignore no-explicit-any
type DomElement = any;
// deno-lint-ignore no-explicit-any
declare const document: any, NodeFilter: any;
// deno-lint-ignore no-explicit-any
declare function getComputedStyle(el: DomElement): any;

/**
 * Page-side: samples every visible text run under `roots` with its colour and effective
 * background. Pass it to `page.$$eval(selector, sampleTextColors)`; it must stay self-contained.
 */
export function sampleTextColors(roots: DomElement[]): TextSample[] {
  type Rgba = [number, number, number, number];
  const parse = (css: string): Rgba => {
    const srgb = css.match(/color\(srgb\s+([^)]+)\)/);
    if (srgb) {
      const p = srgb[1].split(/[\s/]+/).filter(Boolean).map(Number);
      return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
    }
    const m = css.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top: Rgba, under: Rgba): Rgba => {
    const a = top[3];
    return [
      top[0] * a + under[0] * (1 - a),
      top[1] * a + under[1] * (1 - a),
      top[2] * a + under[2] * (1 - a),
      1,
    ];
  };
  const layers = (el: DomElement): Rgba[] => {
    const s = getComputedStyle(el);
    const out: Rgba[] = [];
    // tints painted as a flat gradient over the background colour (error cards)
    const tint = s.backgroundImage.match(/linear-gradient\(((?:rgba?|color)\([^)]+\))/);
    if (tint) out.push(parse(tint[1]));
    out.push(parse(s.backgroundColor));
    return out;
  };
  const background = (el: DomElement): Rgba => {
    const stack: Rgba[] = [];
    for (let e = el; e; e = e.parentElement) {
      for (const layer of layers(e)) {
        stack.push(layer);
        if (layer[3] >= 1) return stack.reverse().reduce((under, top) => over(top, under));
      }
    }
    stack.push([255, 255, 255, 1]);
    return stack.reverse().reduce((under, top) => over(top, under));
  };
  const css = (c: Rgba) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
  const out: TextSample[] = [];
  for (const root of roots) {
    const article = root.closest("[data-state]");
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const seen = new Set<DomElement>();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || seen.has(el) || !(n.textContent ?? "").trim()) continue;
      if (el.closest("style")) continue;
      seen.add(el);
      const s = getComputedStyle(el);
      if (s.visibility === "hidden" || s.display === "none") continue;
      const bg = background(el);
      out.push({
        state: article?.getAttribute("data-state") ?? root.id ?? "",
        section: article?.getAttribute("data-section") ?? "",
        what: `${el.tagName.toLowerCase()}.${el.className}`,
        text: (n.textContent ?? "").trim().slice(0, 40),
        fg: css(over(parse(s.color), bg)),
        bg: css(bg),
      });
    }
  }
  return out;
}

/** Samples below `minRatio` (default 4.5), one line per distinct element/colour pair. */
export function lowContrast(samples: readonly TextSample[], minRatio = 4.5): string[] {
  const low = samples
    .map((s) => ({ ...s, ratio: Math.round(contrastRatio(s.fg, s.bg) * 100) / 100 }))
    .filter((s) => s.ratio < minRatio);
  return [
    ...new Set(
      low.map((s) => `${s.section} ${s.what} "${s.text}" ${s.fg} on ${s.bg} = ${s.ratio}`),
    ),
  ];
}

/** Creates `dir` (recursively) and returns it. */
export async function ensureDir(dir: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}
