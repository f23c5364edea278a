/**
 * Deterministic, task-correct fake model outputs (internal).
 *
 * @module
 */

const now = () => Math.floor(Date.now() / 1000);
let completionCounter = 0;

function tokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function lastUserMessage(messages: unknown): string {
  if (!Array.isArray(messages)) return "";
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: string; content?: unknown };
    if (m?.role !== "user") continue;
    if (typeof m.content === "string") return m.content;
    if (Array.isArray(m.content)) {
      return m.content.map((p: { text?: string }) => p?.text ?? "").join(" ");
    }
  }
  return "";
}

/** The reply text the sandbox chat models give. */
export function chatReply(model: string, provider: string, messages: unknown): string {
  const said = lastUserMessage(messages).slice(0, 200);
  return `Hello from the sandbox! (${model} via ${provider}) You said: "${said}"`;
}

/** An OpenAI-style chat completion object. */
export function chatCompletion(
  model: string,
  provider: string,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const content = chatReply(model, provider, body.messages);
  const prompt = tokens(JSON.stringify(body.messages ?? ""));
  const completion = tokens(content);
  return {
    id: `chatcmpl-sandbox-${++completionCounter}`,
    object: "chat.completion",
    created: now(),
    model,
    system_fingerprint: "sandbox",
    choices: [{
      index: 0,
      message: { role: "assistant", content },
      logprobs: null,
      finish_reason: "stop",
    }],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    },
  };
}

/** Server-sent events for a streamed chat completion. */
export function chatCompletionStream(
  model: string,
  provider: string,
  body: Record<string, unknown>,
): Response {
  const content = chatReply(model, provider, body.messages);
  const id = `chatcmpl-sandbox-${++completionCounter}`;
  const created = now();
  const words = content.split(/(?<= )/);
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    `data: ${
      JSON.stringify({
        id,
        object: "chat.completion.chunk",
        created,
        model,
        system_fingerprint: "sandbox",
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      })
    }\n\n`;
  const text = [
    chunk({ role: "assistant", content: "" }, null),
    ...words.map((w) => chunk({ content: w }, null)),
    chunk({}, "stop"),
    "data: [DONE]\n\n",
  ].join("");
  return new Response(text, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}

/** An OpenAI-style text completion object (hf-inference and together `/v1/completions`). */
export function textCompletion(
  model: string,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const prompt = typeof body.prompt === "string" ? body.prompt : String(body.prompt ?? "");
  const text = " and then the sandbox model continued the story.";
  return {
    id: `cmpl-sandbox-${++completionCounter}`,
    object: "text_completion",
    created: now(),
    model,
    choices: [{ index: 0, text, logprobs: null, finish_reason: "length", seed: 42 }],
    usage: {
      prompt_tokens: tokens(prompt),
      completion_tokens: tokens(text),
      total_tokens: tokens(prompt) + tokens(text),
    },
  };
}

const NEGATIVE = /\b(bad|terrible|awful|hate|horrible|worst|sad|not|never|boring|broken)\b/i;

function classifyOne(text: string): { label: string; score: number }[] {
  const negative = NEGATIVE.test(text);
  const top = negative ? "NEGATIVE" : "POSITIVE";
  const other = negative ? "POSITIVE" : "NEGATIVE";
  return [{ label: top, score: 0.9987 }, { label: other, score: 0.0013 }];
}

/** hf-inference text classification: `[[{label, score}, …]]` (one list per input). */
export function textClassification(inputs: unknown): { label: string; score: number }[][] {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  return list.map((text) => classifyOne(String(text ?? "")));
}

const LEXICON: Record<string, string> = {
  paris: "LOC",
  london: "LOC",
  berlin: "LOC",
  france: "LOC",
  europe: "LOC",
  "hugging face": "ORG",
  google: "ORG",
  microsoft: "ORG",
  sandbox: "ORG",
};

/** hf-inference token classification (NER, aggregated): `[{entity_group, score, word, start, end}]`. */
export function tokenClassification(inputs: unknown): Record<string, unknown>[] {
  const text = String(Array.isArray(inputs) ? inputs[0] ?? "" : inputs ?? "");
  const out: Record<string, unknown>[] = [];
  const re = /\b[A-Z][a-zA-Z]+(?:\s+[A-Z][a-zA-Z]+)*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const word = m[0];
    // Sentence-initial common words are not entities.
    if (m.index === 0 && /^(The|A|An|My|I|In|On|At|This|That)$/.test(word)) continue;
    out.push({
      entity_group: LEXICON[word.toLowerCase()] ?? "PER",
      score: 0.9971,
      word,
      start: m.index,
      end: m.index + word.length,
    });
  }
  return out;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A deterministic unit-length 384-dimensional embedding. */
export function embed(text: string, dims = 384): number[] {
  let state = hash(text) || 1;
  const v: number[] = [];
  for (let i = 0; i < dims; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    v.push(((state >>> 0) / 0xffffffff) * 2 - 1);
  }
  const norm = Math.hypot(...v);
  return v.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

/** hf-inference feature extraction: `number[]` for a string, `number[][]` for a list. */
export function featureExtraction(inputs: unknown): number[] | number[][] {
  return Array.isArray(inputs) ? inputs.map((t) => embed(String(t))) : embed(String(inputs ?? ""));
}
