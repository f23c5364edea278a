/**
 * HTML building blocks for the renderers: an escaping template tag and the
 * shared stylesheet. Every interpolated value is escaped unless it is already
 * {@linkcode SafeHtml}, so a string from the network or a file can never become markup.
 *
 * @module
 */

/** A fragment of HTML that is already safe (built by {@linkcode html}). */
export class SafeHtml {
  /** The markup. */
  readonly value: string;
  /** Wraps markup that is known to be safe. Only this module's renderers create these. */
  constructor(value: string) {
    this.value = value;
  }
  /** The markup. */
  toString(): string {
    return this.value;
  }
}

/** Escapes `& < > " '` so that text can be placed in element content or a quoted attribute. */
export function escapeHtml(text: unknown): string {
  return String(text)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(value);
}

/**
 * Template tag: literal parts are markup, interpolations are escaped text
 * (arrays are joined, `null`/`undefined`/`false` render as nothing).
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/**
 * Escaped text with line-break opportunities (`<wbr>`) after `:` and `/`, so ids such as
 * `secret:kaggle:HF_TOKEN` or `org/model-name` wrap at their separators in narrow columns.
 */
export function breakable(text: string): SafeHtml {
  return new SafeHtml(text.split(/(?<=[:/])/).map(escapeHtml).join("<wbr>"));
}
