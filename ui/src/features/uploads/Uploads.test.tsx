// Own photos on the app form, against the in-memory backend: a dropped photo previews at once,
// shows its upload's progress and holds Generate until its link is ready; a pasted image uploads
// the same way; a refused file says why in plain words and no run starts; a kept result dragged
// from a run card fills the field with its link, and one from the Gallery or History does too once
// held over "Apps" (which opens the form again).
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OUTPUT_DRAG_TYPE } from "../../lib/backend/types";
import { useUi } from "../../lib/store";
import { startApp } from "../../test/app";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

function photo(name = "shoe.png", bytes: Uint8Array<ArrayBuffer> = PNG, type = "image/png"): File {
  return new File([bytes], name, { type });
}

function transfer(data: Record<string, string>, files: File[] = []) {
  return {
    types: [...Object.keys(data), ...(files.length ? ["Files"] : [])],
    getData: (t: string) => data[t] ?? "",
    files,
    dropEffect: "none",
  };
}

async function openHero(options: Parameters<typeof startApp>[0] = {}) {
  const started = startApp(options);
  act(() => useUi.getState().navigate({ page: "app", appId: "hero-image" }));
  await screen.findByTestId("dynamic-form");
  return started;
}

const reference = () => screen.getByTestId("photo-field-Reference Image");
const generate = () => screen.getByTestId("generate");

async function typePrompt(user: ReturnType<typeof startApp>["user"]) {
  const prompt = within(screen.getByTestId("field-Prompt")).getByRole("textbox");
  await user.click(prompt);
  await user.paste("Linen shirt on a beach");
}

