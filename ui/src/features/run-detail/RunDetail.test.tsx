// A run's details from History: rerun, open in form, save/copy, failures, unconfirmed runs.
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { BackendError } from "../../lib/backend";
import type { MemoryBackend } from "../../lib/backend/memory";
import { startApp } from "../../test/app";
import { runMessage } from "../runs/status";

const BAD_KEY_MESSAGE = runMessage("badKey");
const NOT_STARTED_MESSAGE = runMessage("notStarted");
const UNKNOWN_MESSAGE = runMessage("unknown");

const INPUTS = { Prompt: "Ceramic vase with dried flowers", "Aspect Ratio": "9:16" };

async function openDetail(user: ReturnType<typeof startApp>["user"], localId: string) {
  await user.click(await screen.findByTestId("nav-history"));
  const row = await waitFor(() => {
    const found = screen.getAllByTestId("history-row").find((r) => r.dataset.localId === localId);
    expect(found).toBeDefined();
    return found!;
  });
  await user.click(row);
  const detail = await screen.findByTestId("run-detail");
  expect(detail).toHaveAttribute("data-local-id", localId);
  return detail;
}

function seedOne(spec: Parameters<MemoryBackend["seedRun"]>[0]) {
  let localId = "";
  const seed = (b: MemoryBackend) => {
    localId = b.seedRun(spec).localId;
  };
  return { seed, id: () => localId };
}

describe("Run details", () => {
  it("shows inputs and results, and reruns with exactly the same inputs", async () => {
    const one = seedOne({ appId: "hero-image", inputs: INPUTS });
    const { backend, user } = startApp({}, one.seed);
    const startRun = vi.spyOn(backend, "startRun");
    const detail = await openDetail(user, one.id());
    expect(within(detail).getByTestId("run-inputs")).toHaveTextContent(INPUTS.Prompt);
    expect(within(detail).getByTestId("run-status")).toHaveTextContent("Done");
    expect(within(detail).getByTestId("output-image").getAttribute("src")).toBe(
      backend.mediaUrl(one.id(), 0, "thumb"),
    );

    await user.click(within(detail).getByTestId("rerun-button"));
    await waitFor(() => expect(startRun).toHaveBeenCalledTimes(1));
    expect(startRun).toHaveBeenCalledWith("hero-image", INPUTS);
    // The new run is shown, and heads the list.
    await waitFor(() =>
      expect(screen.getByTestId("run-detail").dataset.localId).not.toBe(one.id()),
    );
    const fresh = screen.getByTestId("run-detail").dataset.localId;
    await waitFor(() =>
      expect(screen.getAllByTestId("history-row")[0]).toHaveAttribute("data-local-id", fresh),
    );
    expect(await screen.findByTestId("toast")).toHaveTextContent("Started Hero Image again");
  });

  it("opens the app's form prefilled with the run's inputs", async () => {
    const one = seedOne({ appId: "hero-image", inputs: INPUTS });
    const { user } = startApp({}, one.seed);
    const detail = await openDetail(user, one.id());
    await user.click(within(detail).getByTestId("open-in-form"));
    await screen.findByTestId("dynamic-form");
    expect(screen.getByTestId("field-Prompt").querySelector("textarea")).toHaveValue(INPUTS.Prompt);
    expect(
      within(screen.getByTestId("field-Aspect Ratio")).getByRole("radio", { name: "9:16" }),
    ).toHaveAttribute("aria-checked", "true");
  });

  it("saves all images in the chosen format, copies, stars and reveals", async () => {
    const one = seedOne({ appId: "full-set-catalog" });
    const { backend, user } = startApp({}, one.seed);
    const save = vi.spyOn(backend, "saveOutputs");
    const detail = await openDetail(user, one.id());

    await user.click(within(detail).getByTestId("save-all"));
    const menu = screen.getByTestId("save-menu");
    await user.click(within(menu).getByTestId("save-format-jpeg"));
    const quality = within(menu).getByTestId("save-quality");
    expect(quality).toHaveValue("90");
    await user.click(within(menu).getByTestId("save-confirm"));
    expect(save).toHaveBeenCalledWith(one.id(), [0, 1, 2, 3], { format: "jpeg", quality: 90 });
    expect(await screen.findByTestId("toast")).toHaveTextContent(
      "Saved 4 images to ~/Pictures/Lamina",
    );

    // Cancelling the native dialog says nothing; one image saves alone.
    backend.setSaveCancelled(true);
    await user.click(within(detail).getAllByTestId("save-output")[1]!);
    // The last format chosen is remembered.
    expect(screen.getByTestId("save-format-jpeg")).toHaveAttribute("aria-checked", "true");
    await user.click(screen.getByTestId("save-format-webp"));
    await user.click(screen.getByTestId("save-confirm"));
    await waitFor(() =>
      expect(save).toHaveBeenLastCalledWith(one.id(), [1], { format: "webp", quality: 90 }),
    );
    expect(screen.getAllByTestId("toast")).toHaveLength(1);

    await user.click(within(detail).getAllByTestId("copy-image")[0]!);
    await waitFor(() => expect(backend.clipboard).toBe(`image:${one.id()}/0`));
    await user.click(within(detail).getAllByTestId("reveal-output")[2]!);
    await waitFor(() => expect(backend.revealed).toBe(`${one.id()}/2`));

    const star = within(detail).getAllByTestId("star-output")[3]!;
    expect(star).toHaveAttribute("aria-pressed", "false");
    await user.click(star);
    await waitFor(() => expect(star).toHaveAttribute("aria-pressed", "true"));
    expect((await backend.getRun(one.id())).outputs[3]!.starred).toBe(true);

    await user.click(within(detail).getByTestId("copy-run-id"));
    const run = await backend.getRun(one.id());
    await waitFor(() => expect(backend.clipboard).toBe(run.runId));
    await user.click(within(detail).getByTestId("copy-run-json"));
    await waitFor(() => expect(JSON.parse(backend.clipboard ?? "{}").localId).toBe(one.id()));
  });

  it("explains a failure from its kind, with the raw error, HTTP status and request id behind Details", async () => {
    const one = seedOne({
      appId: "hero-image",
      status: "failed",
      error: {
        kind: "unauthorized",
        fields: [],
        message: "raw",
        detail: "POST /v1/apps/hero-image/runs: invalid api key (HTTP 401) [request req-42]",
      },
      errorMessage: null,
    });
    const { user } = startApp({}, one.seed);
    const detail = await openDetail(user, one.id());
    expect(within(detail).getByTestId("run-error")).toHaveTextContent(BAD_KEY_MESSAGE);
    expect(detail).not.toHaveTextContent("HTTP 401");
    await user.click(within(detail).getByTestId("details-toggle"));
    expect(within(detail).getByTestId("details")).toHaveTextContent(
      /HTTP 401\) \[request req-42\]/,
    );
    await user.click(within(detail).getByTestId("open-settings"));
    expect(await screen.findByTestId("settings-page")).toBeInTheDocument();
  });

  it("keeps partial results and names the outputs that failed", async () => {
    const one = seedOne({ appId: "social-ad-pack" });
    const { user } = startApp({}, one.seed);
    const detail = await openDetail(user, one.id());
    expect(within(detail).getByTestId("run-warning")).toHaveTextContent(
      "1 of 3 results couldn't be made",
    );
    expect(within(detail).getAllByTestId("output-image")).toHaveLength(2);
    expect(within(detail).getByTestId("output-error")).toHaveTextContent("Story couldn't be made");
  });
});

