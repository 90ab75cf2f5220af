import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { startApp } from "../../test/app";

describe("start-up timing", () => {
  it("reports the catalog's first paint once, after the cards are drawn", async () => {
    const { backend, user } = startApp();
    expect(backend.firstPaints).toBe(0);
    await screen.findAllByTestId("app-card");
    await waitFor(() => expect(backend.firstPaints).toBe(1));
    // Searching redraws the cards; start-up is over, so nothing more is reported.
    await user.type(screen.getByTestId("catalog-search"), "h");
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(backend.firstPaints).toBe(1);
  });
});
