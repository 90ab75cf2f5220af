// Parameter rules shared by the form and the in-memory backend. A mirror of the Rust side
// (`lamina_api::validate_inputs`, `Parameter::is_mandatory`): keep the two in step.
import { i18n } from "../i18n";
import { formatList } from "../i18n/format";
import type { Inputs, Parameter } from "./backend/types";
import { UPLOAD_REF_PREFIX } from "./backend/storage-types";

/** Mandatory = no default AND `required` is not explicitly false. */
export function isMandatory(parameter: Parameter): boolean {
  return parameter.default == null && parameter.required !== false;
}

export function acceptsImages(parameter: Parameter): boolean {
  return (parameter.accept ?? []).some((a) => a.toLowerCase().startsWith("image"));
}

/** An absolute http(s) address with a host, the only kind the service can fetch. */
export function checkUrl(value: string): string | null {
  // The person's own photo: Rust puts its link in when the run starts.
  if (value.startsWith(UPLOAD_REF_PREFIX) && value.length > UPLOAD_REF_PREFIX.length) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return i18n.t("apps:problems.badUrl");
  }
  if ((url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "") return null;
  return i18n.t("apps:problems.notWeb");
}

export function isWebUrl(value: string): boolean {
  return checkUrl(value.trim()) === null;
}

/** The starting values of a form: each parameter's default, then the last values used. */
export function initialValues(
  parameters: readonly Parameter[],
  last?: Inputs | null,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const p of parameters) {
    const remembered = last?.[p.name];
    values[p.name] = remembered ?? p.default ?? "";
  }
  return values;
}

export interface FieldProblem {
  /** Parameter name, or null for a problem with the whole form. */
  field: string | null;
  reason: string;
}

export type Validation = { ok: true; inputs: Inputs } | { ok: false; problems: FieldProblem[] };

/**
 * Checks the values against the parameters and returns exactly what to send: values keyed by
 * parameter name (trimmed), options as their labels, blank optional values left out so the service
 * applies its defaults. Every problem is reported at once, in the parameters' order.
 */
export function validateInputs(
  parameters: readonly Parameter[],
  values: Readonly<Record<string, string | undefined>>,
  appName = i18n.t("apps:problems.thisApp"),
): Validation {
  const problems: FieldProblem[] = [];
  const inputs: Inputs = {};
  const known = new Set(parameters.map((p) => p.name));

  for (const name of Object.keys(values)) {
    if (!known.has(name))
      problems.push({ field: name, reason: i18n.t("apps:problems.notInput", { app: appName }) });
  }

  for (const p of parameters) {
    const value = (values[p.name] ?? "").trim();
    if (value === "") {
      if (isMandatory(p))
        problems.push({ field: p.name, reason: i18n.t("apps:problems.required") });
      continue;
    }
    let reason: string | null = null;
    if (p.type === "options" && !(p.options ?? []).includes(value)) {
      reason = i18n.t("apps:problems.oneOf", {
        options: formatList(p.options ?? []),
      });
    } else if (p.type === "url") {
      reason = checkUrl(value);
    }
    if (reason) problems.push({ field: p.name, reason });
    else inputs[p.name] = value;
  }

  return problems.length === 0 ? { ok: true, inputs } : { ok: false, problems };
}

/** "Prompt" + "is required" → "Prompt is required". Reasons from Rust read the same way. */
export function describeProblem(fieldLabel: string, reason: string): string {
  const r = reason.trim();
  if (r === "") return i18n.t("apps:problems.needsLook", { field: fieldLabel });
  // Reasons are phrased to follow the field's name; full sentences are shown as they are.
  if (/^[a-z]/.test(r)) return i18n.t("apps:problems.problem", { field: fieldLabel, reason: r });
  return r;
}

/** Problems arranged for display: one message per field, the rest for the whole form. */
export interface FormErrors {
  fields: Record<string, string>;
  general: string[];
}

export const NO_ERRORS: FormErrors = { fields: {}, general: [] };

/** Maps problems (ours or the backend's `fields`) onto parameters, by name or by id. */
export function problemsToErrors(
  parameters: readonly Parameter[],
  problems: readonly FieldProblem[],
): FormErrors {
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const problem of problems) {
    const p = parameters.find(
      (param) =>
        problem.field != null && (param.name === problem.field || param.id === problem.field),
    );
    if (!p) {
      general.push(problem.field ? describeProblem(problem.field, problem.reason) : problem.reason);
    } else if (!(p.name in fields)) {
      fields[p.name] = describeProblem(p.name, problem.reason);
    }
  }
  return { fields, general };
}
