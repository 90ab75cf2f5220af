// Compare through the in-memory backend: History's select mode, then runs side by side with the
// differing inputs highlighted and "show only differences".
import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { startApp } from "../../test/app";
import { useCompareSelection } from "./selection";

afterEach(() => {
  useCompareSelection.setState(useCompareSelection.getInitialState(), true);
});

const BASE = Date.parse("2026-03-10T12:00:00Z");
const at = (minutesAgo: number) => new Date(BASE - minutesAgo * 60_000).toISOString();

function rows() {
  return screen.queryAllByTestId("history-row");
}

describe("Compare", () => {
  it("picks runs in History and shows them side by side with the differences marked", async () => {
    const ids: Record<string, string> = {};
    const { user } = startApp({}, (b) => {
      ids.square = b.seedRun({
        appId: "hero-image",
        inputs: { Prompt: "Linen shirt on a beach", "Aspect Ratio": "1:1" },
        createdAt: at(30),
      }).localId;
      ids.wide = b.seedRun({
        appId: "hero-image",
        inputs: { Prompt: "Linen shirt on a beach", "Aspect Ratio": "16:9" },
        createdAt: at(20),
      }).localId;
      ids.failed = b.seedRun({
        appId: "hero-image",
        inputs: { Prompt: "Linen shirt on a beach", "Aspect Ratio": "16:9" },
        status: "failed",
        createdAt: at(10),
      }).localId;
    });
    await user.click(await screen.findByTestId("nav-history"));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(screen.queryAllByTestId("compare-check")).toHaveLength(0);

    // Select mode: rows get tick boxes and clicking a row ticks it instead of opening it.
    await user.click(screen.getByTestId("compare-select"));
    expect(screen.getAllByTestId("compare-check")).toHaveLength(3);
    expect(screen.getByTestId("compare-selected-count")).toHaveTextContent("Pick two or more runs");
    const byId = (id: string) => rows().find((r) => r.dataset.localId === id)!;
    await user.click(byId(ids.wide!));
    expect(screen.queryByTestId("run-detail")).toBeNull();
    expect(screen.getByTestId("compare-open")).toBeDisabled();
    await user.click(within(byId(ids.square!)).getByTestId("compare-check"));
    expect(within(byId(ids.square!)).getByTestId("compare-check")).toBeChecked();
    expect(screen.getByTestId("compare-selected-count")).toHaveTextContent("2 selected");
    await user.click(screen.getByTestId("compare-open"));

    // Side by side, in the order picked: images, status, app, time, inputs.
    // The screen shows a loading state first; take it once its columns are there.
    const columns = await screen.findAllByTestId("compare-column");
    const view = screen.getByTestId("compare-screen");
    expect(screen.getByTestId("nav-history")).toHaveAttribute("aria-current", "page");
    expect(columns.map((c) => c.dataset.localId)).toEqual([ids.wide, ids.square]);
    expect(within(view).getAllByTestId("compare-image")).toHaveLength(2);
    expect(within(view).getByTestId("compare-difference-count")).toHaveTextContent(
      "1 input differs",
    );
    const inputRows = within(view).getAllByTestId("compare-input-row");
    const ratioRow = inputRows.find((r) => r.dataset.name === "Aspect Ratio")!;
    const promptRow = inputRows.find((r) => r.dataset.name === "Prompt")!;
    expect(ratioRow).toHaveAttribute("data-differs", "true");
    expect(ratioRow).toHaveClass("is-different");
    expect(ratioRow).toHaveTextContent("16:9");
    expect(ratioRow).toHaveTextContent("1:1");
    expect(promptRow).toHaveAttribute("data-differs", "false");
    expect(within(view).getByTestId("compare-app")).toHaveTextContent("Hero Image");

    // Only the differences: the shared prompt and the same app and status go away.
    await user.click(within(view).getByTestId("compare-only-differences"));
    expect(
      within(view)
        .getAllByTestId("compare-input-row")
        .map((r) => r.dataset.name),
    ).toEqual(["Aspect Ratio"]);
    expect(within(view).queryByTestId("compare-app")).toBeNull();
    expect(within(view).queryByTestId("compare-status")).toBeNull();

    // Back in History the selection is still there; add the failed run and compare three.
    await user.click(within(view).getByRole("button", { name: /History/ }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    await user.click(byId(ids.failed!));
    await user.click(screen.getByTestId("compare-open"));
    const three = await screen.findAllByTestId("compare-column");
    expect(three).toHaveLength(3);
    // A failed run has no image, and its status differs from the others.
    expect(screen.getAllByTestId("compare-image")).toHaveLength(2);
    expect(screen.getByTestId("compare-status")).toHaveClass("is-different");
    // A column can be dropped while more than two remain.
    await user.click(within(three[2]!).getByRole("button", { name: /Remove Hero Image/ }));
    await waitFor(() => expect(screen.getAllByTestId("compare-column")).toHaveLength(2));
  });
});

describe("Compare with…", () => {
  it("starts select mode from a run's details with that run ticked", async () => {
    const ids: string[] = [];
    const { user } = startApp({}, (b) => {
      ids.push(b.seedRun({ appId: "hero-image", createdAt: at(5) }).localId);
      ids.push(b.seedRun({ appId: "social-ad-pack", createdAt: at(3) }).localId);
    });
    await user.click(await screen.findByTestId("nav-history"));
    await waitFor(() => expect(rows()).toHaveLength(2));
    await user.click(rows().find((r) => r.dataset.localId === ids[0])!);
    await user.click(await screen.findByTestId("compare-with"));
    expect(screen.queryByTestId("run-detail")).toBeNull();
    expect(screen.getByTestId("compare-selected-count")).toHaveTextContent("1 selected");
    await user.click(rows().find((r) => r.dataset.localId === ids[1])!);
    await user.click(screen.getByTestId("compare-open"));
    const columns = await screen.findAllByTestId("compare-column");
    expect(columns.map((c) => c.dataset.localId)).toEqual(ids);
    // Different apps: the app row is marked as differing.
    expect(screen.getByTestId("compare-app")).toHaveClass("is-different");
  });
});
