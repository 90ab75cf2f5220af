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

describe("the saved first screen", () => {
  it("is exactly React's first render, so taking over the pre-drawn page changes nothing", async () => {
    mockLayout();
    // Last start: React draws the catalog and keeps a copy of that first commit.
    const before = new MemoryBackend({ stepMs: 40, mode: "demo" });
    const first = await before.startupState();
    const drawn = document.createElement("div");
    document.body.append(drawn);
    let kept: ReturnType<typeof render>;
    act(() => {
      kept = render(drawn, before, first);
    });
    const screenKept = kept!;
    expect(screenKept?.markup).toContain('data-testid="app-card"');
    expect(screenKept?.theme).toBe("system");
    // The copy is what was on screen, cards and shell alike.
    expect(screenKept?.markup).toBe(drawn.innerHTML);
    await waitFor(() => expect(before.savedFirstScreens).toEqual([screenKept]), { timeout: 3000 });
    drawn.remove();
    before.dispose();

    // This start: the page arrives with the copy in #root (what Rust serves); React's first
    // render replaces it within the same task by the same DOM, node for node.
    const after = new MemoryBackend({ stepMs: 40, mode: "demo" });
    const again = await after.startupState();
    const page = document.createElement("div");
    page.innerHTML = screenKept!.markup;
    document.body.append(page);
    const changes: MutationRecord[] = [];
    const observer = new MutationObserver((records) => changes.push(...records));
    observer.observe(page, {
      childList: true,
      subtree: true,
      attributes: true,
      characterData: true,
    });
    act(() => {
      render(page, after, again);
    });
    expect(page.innerHTML).toBe(screenKept!.markup);
    // React did take over (its nodes replaced the pre-drawn ones).
    changes.push(...observer.takeRecords());
    expect(changes.some((change) => change.removedNodes.length > 0)).toBe(true);
    observer.disconnect();
    page.remove();
    after.dispose();
  });

  it("is forgotten when the first screen is not the catalog", async () => {
    mockLayout();
    const backend = new MemoryBackend({ stepMs: 40, mode: "none" });
    const first = await backend.startupState();
    const container = document.createElement("div");
    document.body.append(container);
    let kept: ReturnType<typeof render>;
    act(() => {
      kept = render(container, backend, first);
    });
    expect(kept!).toBeNull();
    await waitFor(() => expect(backend.savedFirstScreens).toEqual([null]), { timeout: 3000 });
    container.remove();
    backend.dispose();
  });
});
