/**
 * Hidden line input on a terminal: raw mode, no echo, Backspace and Ctrl-U
 * edit, Enter ends, Ctrl-C / Ctrl-D (on an empty line) cancel. The terminal is
 * always restored, whatever happens.
 *
 * @module
 */

/** Raised when the person cancels the prompt (Ctrl-C, or Ctrl-D on an empty line). */
export class PromptCancelled extends Error {
  /** Creates it. */
  constructor() {
    super("The token prompt was cancelled.");
    this.name = "PromptCancelled";
  }
}

/** The streams used (replaceable in tests). */
export interface HiddenInputIO {
  /** Input: must be a terminal. */
  stdin: { setRaw(mode: boolean): void; read(p: Uint8Array): Promise<number | null> };
  /** Where the prompt is written (stderr keeps stdout clean for `--json`). */
  output: { writeSync(p: Uint8Array): number };
}

/**
 * Reads one line without echo.
 *
 * @param message Prompt text.
 * @param io Streams (default: Deno.stdin and Deno.stderr).
 * @returns The line, without the line ending.
 */
export async function readHiddenLine(
  message: string,
  io: HiddenInputIO = { stdin: Deno.stdin, output: Deno.stderr },
): Promise<string> {
  const encoder = new TextEncoder();
  const bytes: number[] = [];
  const buffer = new Uint8Array(1024);
  // Raw mode first, then the prompt: a fast typist must never see an echo.
  io.stdin.setRaw(true);
  try {
    io.output.writeSync(encoder.encode(message));
    for (;;) {
      const n = await io.stdin.read(buffer);
      if (n === null) throw new PromptCancelled();
      for (let i = 0; i < n; i++) {
        const b = buffer[i];
        if (b === 0x03) throw new PromptCancelled(); // Ctrl-C
        if (b === 0x04) { // Ctrl-D
          if (bytes.length === 0) throw new PromptCancelled();
          continue;
        }
        if (b === 0x0d || b === 0x0a) return new TextDecoder().decode(new Uint8Array(bytes));
        if (b === 0x7f || b === 0x08) { // Backspace: drop one UTF-8 character
          while (bytes.length && (bytes[bytes.length - 1] & 0xc0) === 0x80) bytes.pop();
          bytes.pop();
          continue;
        }
        if (b === 0x15) { // Ctrl-U
          bytes.length = 0;
          continue;
        }
        if (b === 0x1b) { // escape sequence (arrows, bracketed paste markers): skip it
          if (buffer[i + 1] === 0x5b) {
            i += 2;
            while (i < n && (buffer[i] < 0x40 || buffer[i] > 0x7e)) i++;
          }
          continue;
        }
        if (b < 0x20) continue;
        bytes.push(b);
      }
    }
  } finally {
    io.stdin.setRaw(false);
    io.output.writeSync(encoder.encode("\n"));
  }
}