beforeEach(() => {
  // jsdom has no object URLs; the web view does.
  URL.createObjectURL = vi.fn((blob: Blob) => `blob:local/${(blob as File).name}`);
  URL.revokeObjectURL = vi.fn();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("Own photos on the form", () => {
  it("a dropped photo previews at once, shows progress, and Generate waits for its link", async () => {
    const { backend, user } = await openHero();
    backend.storage.holdUploads = true;
    await typePrompt(user);
    expect(screen.getByTestId("field-Reference Image")).not.toHaveTextContent("coming soon");

    fireEvent.drop(reference(), { dataTransfer: transfer({}, [photo()]) });

    const card = await screen.findByTestId("photo-card");
    expect(within(card).getByRole("img")).toHaveAttribute("src", "blob:local/shoe.png");
    expect(card).toHaveTextContent("shoe.png");
    expect(generate()).toBeDisabled();
    expect(generate()).toHaveTextContent("Uploading photo…");
    await waitFor(() => expect(card).toHaveTextContent("Uploading… 50%"));
    expect(within(card).getByTestId("photo-progress")).toHaveAttribute("value", "50");
    // Ctrl+Enter does not start it either.
    fireEvent.keyDown(screen.getByTestId("dynamic-form"), { key: "Enter", ctrlKey: true });
    expect(await backend.listRuns(10, 0)).toHaveLength(0);

    act(() => backend.storage.releaseUploads());
    await waitFor(() =>
      expect(screen.getByTestId("photo-card")).toHaveAttribute("data-state", "done"),
    );
    expect(screen.getByTestId("photo-status")).toHaveTextContent("Ready");
    expect(generate()).toBeEnabled();
    expect(generate()).toHaveTextContent("Generate");
    expect(backend.storage.uploadedBytes).toEqual([PNG.length]);

    await user.click(generate());
    await waitFor(async () => expect(await backend.listRuns(10, 0)).toHaveLength(1));
    const [run] = await backend.listRuns(10, 0);
    expect(run?.inputs["Reference Image"]).toMatch(
      /^http:\/\/127\.0\.0\.1:8787\/_sandbox\/files\/[0-9a-f]{8}\.png$/,
    );
  });

  it("an image pasted into the field uploads; a camera photo says its details were removed", async () => {
    const { backend } = await openHero();
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0, 0, 0x45, 0x78, 0x69, 0x66]);
    const input = within(screen.getByTestId("field-Reference Image")).getByRole("textbox");
    fireEvent.paste(input, { clipboardData: { files: [photo("image.jpg", jpeg, "image/jpeg")] } });
    await waitFor(() =>
      expect(screen.getByTestId("photo-card")).toHaveAttribute("data-state", "done"),
    );
    expect(screen.getByTestId("metadata-removed")).toHaveTextContent(
      "Location and camera details removed",
    );
    expect(backend.storage.uploadedBytes).toEqual([jpeg.length]);
  });

  it("refuses a file that is not an image in plain words, and starts no run", async () => {
    const { backend, user } = await openHero();
    await typePrompt(user);
    fireEvent.drop(reference(), {
      dataTransfer: transfer({}, [
        photo("notes.txt", new TextEncoder().encode("hello"), "text/plain"),
      ]),
    });
    expect(await screen.findByTestId("photo-error")).toHaveTextContent(
      "“notes.txt” isn't a photo or an image Lamina can use.",
    );
    expect(generate()).toBeEnabled();
    await user.click(generate());
    expect(await screen.findByTestId("field-error")).toHaveTextContent(
      "The photo for Reference Image didn't upload.",
    );
    expect(await backend.listRuns(10, 0)).toHaveLength(0);

    // Another photo fixes it.
    await user.click(screen.getByTestId("remove-photo"));
    fireEvent.drop(reference(), { dataTransfer: transfer({}, [photo()]) });
    await waitFor(() =>
      expect(screen.getByTestId("photo-card")).toHaveAttribute("data-state", "done"),
    );
    await user.click(generate());
    await waitFor(async () => expect(await backend.listRuns(10, 0)).toHaveLength(1));
  });

  it("without storage, says so and links to Settings → Storage", async () => {
    const { backend, user } = await openHero({ mode: "account" });
    expect((await backend.storageSettings()).active).toBe("none");
    fireEvent.drop(reference(), { dataTransfer: transfer({}, [photo()]) });
    expect(await screen.findByTestId("photo-error")).toHaveTextContent("Set up storage first");
    await user.click(screen.getByTestId("open-storage-settings"));
    expect(await screen.findByTestId("storage-settings")).toBeVisible();
  });

  it("a storage failure during upload is shown in words", async () => {
    const { backend } = await openHero();
    backend.storage.failUploadsWith =
      "Your storage refused the key: check the access key and secret in Settings.";
    fireEvent.drop(reference(), { dataTransfer: transfer({}, [photo()]) });
    expect(await screen.findByTestId("photo-error")).toHaveTextContent("refused the key");
    expect(screen.getByTestId("open-storage-settings")).toBeVisible();
  });

  it("Choose… opens the system dialog in Rust and shows its thumbnail", async () => {
    const { backend, user } = await openHero();
    backend.chosenPhoto = { name: "bag.png", bytes: PNG };
    await user.click(screen.getByTestId("choose-photo"));
    await waitFor(() =>
      expect(screen.getByTestId("photo-card")).toHaveAttribute("data-state", "done"),
    );
    expect(screen.getByTestId("photo-card")).toHaveTextContent("bag.png");
    expect(within(screen.getByTestId("photo-card")).getByRole("img").getAttribute("src")).toMatch(
      /^data:image\/svg\+xml/,
    );
  });

  it("a result dragged from a run card fills the field with its link", async () => {
    const { backend, user } = await openHero();
    await typePrompt(user);
    await user.click(generate());
    const card = await screen.findByTestId("run-card");
    await waitFor(() => expect(card).toHaveAttribute("data-status", "completed"), {
      timeout: 4000,
    });
    const [run] = await backend.listRuns(1, 0);
    const image = within(card).getAllByRole("img")[0] as HTMLElement;
    const data: Record<string, string> = {};
    fireEvent.dragStart(image, {
      dataTransfer: {
        setData: (t: string, v: string) => (data[t] = v),
        effectAllowed: "none",
      },
    });
    expect(JSON.parse(data[OUTPUT_DRAG_TYPE] ?? "{}")).toEqual({ localId: run?.localId, index: 0 });

    fireEvent.drop(reference(), { dataTransfer: transfer(data) });
    await waitFor(() =>
      expect(screen.getByTestId("photo-card")).toHaveAttribute("data-state", "done"),
    );
    await user.click(generate());
    await waitFor(async () => expect(await backend.listRuns(10, 0)).toHaveLength(2));
    const [second] = await backend.listRuns(1, 0);
    expect(second?.inputs["Reference Image"]).toBe(run?.outputs[0]?.value);
  });

  it.each([
    ["Gallery", "nav-gallery", "gallery-item"],
    ["History", "nav-history", "history-thumb"],
  ])(
    "a result dragged from the %s and held over Apps goes back to the form and fills the field",
    async (_screen, nav, source) => {
      const { backend, user } = await openHero();
      await typePrompt(user);
      await user.click(generate());
      const card = await screen.findByTestId("run-card");
      await waitFor(() => expect(card).toHaveAttribute("data-status", "completed"), {
        timeout: 4000,
      });
      const [run] = await backend.listRuns(1, 0);

      await user.click(screen.getByTestId(nav));
      const [found] = await screen.findAllByTestId(source);
      const image = found!.tagName === "IMG" ? found! : found!.querySelector("img")!;
      const data: Record<string, string> = {};
      fireEvent.dragStart(image, {
        dataTransfer: {
          setData: (t: string, v: string) => (data[t] = v),
          effectAllowed: "none",
        },
      });
      expect(screen.queryByTestId("dynamic-form")).toBeNull();

      // Passing over Apps does nothing; holding there opens the form the picture came for.
      const apps = screen.getByTestId("nav-apps");
      fireEvent.dragEnter(apps, { dataTransfer: transfer(data) });
      expect(apps).toHaveClass("is-drag-hover");
      fireEvent.dragLeave(apps, { dataTransfer: transfer(data) });
      await new Promise((r) => setTimeout(r, 800));
      expect(screen.queryByTestId("dynamic-form")).toBeNull();
      fireEvent.dragEnter(apps, { dataTransfer: transfer(data) });
      await screen.findByTestId("dynamic-form", {}, { timeout: 2000 });

      fireEvent.drop(reference(), { dataTransfer: transfer(data) });
      await waitFor(() =>
        expect(screen.getByTestId("photo-card")).toHaveAttribute("data-state", "done"),
      );
      await user.click(generate());
      await waitFor(async () => expect(await backend.listRuns(10, 0)).toHaveLength(2));
      const [second] = await backend.listRuns(1, 0);
      expect(second?.inputs["Reference Image"]).toBe(run?.outputs[0]?.value);
    },
  );

  it("a drag of something else held over Apps does not leave the screen", async () => {
    await openHero();
    act(() => useUi.getState().navigate({ page: "gallery" }));
    const apps = screen.getByTestId("nav-apps");
    fireEvent.dragEnter(apps, { dataTransfer: transfer({ "text/plain": "hello" }) });
    await new Promise((r) => setTimeout(r, 800));
    expect(useUi.getState().route.page).toBe("gallery");
  });
});