describe("Unconfirmed runs", () => {
  it("checks with the service and links the run it finds, without re-sending", async () => {
    const one = seedOne({ appId: "hero-image", inputs: INPUTS, status: "unknown" });
    const { backend, user } = startApp({}, (b) => {
      one.seed(b);
      b.setUnknownCandidates(one.id(), [
        { runId: "run_found", status: "running", createdAt: new Date().toISOString() },
      ]);
    });
    const startRun = vi.spyOn(backend, "startRun");
    const link = vi.spyOn(backend, "linkUnknownRun");
    const detail = await openDetail(user, one.id());
    expect(within(detail).getByTestId("run-status")).toHaveTextContent("Unknown — check");
    expect(within(detail).getByTestId("run-error")).toHaveTextContent(UNKNOWN_MESSAGE);
    expect(within(detail).queryByTestId("rerun-button")).toBeNull();

    await user.click(within(detail).getByTestId("check-unknown"));
    const candidate = await within(detail).findByTestId("unknown-candidate");
    expect(candidate).toHaveTextContent("Running");
    await user.click(within(candidate).getByTestId("link-candidate"));
    expect(link).toHaveBeenCalledWith(one.id(), "run_found");
    await waitFor(
      () => expect(screen.getByTestId("run-detail")).toHaveAttribute("data-status", "completed"),
      {
        timeout: 3000,
      },
    );
    expect(startRun).not.toHaveBeenCalled();
  });

  it("with nothing found, marks it not started, and only then offers an explicit Start again", async () => {
    const one = seedOne({ appId: "hero-image", inputs: INPUTS, status: "unknown" });
    const { backend, user } = startApp({}, one.seed);
    const startRun = vi.spyOn(backend, "startRun");
    const detail = await openDetail(user, one.id());
    expect(within(detail).queryByTestId("start-again")).toBeNull();

    await user.click(within(detail).getByTestId("check-unknown"));
    const none = await within(detail).findByTestId("unknown-none");
    expect(none).toHaveTextContent(
      "The service has no run from that moment, so nothing was charged.",
    );
    await user.click(within(none).getByTestId("mark-not-started"));
    await waitFor(() =>
      expect(screen.getByTestId("run-detail")).toHaveAttribute("data-status", "failed"),
    );
    expect(screen.getByTestId("run-error")).toHaveTextContent(NOT_STARTED_MESSAGE);
    expect(startRun).not.toHaveBeenCalled();

    await user.click(screen.getByTestId("start-again"));
    await waitFor(() => expect(startRun).toHaveBeenCalledTimes(1));
    expect(startRun).toHaveBeenCalledWith("hero-image", INPUTS);
  });

  it("on a service without a run list, says it cannot check and still offers to mark it not started", async () => {
    const one = seedOne({ appId: "hero-image", inputs: INPUTS, status: "unknown" });
    const { backend, user } = startApp({}, one.seed);
    vi.spyOn(backend, "findUnknownRun").mockRejectedValue(
      new BackendError({
        kind: "unsupported",
        message: "This Lamina service doesn't offer a list of your runs.",
        detail: "GET /v1/runs: HTTP 404: Cannot GET /v1/runs",
        fields: [],
      }),
    );
    const detail = await openDetail(user, one.id());
    await user.click(within(detail).getByTestId("check-unknown"));
    const none = await within(detail).findByTestId("unknown-none");
    expect(within(none).getByTestId("unknown-cannot-list")).toHaveTextContent(
      "Your Lamina service can't show a list of your runs",
    );
    expect(within(detail).queryByTestId("check-unknown")).toBeNull();
    expect(within(detail).queryByRole("alert")).toBeNull();
    await user.click(within(none).getByTestId("mark-not-started"));
    await waitFor(() =>
      expect(screen.getByTestId("run-detail")).toHaveAttribute("data-status", "failed"),
    );
  });
});
