// The batch screen on the in-memory backend: a bad table lists its problems by row and column
// in one pass and nothing starts; a column that fills nothing is a notice, kept for names; a
// good one (a SKU column kept for names) runs to the grid and exports with names from the
// pattern.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { startApp } from "../../test/app";
import { parseTable, previewTable, renderName } from "../../lib/backend/memory-batch";
import { DEMO_APPS } from "../../lib/backend/memory";
import { defaultPattern } from "./ExportPanel";

const GOOD =
  "sku,Prompt,Aspect Ratio\nTEE-01,a white tee,1:1\nMUG-02,a blue mug,16:9\nBAG-03,a tote bag,3:4\n";
const BAD = "Prompt,Aspect Ratio,Colour\na white tee,1:1,red\n,1:1,red\na mug,2:1,blue\n";

async function openNewBatch(user: ReturnType<typeof startApp>["user"]) {
  await user.click(await screen.findByTestId("nav-batch"));
  await screen.findByTestId("batch-new");
  await waitFor(() =>
    expect(within(screen.getByTestId("batch-app")).getAllByRole("option").length).toBeGreaterThan(
      1,
    ),
  );
  await user.selectOptions(screen.getByTestId("batch-app"), "hero-image");
}

function paste(text: string) {
  fireEvent.change(screen.getByTestId("batch-paste"), { target: { value: text } });
}

