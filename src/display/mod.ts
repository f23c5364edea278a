/**
 * The pure renderers: data in, HTML or text out, nothing else. The validation
 * card, the probe table and the sources table that `login()`, `probe()` and
 * `sources()` (main entry point) return render themselves with these; import
 * from here to render data you hold (a saved `ValidationData`, rows you
 * built) or to restyle the output. Every string from the network or a file is
 * HTML-escaped.
 *
 * @example Render a validation as text and as HTML
 * ```ts
 * import { renderValidationHtml, renderValidationText } from "@hf-notebook/auth/display";
 * import assert from "node:assert/strict";
 *
 * const data = {
 *   verdict: "valid" as const,
 *   reason: "The Hub accepted the token.",
 *   masked: "hf_sa…ice",
 *   identity: { kind: "user" as const, name: "mallory", fullname: "<img src=x>", orgs: [] },
 *   diagnostics: [],
 *   warnings: [],
 *   hubUrl: "https://huggingface.co",
 *   checkedAt: "2030-01-01T00:00:00Z",
 * };
 * assert.match(renderValidationText(data, { color: false }), /mallory/);
 * assert.match(renderValidationHtml(data), /&lt;img src=x&gt;/);
 * ```
 *
 * @module
 */

export { Displayable, JUPYTER_DISPLAY } from "./displayable.ts";
export type { MimeBundle } from "./displayable.ts";
export { renderSourcesHtml, renderSourcesText } from "./sources_table.ts";
export type { SourceRow, SourcesData } from "./sources_table.ts";
export { STYLE } from "./_style.ts";
export type { Tone } from "./_style.ts";
export { renderValidationHtml, renderValidationText, verdictTone } from "./validation_card.ts";
export type { ValidationTextOptions } from "./validation_card.ts";
export {
  renderProbeCausesText,
  renderProbeRowText,
  renderProbeTableHtml,
  renderProbeTableText,
} from "./probe_table.ts";
export type { TextRenderOptions } from "./probe_table.ts";
export {
  formatCountdown,
  renderLoginHtml,
  renderLoginText,
  renderLoginWaitingLine,
  verificationLink,
} from "./login_card.ts";
export type { LoginCardData, LoginCardState, LoginTextOptions } from "./login_card.ts";
// The data the renderers take (defined by the layers that produce it).
export type { TokenWarning, TokenWarningCode } from "../sources/types.ts";
export type { Platform } from "../sources/platform.ts";
export type { BrowserLoginInfo } from "../resolve/resolution.ts";
export type {
  Diagnostic,
  Failure,
  FailureCode,
  Identity,
  PermissionGroup,
  Severity,
  TokenFacts,
  ValidationData,
  Verdict,
} from "../hub/types.ts";
export type {
  ProbeCounts,
  ProbePrediction,
  ProbeRow,
  ProbeTableData,
  ProbeVerdict,
} from "../probes/types.ts";
export { renderDiagnosisHtml, renderDiagnosisText } from "./diagnosis_card.ts";
export type { DiagnosisData } from "./diagnosis_card.ts";
