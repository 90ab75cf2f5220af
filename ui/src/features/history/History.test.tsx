// History against the in-memory backend: listing, filters, virtualization, live updates.
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { startApp } from "../../test/app";

const HOUR = 3_600_000;
const BASE = Date.parse("2026-03-10T12:00:00Z");
const at = (hoursAgo: number) => new Date(BASE - hoursAgo * HOUR).toISOString();

function rows() {
  return screen.queryAllByTestId("history-row");
}

describe("History", () => {
  it("lists every run newest first with the total, and filters by text, app, status and stars", async () => {
    const ids: Record<string, string> = {};
    const { user } = startApp({}, (b) => {
      ids.vase = b.seedRun({
        appId: "hero-image",
        inputs: { Prompt: "Ceramic vase on oak", "Aspect Ratio": "1:1" },
        createdAt: at(30),
      }).localId;
      ids.shirt = b.seedRun({
        appId: "social-ad-pack",
        inputs: { "Product Description": "Linen shirt", Tone: "Premium" },
        createdAt: at(2),
        starred: [0],
      }).localId;
      ids.failed = b.seedRun({
        appId: "virtual-try-on",
        status: "failed",
        createdAt: at(10),
      }).localId;
      ids.unknown = b.seedRun({
        appId: "hero-image",
        inputs: { Prompt: "Red sneaker on sand" },
        status: "unknown",
        createdAt: at(1),
      }).localId;
    });
    await user.click(await screen.findByTestId("nav-history"));
    expect(screen.getByTestId("nav-history")).toHaveAttribute("aria-current", "page");
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(rows().map((r) => r.dataset.localId)).toEqual([
      ids.unknown,
      ids.shirt,
      ids.failed,
      ids.vase,
    ]);
    expect(screen.getByTestId("history-count")).toHaveTextContent("4 runs");

    // A row: thumbnails from the thumb URL, app, status in words, inputs in one line.
    const shirt = rows()[1]!;
    expect(shirt).toHaveAttribute("data-status", "completed");
    expect(within(shirt).getAllByTestId("history-thumb")).toHaveLength(2);
    expect(within(shirt).getAllByTestId("history-thumb")[0]).toHaveAttribute("loading", "lazy");
    expect(shirt).toHaveTextContent("Social Ad Pack");
    expect(shirt).toHaveTextContent("Linen shirt · Premium");
    expect(within(rows()[0]!).getByTestId("history-status")).toHaveTextContent("Unknown — check");

    // Words must all appear, in any case.
    await user.type(screen.getByTestId("history-search"), "VASE oak");
    await waitFor(() => expect(rows().map((r) => r.dataset.localId)).toEqual([ids.vase]));
    expect(screen.getByTestId("history-count")).toHaveTextContent("1 matching run");
    await user.clear(screen.getByTestId("history-search"));

    await user.selectOptions(screen.getByTestId("history-app-filter"), "hero-image");
    await waitFor(() => expect(rows()).toHaveLength(2));
    await user.selectOptions(screen.getByTestId("history-status-filter"), "unknown");
    await waitFor(() => expect(rows().map((r) => r.dataset.localId)).toEqual([ids.unknown]));

    await user.click(screen.getByTestId("history-clear-filters"));
    await waitFor(() => expect(rows()).toHaveLength(4));
    await user.selectOptions(screen.getByTestId("history-status-filter"), "failed");
    await waitFor(() => expect(rows().map((r) => r.dataset.localId)).toEqual([ids.failed]));
    await user.selectOptions(screen.getByTestId("history-status-filter"), "");

    await user.click(screen.getByTestId("history-starred"));
    await waitFor(() => expect(rows().map((r) => r.dataset.localId)).toEqual([ids.shirt]));
    await user.click(screen.getByTestId("history-starred"));

    // Dates: "to" is inclusive of its whole day.
    const day = (iso: string) => {
      const d = new Date(iso);
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    };
    fireEvent.change(screen.getByTestId("history-from"), { target: { value: day(at(30)) } });
    fireEvent.change(screen.getByTestId("history-to"), { target: { value: day(at(30)) } });
    await waitFor(() => expect(rows().map((r) => r.dataset.localId)).toContain(ids.vase));
    expect(rows().map((r) => r.dataset.localId)).not.toContain(ids.unknown);

    // Nothing matches: says so, with a way out.
    await user.type(screen.getByTestId("history-search"), "zebra");
    expect(await screen.findByText("No runs match these filters")).toBeInTheDocument();
    await user.click(screen.getByTestId("history-no-matches-clear"));
    await waitFor(() => expect(rows()).toHaveLength(4));
  });

  it("shows an empty state with a way to start", async () => {
    const { user } = startApp();
    await user.click(await screen.findByTestId("nav-history"));
    expect(await screen.findByText("No runs yet")).toBeInTheDocument();
    await user.click(screen.getByTestId("history-empty-action"));
    expect(await screen.findByTestId("catalog-search")).toBeInTheDocument();
  });

  it("opens 10,000 runs rendering only a window of rows, and loads only the pages scrolled to", async () => {
    const { backend, user } = startApp({}, (b) => b.seedHistory(10_000, BASE));
    const search = vi.spyOn(backend, "searchRuns");
    await user.click(await screen.findByTestId("nav-history"));
    await waitFor(() => expect(rows().length).toBeGreaterThan(5));
    expect(screen.getByTestId("history-count")).toHaveTextContent("10,000 runs");
    expect(rows().length).toBeLessThan(60);
    expect(search.mock.calls.every(([q]) => q.offset === 0 && q.limit === 100)).toBe(true);

    // Jump to the middle: the page under it is fetched, nothing in between.
    const list = screen.getByTestId("history-list");
    list.scrollTop = 72 * 5000;
    fireEvent.scroll(list);
    await waitFor(() =>
      expect(list.querySelector('[data-testid="history-row"][data-index="5000"]')).not.toBeNull(),
    );
    const offsets = new Set(search.mock.calls.map(([q]) => q.offset));
    expect(offsets.has(5000)).toBe(true);
    expect(offsets.size).toBeLessThanOrEqual(4);
    expect(rows().length).toBeLessThan(60);
  });

  it("moves through rows with the keyboard, and Ctrl+F goes to the search", async () => {
    const { user } = startApp({}, (b) => b.seedHistory(30, BASE));
    await user.click(await screen.findByTestId("nav-history"));
    await waitFor(() => expect(rows().length).toBeGreaterThan(5));
    await user.click(rows()[0]!);
    const first = await screen.findByTestId("run-detail");
    expect(first).toHaveAttribute("data-local-id", rows()[0]!.dataset.localId);
    // One key at a time, as a person presses them: focus moves after each render.
    await user.keyboard("{ArrowDown}");
    await waitFor(() => expect(rows()[1]).toHaveFocus());
    await user.keyboard("{ArrowDown}");
    await waitFor(() =>
      expect(screen.getByTestId("run-detail")).toHaveAttribute(
        "data-local-id",
        rows()[2]!.dataset.localId,
      ),
    );
    expect(rows()[2]).toHaveFocus();
    expect(rows()[2]).toHaveAttribute("aria-selected", "true");

    // Closing the panel gives the keyboard back to the row.
    await user.click(screen.getByTestId("run-detail-close"));
    expect(screen.queryByTestId("run-detail")).toBeNull();
    await waitFor(() => expect(rows()[2]).toHaveFocus());

    await user.keyboard("{Control>}f{/Control}");
    expect(screen.getByTestId("history-search")).toHaveFocus();
  });

  it("adds a new run at the top and follows it live", async () => {
    const { backend, user } = startApp({}, (b) => b.seedHistory(3, BASE));
    await user.click(await screen.findByTestId("nav-history"));
    await waitFor(() => expect(rows()).toHaveLength(3));
    let localId = "";
    await act(async () => {
      localId = (await backend.startRun("hero-image", { Prompt: "Lamp" })).localId;
    });
    await waitFor(() => expect(rows()[0]).toHaveAttribute("data-local-id", localId));
    expect(screen.getByTestId("history-count")).toHaveTextContent("4 runs");
    await waitFor(() => expect(rows()[0]).toHaveAttribute("data-status", "completed"), {
      timeout: 3000,
    });
    await waitFor(() => expect(within(rows()[0]!).getAllByTestId("history-thumb")).toHaveLength(1));
  });
});
