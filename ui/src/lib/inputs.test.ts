// The same cases as the Rust side's `validate_inputs` tests: the two must agree.
import { describe, expect, it } from "vitest";
import type { Parameter } from "./backend/types";
import { checkUrl, initialValues, validateInputs } from "./inputs";

const PARAMS: Parameter[] = [
  { name: "Prompt", type: "text", required: true },
  {
    name: "Aspect Ratio",
    type: "options",
    required: true,
    default: "1:1",
    options: ["1:1", "16:9"],
  },
  { name: "Reference", type: "url", required: false },
];

describe("validateInputs", () => {
  it("applies defaults by leaving blank optional values out", () => {
    expect(validateInputs(PARAMS, { Prompt: "shoe", Reference: " " })).toEqual({
      ok: true,
      inputs: { Prompt: "shoe" },
    });
  });

  it("reports every problem with its field, unknown inputs first", () => {
    const result = validateInputs(
      PARAMS,
      { "Aspect Ratio": "2:1", Reference: "ftp://x/y.png", Colour: "red" },
      "Hero Image",
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual([
      "Colour",
      "Prompt",
      "Aspect Ratio",
      "Reference",
    ]);
    expect(result.problems[0]!.reason).toBe('is not an input of "Hero Image"');
    expect(result.problems[1]!.reason).toBe("is required");
    expect(result.problems[2]!.reason).toContain("1:1, 16:9");
  });

  it("matches option labels exactly (after trimming)", () => {
    expect(validateInputs(PARAMS, { Prompt: "x", "Aspect Ratio": "16:9" }).ok).toBe(true);
    expect(validateInputs(PARAMS, { Prompt: "x", "Aspect Ratio": "16:9 " })).toEqual({
      ok: true,
      inputs: { Prompt: "x", "Aspect Ratio": "16:9" },
    });
    expect(validateInputs(PARAMS, { Prompt: "x", "Aspect Ratio": "16x9" }).ok).toBe(false);
    const styled: Parameter[] = [
      { name: "Style", type: "options", options: ["Disney / Pixar", "Anime"] },
    ];
    expect(validateInputs(styled, { Style: "Disney / Pixar" })).toEqual({
      ok: true,
      inputs: { Style: "Disney / Pixar" },
    });
    expect(validateInputs(styled, { Style: "disney / pixar" }).ok).toBe(false);
    expect(validateInputs(styled, { Style: "Disney/Pixar" }).ok).toBe(false);
  });

  it("accepts only absolute web addresses for url parameters", () => {
    for (const bad of [
      "not a url",
      "/relative.png",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "https://",
    ]) {
      expect(validateInputs(PARAMS, { Prompt: "x", Reference: bad }).ok, bad).toBe(false);
    }
    expect(
      validateInputs(PARAMS, { Prompt: "x", Reference: "https://cdn.example.com/a.png" }).ok,
    ).toBe(true);
    expect(
      validateInputs(PARAMS, { Prompt: "x", Reference: "http://127.0.0.1:8787/files/a.png" }).ok,
    ).toBe(true);
    expect(checkUrl("mailto:a@b.c")).toBe(
      "must be a web address starting with http:// or https://",
    );
    expect(checkUrl("nope")).toBe("is not a valid web address");
  });

  it("treats required:false or a default as optional, anything else as required", () => {
    const params: Parameter[] = [
      { name: "A", type: "text" },
      { name: "B", type: "text", required: null } as unknown as Parameter,
      { name: "C", type: "text", required: false },
      { name: "D", type: "text", required: true, default: "d" },
    ];
    const result = validateInputs(params, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.field)).toEqual(["A", "B"]);
  });
});

describe("initialValues", () => {
  it("starts from defaults and overlays the last inputs of known parameters", () => {
    expect(initialValues(PARAMS)).toEqual({ Prompt: "", "Aspect Ratio": "1:1", Reference: "" });
    expect(initialValues(PARAMS, { Prompt: "vase", "Aspect Ratio": "16:9", Gone: "x" })).toEqual({
      Prompt: "vase",
      "Aspect Ratio": "16:9",
      Reference: "",
    });
  });
});
