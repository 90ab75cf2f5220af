// What differs between runs: pure functions, no React. A blank value and a missing one are the
// same ("not set"); values are compared trimmed and exactly (case matters: it is what was sent).
import type { Inputs } from "../../lib/backend/types";

export interface CompareRow {
  /** The input's name. */
  name: string;
  /** One value per run, in the runs' order; null when the run did not set it. */
  values: (string | null)[];
  /** True when at least two runs hold different values. */
  differs: boolean;
}

function normalize(value: string | undefined): string | null {
  const v = value?.trim() ?? "";
  return v === "" ? null : v;
}

/** True when not every value is the same. */
export function valuesDiffer(values: readonly (string | null)[]): boolean {
  return values.some((v) => v !== values[0]);
}

/**
 * One row per input name found in any run: names in the order they first appear (run by run),
 * each with every run's value and whether they differ.
 */
export function compareInputs(runs: readonly { inputs: Inputs }[]): CompareRow[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    for (const [name, value] of Object.entries(run.inputs)) {
      if (!seen.has(name) && normalize(value) !== null) {
        seen.add(name);
        names.push(name);
      }
    }
  }
  return names.map((name) => {
    const values = runs.map((run) => normalize(run.inputs[name]));
    return { name, values, differs: valuesDiffer(values) };
  });
}

/** The rows to show: all of them, or only those that differ. */
export function visibleRows(rows: readonly CompareRow[], onlyDifferences: boolean): CompareRow[] {
  return onlyDifferences ? rows.filter((r) => r.differs) : [...rows];
}

/** Adds or removes `id`, keeping the order in which runs were picked. */
export function toggleId(ids: readonly string[], id: string): string[] {
  return ids.includes(id) ? ids.filter((i) => i !== id) : [...ids, id];
}