describe("Batch", () => {
  it("lists a bad table's problems by row and column, keeps Run disabled and starts nothing", async () => {
    const { backend, user } = startApp();
    const startRun = vi.spyOn(backend, "startRun");
    const startBatch = vi.spyOn(backend, "startBatch");
    await openNewBatch(user);
    paste(BAD);

    // Columns and rows in one pass: the rows' problems by row and column, and the column that
    // fills nothing as a notice (kept for file names), not a problem.
    const problems = await screen.findByTestId("batch-problems");
    expect(problems).toHaveTextContent("2 problems");
    const items = screen.getAllByTestId("batch-problem").map((li) => li.textContent);
    expect(items[0]).toMatch(/Row 3.*Column “Prompt”.*a value is required/);
    expect(items[1]).toMatch(/Row 4.*Column “Aspect Ratio”.*'2:1' must be one of/);
    expect(problems).not.toHaveTextContent("Colour");
    const notices = screen.getByTestId("batch-notices");
    expect(notices).toHaveTextContent(
      "Column “Colour” doesn't fill any field of Hero Image. It isn't sent; it's kept for file names",
    );
    expect(screen.getByTestId("batch-target-Colour")).toHaveValue("__keep__");
    expect(screen.getByTestId("batch-run")).toBeDisabled();

    // Marked "file names only" on purpose: the notice goes, the rows' problems stay.
    await user.selectOptions(screen.getByTestId("batch-target-Colour"), "p:Prompt");
    await waitFor(() => expect(screen.queryByTestId("batch-notices")).toBeNull());
    await user.selectOptions(screen.getByTestId("batch-target-Colour"), "__keep__");
    await waitFor(() =>
      expect(screen.getByTestId("batch-problems")).toHaveTextContent("2 problems"),
    );
    expect(screen.queryByTestId("batch-notices")).toBeNull();
    expect(screen.getByTestId("batch-run")).toBeDisabled();
    expect(screen.getByText("Fix the problems above to run this batch.")).toBeInTheDocument();
    expect(startBatch).not.toHaveBeenCalled();
    expect(startRun).not.toHaveBeenCalled();
  });

  it("runs a good table to the grid and exports it with names from the pattern", async () => {
    const { backend, user } = startApp();
    await openNewBatch(user);
    paste(GOOD);
    // The SKU column fills nothing: a notice, and the batch can run as it is.
    expect(await screen.findByTestId("batch-notices")).toHaveTextContent(/Column “sku”/);
    expect(screen.queryByTestId("batch-problems")).toBeNull();

    const summary = await screen.findByTestId("batch-summary");
    expect(summary).toHaveTextContent("3 images from Hero Image");
    expect(await screen.findByTestId("batch-credits")).toHaveTextContent(/4,250\.5 credits/);
    // Auto-mapped by header.
    expect(screen.getByTestId("batch-target-Prompt")).toHaveValue("p:Prompt");
    await user.type(screen.getByTestId("batch-name"), "Spring drop");
    await waitFor(() => expect(screen.getByTestId("batch-run")).toBeEnabled());
    expect(screen.getByTestId("batch-run")).toHaveTextContent("Run 3 images");
    await user.click(screen.getByTestId("batch-run"));

    const view = await screen.findByTestId("batch-view");
    expect(within(view).getByRole("heading", { name: "Spring drop" })).toBeInTheDocument();
    expect(screen.getAllByTestId("batch-row")).toHaveLength(3);
    await waitFor(
      () => expect(screen.getByTestId("batch-view")).toHaveAttribute("data-state", "finished"),
      {
        timeout: 8000,
      },
    );
    expect(screen.getByTestId("batch-done")).toHaveTextContent("3 of 3 done");
    await waitFor(() => expect(screen.getAllByTestId("batch-tile")).toHaveLength(3));
    expect(screen.getAllByTestId("batch-row").map((r) => r.dataset.state)).toEqual([
      "completed",
      "completed",
      "completed",
    ]);

    // Export: the pattern's live example, then the files.
    const pattern = screen.getByTestId("batch-pattern");
    expect(pattern).toHaveValue("{sku}_{label}_{n}.{ext}");
    await user.clear(pattern);
    await user.type(pattern, "{{sku}_{{n}.{{ext}");
    await waitFor(() =>
      expect(screen.getByTestId("batch-pattern-example")).toHaveTextContent(
        "Example: TEE-01_1.png",
      ),
    );
    await user.click(screen.getByTestId("batch-export-run"));
    expect(await screen.findByTestId("batch-export-done")).toHaveTextContent(
      "Exported 3 images and manifest.csv to ~/Pictures/Lamina/Spring drop",
    );
    expect(backend.batches.lastExport?.paths).toEqual([
      "~/Pictures/Lamina/Spring drop/manifest.csv",
      "~/Pictures/Lamina/Spring drop/TEE-01_1.png",
      "~/Pictures/Lamina/Spring drop/MUG-02_1.png",
      "~/Pictures/Lamina/Spring drop/BAG-03_1.png",
    ]);

    // The list shows it.
    await user.click(screen.getByTestId("batch-back"));
    const listed = await screen.findByTestId("batch-list-item");
    expect(listed).toHaveTextContent("Spring drop");
    expect(listed).toHaveTextContent("3 of 3 done");
  });

  it("pauses, cancels the rest, and retries failed rows", async () => {
    const { backend, user } = startApp({ stepMs: 300 });
    const startRun = vi.spyOn(backend, "startRun");
    await user.click(await screen.findByTestId("nav-batch"));
    await screen.findByTestId("batch-new");
    await waitFor(() =>
      expect(within(screen.getByTestId("batch-app")).getAllByRole("option").length).toBeGreaterThan(
        1,
      ),
    );
    // Virtual Try-On fails every run (model capacity); its inputs all have defaults.
    await user.selectOptions(screen.getByTestId("batch-app"), "virtual-try-on");
    paste("look\nA\nB\nC\nD\n");
    await user.selectOptions(await screen.findByTestId("batch-target-look"), "__keep__");
    await waitFor(() => expect(screen.getByTestId("batch-run")).toBeEnabled());
    await user.click(screen.getByTestId("batch-run"));

    await user.click(await screen.findByTestId("batch-pause"));
    await waitFor(() => expect(screen.getByTestId("batch-state")).toHaveTextContent("Paused"));
    await user.click(screen.getByTestId("batch-cancel-rest"));
    await waitFor(() =>
      expect(screen.getByTestId("batch-view")).toHaveAttribute("data-state", "finished"),
    );
    // Rows follow the totals within a moment (the detail is read again after each update).
    const rowsIn = (state: string) =>
      screen.getAllByTestId("batch-row").filter((r) => r.dataset.state === state);
    await waitFor(() => expect(rowsIn("failed").length + rowsIn("cancelled").length).toBe(4));
    const cancelled = rowsIn("cancelled");
    const failed = rowsIn("failed");
    expect(cancelled.length).toBeGreaterThan(0);
    const sent = startRun.mock.calls.length;
    expect(sent).toBe(failed.length);

    // Retry failed: only the failed rows go again; cancelled rows stay cancelled.
    await user.click(screen.getByTestId("batch-retry-failed"));
    await waitFor(() => expect(startRun.mock.calls.length).toBe(sent * 2));
    await waitFor(() =>
      expect(screen.getByTestId("batch-view")).toHaveAttribute("data-state", "finished"),
    );
    expect(
      screen.getAllByTestId("batch-row").filter((r) => r.dataset.state === "cancelled"),
    ).toHaveLength(cancelled.length);
  });

  it("an unknown placeholder in the pattern is an error and Export is disabled", async () => {
    const { user } = startApp();
    await openNewBatch(user);
    paste("sku,Prompt\nA1,a lamp\n");
    await user.selectOptions(await screen.findByTestId("batch-target-sku"), "__keep__");
    await waitFor(() => expect(screen.getByTestId("batch-run")).toBeEnabled());
    await user.click(screen.getByTestId("batch-run"));
    await waitFor(
      () => expect(screen.getByTestId("batch-view")).toHaveAttribute("data-state", "finished"),
      {
        timeout: 8000,
      },
    );
    const pattern = await screen.findByTestId("batch-pattern");
    await user.clear(pattern);
    await user.type(pattern, "{{colour}.{{ext}");
    await waitFor(() =>
      expect(screen.getByTestId("batch-pattern-example")).toHaveTextContent(/\{colour\}/),
    );
    expect(screen.getByTestId("batch-export-run")).toBeDisabled();
  });
});