describe("Link previews", () => {
  it("a pasted link shows its thumbnail; a local address is refused in words", async () => {
    const { backend, user } = await openHero();
    // As in the app: every pasted link's preview comes from the backend's link preview (Rust).
    backend.inputPreviewUrl = () => null;
    const field = within(screen.getByTestId("field-Reference Image")).getByRole("textbox");
    await user.click(field);
    await user.paste("https://cdn.example.com/products/vase.png");
    const thumb = await screen.findByTestId("link-preview", {}, { timeout: 3000 });
    expect(thumb.querySelector("img")?.getAttribute("src")).toMatch(/^data:image\//);

    await user.clear(field);
    await user.paste("http://127.0.0.1:9/private.png");
    const refused = await screen.findByTestId("link-preview-missing", {}, { timeout: 3000 });
    expect(refused).toHaveAttribute("data-reason", "refused");
    expect(refused).toHaveTextContent("points inside this computer");
    expect(screen.queryByTestId("link-preview")).toBeNull();
  });
});

describe("Own photos in History", () => {
  async function openDetail(user: ReturnType<typeof startApp>["user"], localId: string) {
    await user.click(await screen.findByTestId("nav-history"));
    const row = await waitFor(() => {
      const found = screen.getAllByTestId("history-row").find((r) => r.dataset.localId === localId);
      expect(found).toBeDefined();
      return found!;
    });
    await user.click(row);
    return screen.findByTestId("run-detail");
  }

  it("shows the local file name beside the link of an uploaded photo", async () => {
    const { backend, user } = await openHero();
    await typePrompt(user);
    fireEvent.drop(reference(), { dataTransfer: transfer({}, [photo("my-vase.png")]) });
    await waitFor(() =>
      expect(screen.getByTestId("photo-card")).toHaveAttribute("data-state", "done"),
    );
    await user.click(generate());
    await waitFor(async () => expect(await backend.listRuns(10, 0)).toHaveLength(1));
    const [run] = await backend.listRuns(1, 0);

    const detail = await openDetail(user, run!.localId);
    const file = await within(detail).findByTestId("input-file");
    expect(file).toHaveTextContent("my-vase.png (from your computer)");
    expect(file).toHaveTextContent(".png");
    expect(file).toHaveAttribute("title", run!.inputs["Reference Image"]);
  });

  it("“Use as input for…” lists the apps that take an image and opens one with it filled", async () => {
    let localId = "";
    const { backend, user } = startApp({}, (b) => {
      localId = b.seedRun({ appId: "hero-image" }).localId;
    });
    const run = await backend.getRun(localId);
    const detail = await openDetail(user, localId);
    const tile = (await within(detail).findAllByTestId("detail-output"))[0] as HTMLElement;
    await user.click(within(tile).getByTestId("use-as-input"));
    const choices = await within(tile).findAllByTestId("use-as-input-app");
    const names = choices.map((c) => c.dataset.appId);
    expect(names).toContain("hero-image");
    // Only apps with an image field are offered.
    const apps = await Promise.all((names as string[]).map((id) => backend.getApp(id)));
    for (const app of apps) expect(app.parameters.some((p) => p.type === "url")).toBe(true);
    expect(names.length).toBeLessThan((await backend.listApps(null)).apps.length);

    await user.click(choices.find((c) => c.dataset.appId === "hero-image")!);
    await screen.findByTestId("dynamic-form");
    const input = within(screen.getByTestId("field-Reference Image")).getByRole("textbox");
    expect(input).toHaveValue(run.outputs[0]?.value);
  });
});
