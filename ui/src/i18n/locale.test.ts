import { afterEach, describe, expect, it, vi } from "vitest";
import { formatDate, formatNumber } from "./format";
import { locale } from "./index";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("locale", () => {
  it("falls back to the runtime's default for a tag Intl refuses (WebKitGTK under LANG=C says 'C')", () => {
    vi.spyOn(navigator, "language", "get").mockReturnValue("C");
    expect(locale()).toBeUndefined();
    expect(() => formatNumber(10000)).not.toThrow();
    expect(() => formatDate(new Date(0), { dateStyle: "medium" })).not.toThrow();
  });

  it("keeps a real tag, canonicalized", () => {
    vi.spyOn(navigator, "language", "get").mockReturnValue("de-de");
    expect(locale()).toBe("de-DE");
    expect(formatNumber(12345.5)).toBe("12.345,5");
  });
});
