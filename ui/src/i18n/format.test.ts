import { describe, expect, it } from "vitest";
import { formatBytes, formatNumber } from "./format";
import { i18n } from "./index";

describe("i18n", () => {
  it("serves English strings from the catalog", () => {
    expect(i18n.t("common:actions.retry")).toBe("Try again");
  });

  it("formats sizes with decimal units and numbers by locale", () => {
    expect(formatBytes(12)).toMatch(/^12\s?bytes$/);
    expect(formatBytes(1_234_567)).toMatch(/^1\.2\s?MB$/);
    expect(formatBytes(980_000)).toMatch(/^980\s?kB$/);
    expect(formatNumber(12345)).toMatch(/^12[,.\s\u202f]?345$/);
  });
});
