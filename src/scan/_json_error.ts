/**
 * Where a JSON text stops being JSON: V8's `JSON.parse` error names no position, so broken
 * notebooks are checked again with this small validator to report line and column.
 * Iterative (no recursion), so deep nesting cannot overflow the stack.
 *
 * @module
 */

/** Where and why a JSON text is broken. */
export interface JsonErrorPosition {
  /** UTF-16 offset. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** What was expected there. */
  expected: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// JSON forbids raw control characters inside strings.
// deno-lint-ignore no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;
const WS = /[ \t\n\r]*/y;

/**
 * The first position where `text` is not valid JSON, or `undefined` when it is.
 *
 * @param text The text.
 * @returns Where it breaks.
 */
export function jsonErrorPosition(text: string): JsonErrorPosition | undefined {
  let p = 0;
  const ws = () => {
    WS.lastIndex = p;
    WS.exec(text);
    p = WS.lastIndex;
  };
  const fail = (expected: string): JsonErrorPosition => {
    const before = text.slice(0, p);
    const line = before.split("\n").length;
    return { offset: p, line, column: p - before.lastIndexOf("\n"), expected };
  };
  const sticky = (re: RegExp) => {
    re.lastIndex = p;
    if (!re.test(text)) return false;
    p = re.lastIndex;
    return true;
  };
  // Containers still open: "}" or "]".
  const stack: string[] = [];
  if (text.charCodeAt(0) === 0xfeff) p = 1;
  for (;;) {
    ws();
    // A value.
    const c = text[p];
    if (c === "{") {
      p++;
      ws();
      if (text[p] === "}") p++;
      else {
        stack.push("}");
        if (!sticky(STRING)) return fail("a key in double quotes");
        ws();
        if (text[p] !== ":") return fail('":"');
        p++;
        continue;
      }
    } else if (c === "[") {
      p++;
      ws();
      if (text[p] === "]") p++;
      else {
        stack.push("]");
        continue;
      }
    } else if (!(c === '"' ? sticky(STRING) : sticky(NUMBER) || sticky(LITERAL))) {
      return fail("a value");
    }
    // After a value: close containers, or a comma.
    for (;;) {
      ws();
      const close = stack.at(-1);
      if (close === undefined) {
        return p === text.length ? undefined : fail("the end of the document");
      }
      if (text[p] === close) {
        stack.pop();
        p++;
        continue;
      }
      if (text[p] !== ",") return fail(`"," or "${close}"`);
      p++;
      if (close === "}") {
        ws();
        if (!sticky(STRING)) return fail("a key in double quotes");
        ws();
        if (text[p] !== ":") return fail('":"');
        p++;
      }
      break;
    }
  }
}
