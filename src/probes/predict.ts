/**
 * What a token validation predicts about a capability, before (or without)
 * calling it: pure functions from `ValidationData` to a {@linkcode ProbePrediction}.
 *
 * @module
 */

import type { ValidationData } from "../hub/types.ts";
import { PROBE_PERMISSION_LABELS } from "../hub/diagnose_failure.ts";
import type { ProbePrediction } from "./types.ts";

/**
 * What a probe needs from the token:
 * `auth` (whoami), `public-read`, `gated-read`, `private-read`, `inference`, `write`.
 */
export type ProbeNeed =
  | "auth"
  | "public-read"
  | "gated-read"
  | "private-read"
  | "inference"
  | "write"
  | "none";

function hasPermission(
  data: Pick<ValidationData, "token">,
  permission: string,
  scope?: (scope: string) => boolean,
): boolean {
  return (data.token?.permissions ?? []).some((g) =>
    (scope ? scope(g.scope) : true) && g.permissions.includes(permission)
  );
}

const userScope = (scope: string) => scope.startsWith("user:");

/**
 * Predicts whether a capability works with a validated token. `undefined`
 * when the validation cannot tell (no answer from the Hub, or it depends on
 * things only the call shows, such as accepted gated terms).
 *
 * @example Usage
 * ```ts
 * import { predictProbe } from "@hf-notebook/auth/diagnose";
 * import assert from "node:assert/strict";
 *
 * const fineGrained = {
 *   verdict: "valid" as const,
 *   token: { role: "fineGrained" as const, permissions: [] },
 * };
 * assert.deepEqual(predictProbe("inference", fineGrained)?.outcome, "fail");
 * assert.deepEqual(predictProbe("public-read", fineGrained)?.outcome, "ok");
 * ```
 *
 * @param need What the probe needs from the token.
 * @param data The validation (verdict, token facts, identity).
 * @returns The prediction, or `undefined`.
 */
export function predictProbe(
  need: ProbeNeed,
  data: Pick<ValidationData, "verdict" | "token" | "identity"> | undefined,
): ProbePrediction | undefined {
  if (!data || need === "none") return undefined;
  if (data.verdict === "invalid" || data.verdict === "expired") {
    return {
      outcome: "fail",
      reason: `the token is ${data.verdict} (whoami answered 401): every call is refused`,
    };
  }
  if (data.verdict !== "valid") return undefined;
  const role = data.token?.role;
  const fineGrained = role === "fineGrained";
  switch (need) {
    case "auth":
      return { outcome: "ok", reason: "whoami accepted the token" };
    case "public-read":
      return { outcome: "ok", reason: "any valid token can read public repos" };
    case "gated-read":
      if (fineGrained && data.token?.canReadGatedRepos === false) {
        return {
          outcome: "fail",
          reason: `fine-grained token without "${PROBE_PERMISSION_LABELS.gated}"`,
        };
      }
      return undefined; // depends on whether the account accepted the terms
    case "private-read":
      if (fineGrained && !hasPermission(data, "repo.content.read", userScope)) {
        return {
          outcome: "fail",
          reason: `fine-grained token without "${PROBE_PERMISSION_LABELS.repoRead}"`,
        };
      }
      return { outcome: "ok", reason: "the token may read your own repos" };
    case "inference":
      if (data.identity?.kind === "app") return undefined;
      if (fineGrained && !hasPermission(data, "inference.serverless.write")) {
        return {
          outcome: "fail",
          reason: `fine-grained token without "${PROBE_PERMISSION_LABELS.inference}" ` +
            "(inference.serverless.write)",
        };
      }
      return role
        ? { outcome: "ok", reason: `a ${role} token may call Inference Providers` }
        : undefined;
    case "write":
      if (role === "write") return { outcome: "ok", reason: "write token: may push" };
      if (role === "read") {
        return { outcome: "fail", reason: "a read token cannot push (role read)" };
      }
      if (fineGrained) {
        return hasPermission(data, "repo.write", userScope)
          ? {
            outcome: "ok",
            reason: `fine-grained token with "${PROBE_PERMISSION_LABELS.repoWrite}"`,
          }
          : {
            outcome: "fail",
            reason: `fine-grained token without "${PROBE_PERMISSION_LABELS.repoWrite}"`,
          };
      }
      return undefined;
  }
}
