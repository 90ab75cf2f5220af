import { act, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { render } from "./boot";
import { MemoryBackend } from "./lib/backend/memory";
import { mockLayout } from "./test/app";

async function boot(catalogIsLive: boolean) {
  const backend = new MemoryBackend({ stepMs: 40, mode: "demo" });
  const first = await backend.startupState();
  const listApps = vi.spyOn(backend, "listApps");
  const accountStatus = vi.spyOn(backend, "accountStatus");
  mockLayout();
  const container = document.createElement("div");
  document.body.append(container);
  act(() => render(container, backend, { ...first, catalogIsLive }));
  return { backend, listApps, accountStatus };
}

describe("the first screen at start-up", () => {
  it("draws the shell and the live catalog from the one start-up answer, asking nothing more", async () => {
    const { listApps, accountStatus, backend } = await boot(true);
    // Drawn in the first render: no loading step in between.
    expect(screen.getAllByTestId("app-card").length).toBeGreaterThan(0);
    expect(screen.getByTestId("demo-badge")).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(listApps).not.toHaveBeenCalled();
    expect(accountStatus).not.toHaveBeenCalled();
    backend.dispose();
  });

  it("shows a saved catalog at once and asks the service again", async () => {
    const { listApps, backend } = await boot(false);
    expect(screen.getAllByTestId("app-card").length).toBeGreaterThan(0);
    await waitFor(() => expect(listApps).toHaveBeenCalledWith(null));
    backend.dispose();
  });
});
