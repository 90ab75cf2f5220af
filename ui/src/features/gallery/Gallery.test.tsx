// The Gallery: a grid of every kept image, keyboard navigation, the lightbox and stars.
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { startApp } from "../../test/app";
import { columnsFor } from "./GalleryGrid";

const BASE = Date.parse("2026-03-10T12:00:00Z");
const at = (minutesAgo: number) => new Date(BASE - minutesAgo * 60_000).toISOString();

function items() {
  return screen.queryAllByTestId("gallery-item");
}

describe("Gallery", () => {
  it("shows every kept image newest first, filtered by text, app and stars", async () => {
    const { user } = startApp({}, (b) => {
      b.seedRun({ appId: "full-set-catalog", createdAt: at(30), starred: [2] });
      b.seedRun({ appId: "hero-image", inputs: { Prompt: "Blue kettle" }, createdAt: at(10) });
      b.seedRun({ appId: "product-copy", createdAt: at(5) }); // text only: no images
      b.seedRun({ appId: "virtual-try-on", status: "failed", createdAt: at(1) });
    });
    await user.click(await screen.findByTestId("nav-gallery"));
    await waitFor(() => expect(items()).toHaveLength(5));
    expect(screen.getByTestId("gallery-count")).toHaveTextContent("5 images");
    expect(items()[0]).toHaveAccessibleName(/Hero Image/);
    expect(items()[3]).toHaveAttribute("data-starred", "true");

    await user.type(screen.getByTestId("gallery-search"), "kettle");
    await waitFor(() => expect(items()).toHaveLength(1));
    await user.clear(screen.getByTestId("gallery-search"));
    await user.selectOptions(screen.getByTestId("gallery-app-filter"), "full-set-catalog");
    await waitFor(() => expect(items()).toHaveLength(4));
    await user.click(screen.getByTestId("gallery-starred"));
    await waitFor(() => expect(items()).toHaveLength(1));
    expect(items()[0]).toHaveAttribute("data-output-index", "2");
  });

  it("moves with arrow keys, opens with Enter, steps through the lightbox, stars with S, closes with Esc", async () => {
    const { backend, user } = startApp({}, (b) => {
      for (let i = 0; i < 6; i++) b.seedRun({ appId: "full-set-catalog", createdAt: at(i * 10) });
    });
    const setStarred = vi.spyOn(backend, "setStarred");
    await user.click(await screen.findByTestId("nav-gallery"));
    await waitFor(() => expect(items()).toHaveLength(24));
    const columns = columnsFor(1200);
    await waitFor(() =>
      expect(screen.getByTestId("gallery-grid")).toHaveAttribute("data-columns", String(columns)),
    );

    // Roving focus: one tab stop, arrows move it.
    const tile = (i: number) => items().find((el) => el.dataset.index === String(i))!;
    expect(items().filter((el) => el.tabIndex === 0)).toEqual([tile(0)]);
    await user.click(tile(0));
    await user.keyboard("{Escape}");
    await waitFor(() => expect(tile(0)).toHaveFocus());
    await user.keyboard("{ArrowRight}");
    await waitFor(() => expect(tile(1)).toHaveFocus());
    await user.keyboard("{ArrowDown}");
    await waitFor(() => expect(tile(1 + columns)).toHaveFocus());
    // One key at a time, as a person presses them: focus moves after each render.
    await user.keyboard("{ArrowUp}");
    await waitFor(() => expect(tile(1)).toHaveFocus());
    await user.keyboard("{ArrowLeft}");
    await waitFor(() => expect(tile(0)).toHaveFocus());

    await user.keyboard("{Enter}");
    const lightbox = await screen.findByTestId("lightbox");
    expect(lightbox).toHaveTextContent("1 of 24");
    expect(within(lightbox).getByTestId("lightbox-image")).toHaveAttribute(
      "src",
      backend.mediaUrl(tile(0).dataset.localId!, 0),
    );
    await user.keyboard("{ArrowRight}{ArrowRight}");
    expect(lightbox).toHaveTextContent("3 of 24");
    expect(lightbox).toHaveTextContent("Detail");
    await user.keyboard("{ArrowLeft}");
    expect(lightbox).toHaveTextContent("2 of 24");

    const star = within(lightbox).getByTestId("lightbox-star");
    expect(star).toHaveAttribute("aria-pressed", "false");
    await user.keyboard("s");
    await waitFor(() => expect(star).toHaveAttribute("aria-pressed", "true"));
    expect(setStarred).toHaveBeenCalledWith(tile(1).dataset.localId, 1, true);
    await waitFor(() => expect(tile(1)).toHaveAttribute("data-starred", "true"));

    // Zoom: keys and buttons.
    expect(within(lightbox).getByTestId("lightbox-zoom-level")).toHaveTextContent("Fit");
    await user.keyboard("+");
    expect(within(lightbox).getByTestId("lightbox-zoom-level")).toHaveTextContent("125%");
    await user.click(within(lightbox).getByTestId("lightbox-zoom-out"));
    expect(within(lightbox).getByTestId("lightbox-zoom-level")).toHaveTextContent("Fit");
    await user.dblClick(within(lightbox).getByTestId("lightbox-image"));
    expect(within(lightbox).getByTestId("lightbox-zoom-level")).not.toHaveTextContent("Fit");
    await user.keyboard("0");
    expect(within(lightbox).getByTestId("lightbox-zoom-level")).toHaveTextContent("Fit");

    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("lightbox")).toBeNull());
    // Focus comes back to the image last shown.
    await waitFor(() => expect(tile(1)).toHaveFocus());
  });

  it("stars from the grid with S or the hover button, and opens the run from the lightbox", async () => {
    const { user } = startApp({}, (b) => {
      b.seedRun({ appId: "hero-image", inputs: { Prompt: "Lamp" }, createdAt: at(1) });
      b.seedRun({ appId: "hero-image", inputs: { Prompt: "Chair" }, createdAt: at(2) });
    });
    await user.click(await screen.findByTestId("nav-gallery"));
    await waitFor(() => expect(items()).toHaveLength(2));
    items()[0]!.focus();
    await user.keyboard("s");
    await waitFor(() => expect(items()[0]).toHaveAttribute("data-starred", "true"));
    await user.click(screen.getAllByTestId("gallery-star")[1]!);
    await waitFor(() => expect(items()[1]).toHaveAttribute("data-starred", "true"));

    const chair = items()[1]!.dataset.localId;
    await user.click(items()[1]!);
    await user.click(
      within(await screen.findByTestId("lightbox")).getByTestId("lightbox-open-run"),
    );
    const detail = await screen.findByTestId("run-detail");
    expect(screen.getByTestId("history-screen")).toBeInTheDocument();
    expect(detail).toHaveAttribute("data-local-id", chair);
    expect(within(detail).getByTestId("run-inputs")).toHaveTextContent("Chair");
  });

  it("steps across pages in the lightbox", async () => {
    const { backend, user } = startApp({}, (b) => {
      for (let i = 0; i < 26; i++) b.seedRun({ appId: "full-set-catalog", createdAt: at(i) });
    });
    const gallery = vi.spyOn(backend, "gallery");
    await user.click(await screen.findByTestId("nav-gallery"));
    expect(await screen.findByTestId("gallery-count")).toHaveTextContent("104 images");
    await user.click(items()[0]!);
    const lightbox = await screen.findByTestId("lightbox");
    await user.keyboard("{End}");
    expect(lightbox).toHaveTextContent("104 of 104");
    // The last image's page is fetched on demand and shown.
    expect(await within(lightbox).findByTestId("lightbox-image")).toHaveAccessibleName("Lifestyle");
    expect(gallery.mock.calls.some(([q]) => q.offset === 100)).toBe(true);
    await user.keyboard("{ArrowLeft}");
    expect(lightbox).toHaveTextContent("103 of 104");
    expect(within(lightbox).getByTestId("lightbox-next")).toBeEnabled();
    await user.keyboard("{ArrowRight}{ArrowRight}");
    expect(lightbox).toHaveTextContent("104 of 104");
    expect(within(lightbox).getByTestId("lightbox-next")).toBeDisabled();
  });

  it("has an empty state", async () => {
    const { user } = startApp();
    await user.click(await screen.findByTestId("nav-gallery"));
    expect(await screen.findByText("No images yet")).toBeInTheDocument();
  });
});
