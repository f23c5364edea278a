/**
 * Approves (or denies) a browser login on the sandbox's verification page over plain HTTP, as a
 * person clicking Authorize would. Used by the notebook runner and by `deno task demo --script`;
 * it imports nothing, so the demo's script mode loads no test-only package (see
 * tests/cold_start_test.ts).
 *
 * @module
 */

/**
 * Answers a browser login like a person on the sandbox's page: opens the link (GET, the page with
 * the Authorize / Deny form), then submits the form (POST `user_code`, `persona`, `action`).
 *
 * @returns The user code answered.
 */
export async function answerDeviceLogin(
  link: string,
  options: { action?: "authorize" | "deny"; persona?: string } = {},
): Promise<string> {
  const url = new URL(link);
  const userCode = url.searchParams.get("user_code") ?? "";
  const page = await fetch(url);
  const html = await page.text();
  if (!page.ok || !/id="authorize"/.test(html)) {
    throw new Error(`the verification page ${url.pathname} has no Authorize form (${page.status})`);
  }
  const form = new URLSearchParams({
    user_code: userCode,
    action: options.action ?? "authorize",
    ...(options.persona ? { persona: options.persona } : {}),
  });
  const res = await fetch(new URL("/oauth/device", url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form,
  });
  const answer = await res.text();
  if (!res.ok || !/data-result="(authorized|denied)"/.test(answer)) {
    throw new Error(`submitting the verification form failed (${res.status})`);
  }
  return userCode;
}
