import { afterEach, describe, expect, it, vi } from "vitest";
import { formatDate, formatNumber } from "./format";
import { locale } from "./index";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("locale", () => {
  it("writes US English numbers and dates for a tag Intl refuses (WebKitGTK under LANG=C says 'C')", () => {
    vi.spyOn(navigator, "language", "get").mockReturnValue("C");
    expect(locale()).toBe("en-US");
    // Not the POSIX variant Intl would default to there ("10000").
    expect(formatNumber(10000)).toBe("10,000");
    expect(formatDate(new Date(Date.UTC(2026, 11, 6, 12)), { dateStyle: "medium" })).toBe(
      "Dec 6, 2026",
    );
  });

  it("keeps a real tag, canonicalized", () => {
    vi.spyOn(navigator, "language", "get").mockReturnValue("de-de");
    expect(locale()).toBe("de-DE");
    expect(formatNumber(12345.5)).toBe("12.345,5");
  });
});
