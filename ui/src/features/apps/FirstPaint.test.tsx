import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { startApp } from "../../test/app";

describe("start-up timing", () => {
  it("reports the catalog's first paint once, after the cards are drawn", async () => {
    const { backend, user } = startApp();
    expect(backend.firstPaints).toBe(0);
    await screen.findAllByTestId("app-card");
    await waitFor(() => expect(backend.firstPaints).toBe(1));
    // With the page's marks, in order and ending at the paint.
    const marks = backend.lastStartupTimings?.marks.map((mark) => mark.name) ?? [];
    expect(marks).toContain("cards-rendered");
    expect(marks.at(-1)).toBe("painted");
    const times = backend.lastStartupTimings?.marks.map((mark) => mark.atMs) ?? [];
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Searching redraws the cards; start-up is over, so nothing more is reported.
    await user.type(screen.getByTestId("catalog-search"), "h");
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(backend.firstPaints).toBe(1);
  });
});
