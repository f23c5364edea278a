/**
 * Reads back the QR codes the login card draws, with an independent decoder (`@paulmillr/qr`'s
 * `decode.js`, a different library from the `uqr` encoder the module uses): the terminal's
 * Unicode half blocks and the SVG path are turned into pixels and decoded, so a test checks that
 * what a phone would scan is the link shown.
 *
 * @module
 */

import { decodeQR } from "./_deps/paulmillr_qr.ts";

/** Decodes a grid of modules (`true` = dark). */
export function decodeModules(dark: boolean[][]): Promise<string> {
  const scale = 4;
  const margin = 4;
  const rows = dark.length;
  const cols = Math.max(...dark.map((r) => r.length));
  const width = (cols + 2 * margin) * scale;
  const height = (rows + 2 * margin) * scale;
  const data = new Uint8Array(width * height * 4).fill(255);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      if (!dark[y][x]) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const i = (((y + margin) * scale + dy) * width + (x + margin) * scale + dx) * 4;
          data[i] = data[i + 1] = data[i + 2] = 0;
        }
      }
    }
  }
  return Promise.resolve(decodeQR({ width, height, data }));
}

/**
 * Decodes a QR code drawn with `█ ▀ ▄` and spaces, blocks being the LIGHT modules (as the
 * terminal card draws it for a dark terminal). `lines` are the QR code's lines only.
 */
export function decodeTextQr(lines: string[]): Promise<string> {
  const dark: boolean[][] = [];
  for (const line of lines) {
    const chars = [...line];
    const top = chars.map((c) => !(c === "█" || c === "▀"));
    const bottom = chars.map((c) => !(c === "█" || c === "▄"));
    dark.push(top, bottom);
  }
  return decodeModules(dark);
}

/** Decodes the QR code of an SVG made of `M x,y h n v1 h-n z` runs (the HTML card's). */
export function decodeSvgQr(svg: string): Promise<string> {
  const view = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  if (!view) throw new Error("no viewBox in the QR code SVG");
  const size = Number(view[1]);
  const dark = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const run of svg.matchAll(/M(\d+),(\d+)h(\d+)v1h-\d+z/g)) {
    const [x, y, n] = [Number(run[1]), Number(run[2]), Number(run[3])];
    for (let i = 0; i < n; i++) dark[y][x + i] = true;
  }
  return decodeModules(dark);
}
