/**
 * The "no sentence said twice" measure of the at-a-glance tests: splits visible text into
 * sentences (at line breaks and after `.`, `!`, `?`), and lists those of at least `minLength`
 * characters that occur more than once. A sentence has at least four words, so an identifier
 * on its own (a model id shown on two rows) is not one.
 *
 * @module
 */

/** Sentences of at least `minLength` characters (and four words) that appear twice or more. */
export function repeatedSentences(text: string, minLength = 40): string[] {
  const counts = new Map<string, number>();
  for (const line of text.split(/\n+/)) {
    for (const raw of line.split(/(?<=[.!?])\s+/)) {
      const sentence = raw.replace(/\s+/g, " ").trim();
      if (sentence.length < minLength || sentence.split(" ").length < 4) continue;
      counts.set(sentence, (counts.get(sentence) ?? 0) + 1);
    }
  }
  return [...counts].filter(([, n]) => n > 1).map(([s, n]) => `${n}× ${s}`);
}
