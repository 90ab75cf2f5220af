// Local photos on the batch screen, on the in-memory backend: a table naming a photo that
// isn't on the computer lists it by row and column and starts nothing; chosen again once the
// photo is there, it runs. "One image per photo in a folder" fills the table with one row per
// photo (sorted, other files listed as left out) and runs with the other fields set once.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { startApp } from "../../test/app";

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

const SHOOT = ["photo-01.jpg", "photo-02.jpg", "photo-03.jpg"];
const CSV =
  "Prompt,Reference Image\nlinen shirt,photo-01.jpg\nwool scarf,photo-02.jpg\nclay mug,photo-03.jpg\n";

describe("Batch with photos from this computer", () => {
  it("names a missing photo by row and column, starts nothing, and runs once it's there", async () => {
    const { backend, user } = startApp();
    const startBatch = vi.spyOn(backend, "startBatch");
    const startRun = vi.spyOn(backend, "startRun");
    backend.batchFiles.folders.set(
      "shoot",
      SHOOT.filter((n) => n !== "photo-02.jpg"),
    );
    backend.pickedFile = {
      name: "shoot.csv",
      text: CSV,
      source: backend.batchFiles.register("shoot"),
    };
    await openNewBatch(user);
    await user.click(screen.getByTestId("batch-pick-file"));

    const problems = await screen.findByTestId("batch-problems");
    expect(problems).toHaveTextContent("1 problem");
    expect(screen.getByTestId("batch-problem")).toHaveTextContent(
      /Row 3.*Column “Reference Image”.*the file photo-02\.jpg isn't there/,
    );
    expect(screen.getByTestId("batch-run")).toBeDisabled();
    expect(startBatch).not.toHaveBeenCalled();
    expect(startRun).not.toHaveBeenCalled();

    // The photo is put back and the table chosen again: three photos to upload, then three runs.
    backend.batchFiles.folders.set("shoot", SHOOT);
    backend.pickedFile = {
      name: "shoot.csv",
      text: CSV,
      source: backend.batchFiles.register("shoot"),
    };
    await user.click(screen.getByTestId("batch-pick-file"));
    await waitFor(() => expect(screen.queryByTestId("batch-problems")).toBeNull());
    expect(await screen.findByTestId("batch-photos")).toHaveTextContent(
      "3 photos from this computer are uploaded first",
    );
    await waitFor(() => expect(screen.getByTestId("batch-run")).toBeEnabled());
    await user.click(screen.getByTestId("batch-run"));
    await screen.findByTestId("batch-view");
    expect(startBatch).toHaveBeenCalledWith(
      "hero-image",
      "shoot",
      CSV,
      expect.anything(),
      backend.pickedFile.source,
    );
    await waitFor(
      () => expect(screen.getByTestId("batch-view")).toHaveAttribute("data-state", "finished"),
      { timeout: 8000 },
    );
    // Runs got the uploaded links, never a path.
    const sent = startRun.mock.calls.map(([, inputs]) => inputs["Reference Image"]);
    expect(sent).toEqual(SHOOT.map((n) => `https://storage.demo.invalid/${n}`));
  });

  it("pasted paths that aren't whole paths say how to fix it", async () => {
    const { user } = startApp();
    await openNewBatch(user);
    fireEvent.change(screen.getByTestId("batch-paste"), { target: { value: CSV } });
    await screen.findByTestId("batch-problems");
    const items = screen.getAllByTestId("batch-problem");
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent(/Row 2.*photo-01\.jpg is not a web address or a full path/);
  });

  it("one image per photo in a folder fills the table, lists the files left out, and runs", async () => {
    const { backend, user } = startApp();
    const startRun = vi.spyOn(backend, "startRun");
    backend.batchFiles.folders.set("spring shoot", [
      "scarf.png",
      "notes.txt",
      "apron.jpg",
      ".DS_Store",
    ]);
    backend.batchFiles.pickedFolder = "spring shoot";
    await openNewBatch(user);
    await user.click(await screen.findByTestId("batch-pick-folder"));

    expect(await screen.findByTestId("batch-folder-loaded")).toHaveTextContent(
      "2 photos from “spring shoot”",
    );
    expect(screen.getByTestId("batch-paste")).toHaveValue(
      "Reference Image\napron.jpg\nscarf.png\n",
    );
    const skipped = screen.getByTestId("batch-folder-skipped");
    expect(skipped).toHaveTextContent("1 file left out");
    expect(skipped).toHaveTextContent("notes.txt: not a photo");
    expect(skipped).not.toHaveTextContent(".DS_Store");
    expect(await screen.findByTestId("batch-target-Reference Image")).toHaveValue(
      "p:Reference Image",
    );
    expect(screen.getByTestId("batch-name")).toHaveValue("spring shoot");

    // The prompt is the same for every photo: set once.
    const problems = await screen.findByTestId("batch-problems");
    expect(problems).toHaveTextContent("Prompt");
    await user.type(screen.getByLabelText("Prompt"), "on a linen tablecloth");
    await waitFor(() => expect(screen.getByTestId("batch-run")).toBeEnabled());
    expect(screen.getByTestId("batch-run")).toHaveTextContent("Run 2 images");
    await user.click(screen.getByTestId("batch-run"));
    await waitFor(
      () => expect(screen.getByTestId("batch-view")).toHaveAttribute("data-state", "finished"),
      { timeout: 8000 },
    );
    expect(startRun.mock.calls.map(([, inputs]) => inputs)).toEqual([
      {
        Prompt: "on a linen tablecloth",
        "Reference Image": "https://storage.demo.invalid/apron.jpg",
      },
      {
        Prompt: "on a linen tablecloth",
        "Reference Image": "https://storage.demo.invalid/scarf.png",
      },
    ]);
  });
});
