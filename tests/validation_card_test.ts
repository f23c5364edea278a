/**
 * The validation card renderers: escaping, masking, self-containment, the
 * missing-permission story, failure cards and the text form.
 */
import assert from "node:assert/strict";
import { renderValidationHtml, renderValidationText } from "../src/display/validation_card.ts";
import { JUPYTER_DISPLAY } from "../src/display/displayable.ts";
import type { ValidationData } from "../src/hub/types.ts";
import { Validation } from "../src/hub/validation.ts";
import { whoami } from "../src/hub/whoami.ts";
import { resetSession } from "../src/resolve/session_cache.ts";
import { type PersonaName, PERSONAS, startSandbox } from "../src/sandbox/mod.ts";

/** Markup without inline styles and without whitespace between tags (for structural matches). */
function plain(html: string): string {
  return html.replace(/\s+style="[^"]*"/g, "").replace(/\s+>/g, ">").replace(/>\s+/g, ">")
    .replace(/\s+</g, "<");
}

let every: Promise<Map<PersonaName, Validation>> | undefined;

/** Validations of every persona, made once for this file (the slow persona takes 1.5 s). */
function validationsOfEveryPersona(): Promise<Map<PersonaName, Validation>> {
  every ??= validateAll();
  return every;
}

async function validateAll(): Promise<Map<PersonaName, Validation>> {
  resetSession();
  await using sandbox = startSandbox({ quiet: true });
  const out = new Map<PersonaName, Validation>();
  for (const name of Object.keys(PERSONAS) as PersonaName[]) {
    out.set(name, await whoami({ token: PERSONAS[name].token, hubUrl: sandbox.url, env: {} }));
  }
  return out;
}

Deno.test("the XSS persona's fullname and token name are escaped in the HTML card", async () => {
  const v = (await validationsOfEveryPersona()).get("xss")!;
  const out = v.toHtml();
  assert.ok(out.includes("&lt;img src=x onerror=alert(1)&gt;"), "escaped fullname");
  assert.ok(!out.includes("<img"), "no raw <img");
  assert.ok(out.includes("&lt;script&gt;alert(&quot;token&quot;)&lt;/script&gt;"));
  assert.ok(!/<script/i.test(out), "no <script> at all");
  assert.equal(/<[a-z]+[^>]*\sonerror=/i.test(out), false, "no live event handler attribute");
});

Deno.test("the token appears only masked in HTML, text, JSON and Deno.inspect", async () => {
  const all = await validationsOfEveryPersona();
  for (const [name, v] of all) {
    const token = PERSONAS[name].token;
    const bundle = v[JUPYTER_DISPLAY]();
    const forms = {
      html: v.toHtml(),
      text: v.toString(),
      color: renderValidationText(v.toJSON(), { color: true }),
      json: JSON.stringify(v),
      inspect: Deno.inspect(v),
      bundle: JSON.stringify(bundle),
    };
    for (const [form, text] of Object.entries(forms)) {
      assert.ok(!text.includes(token), `${name}: token leaked in ${form}`);
    }
    assert.ok(forms.html.includes(v.masked), `${name}: masked token shown in HTML`);
    assert.ok(forms.text.includes(v.masked), `${name}: masked token shown in text`);
    assert.equal(v.toJSON().masked, v.masked);
  }
});

Deno.test("the missing Inference Providers permission is named in the HTML, with where to tick it", async () => {
  const v = (await validationsOfEveryPersona()).get("fineGrainedNoInference")!;
  const out = plain(v.toHtml());
  assert.match(out, /Make calls to Inference Providers/);
  assert.match(out, /inference\.serverless\.write/);
  assert.match(out, /huggingface\.co\/settings\/tokens/);
  assert.match(out, /&quot;Inference&quot; section/);
  assert.match(out, /data-code="missing-inference-permission"/);
  // Permissions grouped by scope in a table.
  assert.match(out, /<table class="hfna-table">/);
  assert.match(out, /<code>user:sandbox-alice<\/code>/);
  assert.match(out, /<code>repo\.content\.read<\/code>/);
  // The text card says it too.
  assert.match(v.toString(), /Make calls to Inference Providers/);

  const ok = (await validationsOfEveryPersona()).get("fineGrainedInference")!;
  assert.doesNotMatch(ok.toHtml(), /data-code="missing-inference-permission"/);
  assert.match(plain(ok.toHtml()), /<code>inference\.serverless\.write<\/code>/);
});

