/**
 * A one-key menu on a terminal (internal): arrow keys move, a number picks,
 * Enter confirms, Ctrl-C / Ctrl-D / Esc cancel. Raw mode is always restored.
 *
 * @module
 */

import { cleanText } from "../_text.ts";

/** The streams used (replaceable in tests). */
export interface ChooseIO {
  /** Input: must be a terminal. */
  stdin: { setRaw(mode: boolean): void; read(p: Uint8Array): Promise<number | null> };
  /** Where the menu is drawn (stderr keeps stdout clean). */
  output: { writeSync(p: Uint8Array): number };
}

/**
 * Asks the person to pick one of `choices`.
 *
 * @param question The question (one line).
 * @param choices The answers, in order.
 * @param io Streams (default: Deno.stdin and Deno.stderr).
 * @returns The index picked, or `undefined` when cancelled.
 */
export async function chooseOne(
  question: string,
  choices: readonly string[],
  io: ChooseIO = { stdin: Deno.stdin, output: Deno.stderr },
): Promise<number | undefined> {
  const encoder = new TextEncoder();
  const write = (text: string) => {
    let bytes = encoder.encode(text);
    while (bytes.length > 0) bytes = bytes.subarray(io.output.writeSync(bytes));
  };
  let current = 0;
  const draw = (first: boolean) => {
    if (!first) write(`\x1b[${choices.length}A`);
    for (let i = 0; i < choices.length; i++) {
      const mark = i === current ? "›" : " ";
      write(`\r\x1b[2K ${mark} ${i + 1}. ${cleanText(choices[i])}\n`);
    }
  };
  const buffer = new Uint8Array(64);
  io.stdin.setRaw(true);
  try {
    write(`${question} (↑/↓ or a number, Enter to confirm)\n`);
    draw(true);
    for (;;) {
      const n = await io.stdin.read(buffer);
      if (n === null) return undefined;
      for (let i = 0; i < n; i++) {
        const b = buffer[i];
        if (b === 0x03 || b === 0x04) return undefined; // Ctrl-C, Ctrl-D
        if (b === 0x0d || b === 0x0a) return current;
        if (b >= 0x31 && b < 0x31 + Math.min(choices.length, 9)) {
          current = b - 0x31;
          draw(false);
          return current;
        }
        if (b === 0x1b) {
          if (buffer[i + 1] === 0x5b && (buffer[i + 2] === 0x41 || buffer[i + 2] === 0x42)) {
            current = (current + (buffer[i + 2] === 0x41 ? choices.length - 1 : 1)) %
              choices.length;
            i += 2;
            draw(false);
            continue;
          }
          if (i + 1 >= n) return undefined; // a lone Esc
          i += 2; // another sequence: skip it
        }
      }
    }
  } finally {
    io.stdin.setRaw(false);
  }
}
