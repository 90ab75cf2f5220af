import { describe, expect, it } from "vitest";
import { compareInputs, toggleId, valuesDiffer, visibleRows } from "./diff";

describe("compareInputs", () => {
  it("lines up every input of every run and marks the ones that differ", () => {
    const rows = compareInputs([
      { inputs: { Prompt: "linen shirt", "Aspect Ratio": "1:1" } },
      { inputs: { Prompt: "linen shirt", "Aspect Ratio": "16:9", Style: "Warm" } },
    ]);
    expect(rows).toEqual([
      { name: "Prompt", values: ["linen shirt", "linen shirt"], differs: false },
      { name: "Aspect Ratio", values: ["1:1", "16:9"], differs: true },
      { name: "Style", values: [null, "Warm"], differs: true },
    ]);
  });

  it("treats blank and missing values as the same, and compares trimmed but case-sensitive", () => {
    const rows = compareInputs([
      { inputs: { Prompt: " shoe ", Notes: "" } },
      { inputs: { Prompt: "shoe" } },
      { inputs: { Prompt: "Shoe", Notes: "  " } },
    ]);
    // "Notes" is never set by anyone: no row at all.
    expect(rows.map((r) => r.name)).toEqual(["Prompt"]);
    expect(rows[0]).toEqual({ name: "Prompt", values: ["shoe", "shoe", "Shoe"], differs: true });
  });

  it("finds nothing to highlight between identical runs, and handles more than two", () => {
    const same = { Prompt: "bag", "Aspect Ratio": "4:3" };
    const rows = compareInputs([{ inputs: same }, { inputs: { ...same } }, { inputs: same }]);
    expect(rows.every((r) => !r.differs)).toBe(true);
    expect(visibleRows(rows, true)).toEqual([]);
    expect(visibleRows(rows, false)).toHaveLength(2);
  });

  it("keeps the order in which names first appear", () => {
    const rows = compareInputs([{ inputs: { B: "1" } }, { inputs: { A: "1", B: "1" } }]);
    expect(rows.map((r) => r.name)).toEqual(["B", "A"]);
  });
});

describe("helpers", () => {
  it("valuesDiffer", () => {
    expect(valuesDiffer([])).toBe(false);
    expect(valuesDiffer(["a"])).toBe(false);
    expect(valuesDiffer(["a", "a"])).toBe(false);
    expect(valuesDiffer(["a", null])).toBe(true);
  });

  it("toggleId keeps the picking order", () => {
    expect(toggleId([], "x")).toEqual(["x"]);
    expect(toggleId(["x", "y"], "x")).toEqual(["y"]);
    expect(toggleId(["y"], "x")).toEqual(["y", "x"]);
  });
});