Deno.test("cards are self-contained: scoped style, no scripts, images or external resources", async () => {
  for (const [name, v] of await validationsOfEveryPersona()) {
    const out = v.toHtml();
    assert.ok(out.startsWith("<style>"), name);
    assert.ok(out.includes('class="hfna hfna-tone-'), name);
    assert.doesNotMatch(out, /<(script|img|link|iframe|object|embed)\b|@import|url\(/i, name);
    for (const tag of out.match(/<[a-z][^>]*>/gi) ?? []) {
      assert.doesNotMatch(tag, /\s(src|href|on[a-z]+)=/i, `${name}: ${tag}`);
    }
    // Every CSS rule is scoped under .hfna.
    const css = out.slice("<style>".length, out.indexOf("</style>"));
    for (const rule of css.split("}").filter((r) => r.includes("{"))) {
      const selectors = rule.slice(0, rule.indexOf("{")).split(",");
      for (const sel of selectors) assert.match(sel.trim(), /^\.hfna/, `unscoped: ${sel}`);
    }
    assert.match(css, /var\(--jp-ui-font-color1,inherit\)/);
    // The look is inline, in values a sanitizer keeps: no var(), no currentColor.
    const root = /<div class="hfna hfna-tone-[^"]*"[^>]*style="([^"]*)"/.exec(out);
    assert.ok(root, `${name}: root has an inline style`);
    assert.match(root[1], /max-width:760px/);
    assert.match(root[1], /border-left:4px solid #/);
    for (const [, style] of out.matchAll(/\sstyle="([^"]*)"/g)) {
      assert.doesNotMatch(style, /var\(|currentColor|overflow-wrap/i, `${name}: ${style}`);
    }
  }
});

Deno.test("verdict badges: green valid, red failures, grey offline; failures show reason and fix, no stack", async () => {
  const all = await validationsOfEveryPersona();
  assert.match(plain(all.get("write")!.toHtml()), /hfna-badge hfna-ok">valid</);
  const revoked = plain(all.get("revoked")!.toHtml());
  assert.match(revoked, /hfna-badge hfna-error">invalid</);
  assert.match(revoked, /class="hfna hfna-tone-error"/);
  assert.match(revoked, /Invalid credentials in Authorization header/);
  assert.match(revoked, /Next step: Create a new token/);
  assert.doesNotMatch(revoked, /\n\s+at |HubApiError|Error:/);
  assert.match(plain(all.get("serverError")!.toHtml()), /hfna-badge hfna-error">server error</);
  assert.match(plain(all.get("pro")!.toHtml()), /hfna-badge hfna-pro">PRO</);

  const offline = await whoami({
    token: PERSONAS.read.token,
    env: { HF_HUB_OFFLINE: "1" },
  });
  assert.match(plain(offline.toHtml()), /hfna-badge hfna-muted">offline · not checked</);
});

Deno.test("expiry shows the date and 'in N days'", async () => {
  const v = (await validationsOfEveryPersona()).get("expiringSoon")!;
  assert.match(plain(v.toHtml()), /<dd>\d{4}-\d\d-\d\d \(in 2 days\)<\/dd>/);
  assert.match(v.toString(), /Expires {5}\d{4}-\d\d-\d\d \(in 2 days\)/);
  assert.match(v.toHtml(), /class="hfna hfna-tone-warn"/);
});

const BASE: ValidationData = {
  verdict: "valid",
  reason: "The Hub accepted the token.",
  masked: "hf_sa…ice",
  source: "env:HF_TOKEN",
  identity: { kind: "user", name: "eve", fullname: "Eve\x1b[31m RED\x1b[0m\u202e", orgs: [] },
  token: { role: "read", permissions: [], displayName: "t" },
  diagnostics: [],
  warnings: [],
  hubUrl: "https://huggingface.co",
  checkedAt: "2030-01-01T00:00:00.000Z",
  status: 200,
};

Deno.test("the text card is aligned, uncoloured by default, and neutralises control characters", () => {
  const plain = renderValidationText(BASE);
  assert.ok(!plain.includes("\x1b"), "no ANSI without color");
  assert.ok(!plain.includes("\u202e"), "no bidi override");
  assert.match(plain, /^Hugging Face token · VALID$/m);
  assert.match(plain, /^ {2}Account {5}eve — Eve\\x1B\[31m RED\\x1B\[0m\\u202E$/m);
  assert.match(plain, /^ {2}Token {7}hf_sa…ice$/m);
  const colored = renderValidationText(BASE, { color: true });
  assert.ok(colored.includes("\x1b[32mVALID\x1b[0m"));
});

Deno.test("Validation: toJSON is the plain data; Jupyter bundle has html and text", () => {
  const v = new Validation(BASE);
  assert.deepEqual(v.toJSON(), BASE);
  const bundle = v[JUPYTER_DISPLAY]();
  assert.equal(bundle["text/html"], renderValidationHtml(BASE));
  assert.equal(bundle["text/plain"], renderValidationText(BASE));
  assert.equal(Deno.inspect(v), renderValidationText(BASE));
  assert.equal(v.ok, true);
});
