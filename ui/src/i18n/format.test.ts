import { describe, expect, it, vi } from "vitest";
import { formatBytes, formatDate, formatList, formatNumber, formatRelative } from "./format";
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

  it("formats relative times and lists by locale", () => {
    expect(formatRelative(-5, "minute")).toMatch(/5 min\.? ago/);
    expect(formatRelative(-1, "day")).toBe("yesterday");
    expect(formatList(["1:1", "16:9"])).toBe("1:1, 16:9");
  });

  it("falls back to Intl's default when the web view reports a locale Intl refuses (LANG=C)", () => {
    vi.spyOn(navigator, "language", "get").mockReturnValue("C");
    expect(formatNumber(1234)).toMatch(/^1[,.\s\u202f]?234$/);
    expect(formatDate(new Date(0), { year: "numeric" })).toMatch(/19(69|70)/);
    vi.spyOn(navigator, "language", "get").mockReturnValue("de-DE");
    expect(formatNumber(1234.5)).toBe("1.234,5");
  });
});
