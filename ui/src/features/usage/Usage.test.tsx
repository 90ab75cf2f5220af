// Credits in the header: shown from the service, refreshed after a run finishes, hidden when
// the service doesn't report them.
import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { startApp } from "../../test/app";

describe("Credits", () => {
  it("shows the balance and refreshes it after a run finishes", async () => {
    const { backend } = startApp({ mode: "demo" });
    const badge = await screen.findByTestId("usage-badge");
    expect(badge).toHaveTextContent("4,250.5 credits");

    await backend.startRun("product-copy", { "Product Name": "Mug", Tone: "Friendly" });
    await waitFor(() => expect(badge).toHaveTextContent("4,248 credits"), { timeout: 3000 });
  });

  it("keeps its line while the credits are asked for, so the menu does not move", async () => {
    startApp({ mode: "demo" });
    await screen.findByTestId("nav-apps");
    const pending = document.querySelector(".usage-badge");
    expect(pending).not.toBeNull();
    expect(pending).toBeEmptyDOMElement();
    expect(screen.queryByTestId("usage-badge")).toBeNull();
    expect(await screen.findByTestId("usage-badge")).toHaveTextContent("credits");
  });

  it("is hidden when the service reports no credits", async () => {
    startApp({ mode: "demo" }, (b) => {
      b.delivery.usage = null;
    });
    await screen.findByTestId("nav-apps");
    // Give the query time to answer.
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId("usage-badge")).toBeNull();
  });

  it('still renders when the web view reports the POSIX locale "C"', async () => {
    const language = vi.spyOn(navigator, "language", "get").mockReturnValue("C");
    startApp({ mode: "demo" });
    expect(await screen.findByTestId("usage-badge")).toHaveTextContent("credits");
    language.mockRestore();
  });
});
