// Presets for the in-memory backend: a mirror of `lamina_core::presets` (names unique per app,
// compared trimmed and without case; applying checks each value against the app as it is now,
// reports what no longer fits and applies the rest). Keep the two in step.
import { isMandatory, validateInputs } from "../inputs";
import { appError, clone } from "./memory-demo";
import type { App, AppliedPreset, Inputs, Parameter, Preset, PresetIssue } from "./types";

export const MAX_PRESET_NAME = 80;

interface Stored {
  preset: Preset;
  /** The app's parameters when the preset was saved. */
  parameters: Parameter[];
}

/** The name as shown and as compared; throws the backend's error for an unusable name. */
function normalizeName(name: string): { shown: string; key: string } {
  const shown = name.trim().split(/\s+/).filter(Boolean).join(" ");
  if (shown === "") throw nameError("Give the preset a name.");
  if ([...shown].length > MAX_PRESET_NAME) {
    throw nameError(`Keep the preset's name under ${MAX_PRESET_NAME} characters.`);
  }
  return { shown, key: shown.toLowerCase() };
}

function nameError(message: string) {
  return appError({
    kind: "invalidInput",
    message,
    detail: message,
    fields: [{ field: "name", reason: message }],
  });
}

function keep(app: App, inputs: Inputs): Inputs {
  const kept: Inputs = {};
  for (const [name, value] of Object.entries(inputs)) {
    if (value !== undefined && app.parameters.some((p) => p.name === name)) kept[name] = value;
  }
  return kept;
}

/** The same checks as `lamina_core::presets::apply_preset`. */
export function applyPresetTo(
  preset: Preset,
  saved: readonly Parameter[],
  app: App,
): AppliedPreset {
  const values: Inputs = {};
  const issues: PresetIssue[] = [];
  const savedParam = (name: string) => saved.find((p) => p.name === name);
  for (const param of app.parameters) {
    const value = preset.inputs[param.name];
    if (value === undefined) {
      if (!savedParam(param.name) && isMandatory(param)) {
        issues.push({
          field: param.name,
          kind: "newRequired",
          value: null,
          applied: false,
          reason: "is new in this app and needs a value",
        });
      }
      continue;
    }
    const kindChanged =
      savedParam(param.name)?.type !== undefined && savedParam(param.name)?.type !== param.type;
    const check =
      value.trim() === ""
        ? null
        : validateInputs([{ ...param, required: false }], { [param.name]: value });
    const reason = check && !check.ok ? check.problems.map((p) => p.reason).join("; ") : null;
    if (reason === null) {
      values[param.name] = value;
      if (kindChanged) {
        issues.push({
          field: param.name,
          kind: "kindChanged",
          value,
          applied: true,
          reason: "changed since the preset was saved; check the value",
        });
      }
    } else {
      issues.push({
        field: param.name,
        kind: param.type === "options" && !kindChanged ? "optionGone" : "invalid",
        value,
        applied: false,
        reason,
      });
    }
  }
  for (const [name, value] of Object.entries(preset.inputs)) {
    if (value !== undefined && !app.parameters.some((p) => p.name === name)) {
      issues.push({
        field: name,
        kind: "removed",
        value,
        applied: false,
        reason: `is no longer an input of \u201c${app.name}\u201d`,
      });
    }
  }
  return { preset: clone(preset), values, issues };
}

export class MemoryPresets {
  private readonly stored = new Map<string, Stored>();
  private counter = 0;

  list(appId: string): Preset[] {
    return [...this.stored.values()]
      .map((s) => s.preset)
      .filter((p) => p.appId === appId)
      .sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1))
      .map(clone);
  }

  save(app: App, name: string, inputs: Inputs): Preset {
    const { shown, key } = normalizeName(name);
    this.requireFree(app.appId, key, shown, null);
    this.counter += 1;
    const now = new Date().toISOString();
    const preset: Preset = {
      presetId: `preset-${this.counter}`,
      appId: app.appId,
      name: shown,
      inputs: keep(app, inputs),
      createdAt: now,
      updatedAt: now,
    };
    this.stored.set(preset.presetId, { preset, parameters: clone(app.parameters) });
    return clone(preset);
  }

  update(presetId: string, app: App, inputs: Inputs): Preset {
    const s = this.must(presetId);
    s.preset = { ...s.preset, inputs: keep(app, inputs), updatedAt: new Date().toISOString() };
    s.parameters = clone(app.parameters);
    return clone(s.preset);
  }

  apply(presetId: string, app: App): AppliedPreset {
    const s = this.must(presetId);
    return applyPresetTo(s.preset, s.parameters, app);
  }

  appOf(presetId: string): string {
    return this.must(presetId).preset.appId;
  }

  rename(presetId: string, name: string): Preset {
    const s = this.must(presetId);
    const { shown, key } = normalizeName(name);
    this.requireFree(s.preset.appId, key, shown, presetId);
    s.preset = { ...s.preset, name: shown, updatedAt: new Date().toISOString() };
    return clone(s.preset);
  }

  delete(presetId: string): Preset {
    const s = this.must(presetId);
    this.stored.delete(presetId);
    return clone(s.preset);
  }

  private must(presetId: string): Stored {
    const s = this.stored.get(presetId);
    if (!s) {
      throw appError({
        kind: "notFound",
        message: "That preset no longer exists.",
        detail: `no preset ${presetId}`,
      });
    }
    return s;
  }

  private requireFree(appId: string, key: string, shown: string, except: string | null): void {
    for (const s of this.stored.values()) {
      if (
        s.preset.appId === appId &&
        s.preset.presetId !== except &&
        s.preset.name.toLowerCase() === key
      ) {
        throw appError({
          kind: "conflict",
          message: `There is already a preset called \u201c${shown}\u201d for this app. Pick another name.`,
          detail: `preset name taken: ${shown}`,
        });
      }
    }
  }
}