describe("batch table logic (memory backend mirror)", () => {
  const hero = DEMO_APPS[0]!.app;

  it("reads quoted CSV and pasted tab-separated tables", () => {
    const t = parseTable('sku,Prompt\nA1,"a red, shiny shoe"\n');
    expect(t).toEqual({
      headers: ["sku", "Prompt"],
      rows: [{ line: 2, cells: ["A1", "a red, shiny shoe"] }],
    });
    const pasted = parseTable("SKU\tPrompt\nA1\tshoe, red\n");
    expect("headers" in pasted && pasted.rows[0]?.cells).toEqual(["A1", "shoe, red"]);
  });

  it("names ragged rows", () => {
    const t = previewTable(hero, "Prompt,Aspect Ratio\nshoe,1:1\nbag\n", null);
    expect(t.problems).toEqual([
      { row: 3, column: null, message: "has 1 cells but the header row has 2 columns" },
    ]);
  });

  it("renders names like naming.rs", () => {
    const base = {
      cells: { SKU: "A/1" },
      app: "Hero Image",
      label: "Hero Image",
      n: 2,
      row: 2,
      date: "2026-11-26",
      run: "r",
      ext: "png",
    };
    expect(renderName("{sku}_{label}_{n}.{ext}", ["SKU"], base)).toBe("A_1_Hero Image_2.png");
    expect(renderName("shot", [], base)).toBe("shot_2.png");
    expect(renderName("{sku}_{n}.png", ["SKU"], base)).toBe("A_1_2.png");
    expect(defaultPattern(["SKU", "Prompt"])).toBe("{SKU}_{label}_{n}.{ext}");
    expect(defaultPattern(["Prompt"])).toBe("{row}_{label}_{n}.{ext}");
  });
});
