// The whole UI against the in-memory backend, the way a person uses it.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Root, createQueryClient } from "./Root";
import { BackendError } from "./lib/backend";
import { MemoryBackend, type MemoryOptions } from "./lib/backend/memory";

let backends: MemoryBackend[] = [];

function start(options: MemoryOptions = {}) {
  const backend = new MemoryBackend({ stepMs: 40, ...options });
  backends.push(backend);
  const user = userEvent.setup();
  render(<Root backend={backend} queryClient={createQueryClient()} />);
  return { backend, user };
}

afterEach(() => {
  for (const b of backends) b.dispose();
  backends = [];
});

async function openApp(user: ReturnType<typeof userEvent.setup>, search: string, name: string) {
  const box = await screen.findByTestId("catalog-search");
  await user.clear(box);
  await user.type(box, search);
  await waitFor(() => {
    const cards = screen.getAllByTestId("app-card");
    expect(cards).toHaveLength(1);
    expect(cards[0]).toHaveTextContent(name);
  });
  await user.click(screen.getByTestId("app-card"));
  return screen.findByTestId("dynamic-form");
}

describe("Lamina Desktop", () => {
  it("goes from first launch to a finished run with its image", async () => {
    const { backend, user } = start();
    const startRun = vi.spyOn(backend, "startRun");

    // First launch: onboarding, then the demo workspace.
    await screen.findByTestId("onboarding");
    await user.click(screen.getByTestId("try-demo"));
    expect(await screen.findByTestId("demo-badge")).toHaveTextContent("Demo workspace");
    expect(screen.queryByTestId("onboarding")).toBeNull();

    // Catalog: every demo app, then search narrows it down.
    await waitFor(() => expect(screen.getAllByTestId("app-card").length).toBeGreaterThan(3));
    await openApp(user, "hero", "Hero Image");
    const page = screen.getByTestId("app-page");
    expect(within(page).getByRole("heading", { level: 1 })).toHaveTextContent("Hero Image");
    expect(await screen.findByText("Nothing here yet")).toBeInTheDocument();

    // An empty prompt is caught next to the field, and nothing is sent.
    await user.click(screen.getByTestId("generate"));
    expect(within(screen.getByTestId("field-Prompt")).getByTestId("field-error")).toHaveTextContent(
      "Prompt is required",
    );
    expect(startRun).not.toHaveBeenCalled();

    // Fill in and Generate: the run card appears and goes all the way to Done with an image.
    await user.type(
      screen.getByTestId("field-Prompt").querySelector("textarea")!,
      "A red sneaker on warm sand",
    );
    await user.click(
      within(screen.getByTestId("field-Aspect Ratio")).getByRole("radio", { name: "16:9" }),
    );
    await user.click(screen.getByTestId("generate"));
    expect(startRun).toHaveBeenCalledWith("hero-image", {
      Prompt: "A red sneaker on warm sand",
      "Aspect Ratio": "16:9",
    });

    const card = await screen.findByTestId("run-card");
    await waitFor(() => expect(card).toHaveAttribute("data-status", "completed"), {
      timeout: 3000,
    });
    expect(within(card).getByTestId("run-status")).toHaveTextContent("Done");
    const image = await within(card).findByTestId("output-image");
    const run = (await backend.listRuns(1, 0))[0]!;
    expect(image).toHaveAttribute("src", backend.mediaUrl(run.localId, 0));
    expect(image.getAttribute("src")).toMatch(/^data:image\/svg\+xml/);
    expect(within(card).queryByTestId("run-error")).toBeNull();

    // The image opens in the lightbox; Esc closes it.
    await user.click(image);
    const lightbox = await screen.findByTestId("lightbox");
    expect(within(lightbox).getByRole("img")).toHaveAttribute("src", image.getAttribute("src"));
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("lightbox")).toBeNull());
  });

  it("shows a failed run in plain words, with Details and Try again", async () => {
    const { backend, user } = start({ mode: "demo" });
    const startRun = vi.spyOn(backend, "startRun");
    await openApp(user, "try-on", "Virtual Try-On");
    await user.click(screen.getByTestId("generate"));

    const card = await screen.findByTestId("run-card");
    await waitFor(() => expect(card).toHaveAttribute("data-status", "failed"), { timeout: 3000 });
    expect(within(card).getByTestId("run-status")).toHaveTextContent("Failed");
    expect(within(card).getByTestId("run-error")).toHaveTextContent(
      "The service is busy right now. Wait a minute, then start again.",
    );
    expect(card).not.toHaveTextContent("Model capacity exceeded, please retry later");

    await user.click(within(card).getByTestId("details-toggle"));
    const details = within(card).getByTestId("details");
    expect(details).toHaveTextContent("Model capacity exceeded, please retry later");
    expect(details).toHaveTextContent(/Run id: run_/);

    await user.click(within(card).getByTestId("try-again"));
    await waitFor(() => expect(screen.getAllByTestId("run-card")).toHaveLength(2));
    expect(startRun).toHaveBeenCalledTimes(2);
    expect(startRun.mock.calls[1]).toEqual(startRun.mock.calls[0]);
  });

  it("keeps several runs going at once, newest first, and steps through images in the lightbox", async () => {
    const { user } = start({ mode: "demo" });
    await openApp(user, "full set", "Full Set Catalog Generation");
    await user.click(
      within(screen.getByTestId("field-Background")).getByRole("radio", { name: "Urban" }),
    );
    await user.click(screen.getByTestId("generate"));
    await waitFor(() => expect(screen.getAllByTestId("run-card")).toHaveLength(1));
    await waitFor(() => expect(screen.getByTestId("generate")).toBeEnabled());
    await user.click(
      within(screen.getByTestId("field-Background")).getByRole("radio", { name: "Park" }),
    );
    await user.click(screen.getByTestId("generate"));
    await waitFor(() => expect(screen.getAllByTestId("run-card")).toHaveLength(2));

    const [newest, older] = screen.getAllByTestId("run-card");
    expect(newest).toHaveTextContent("Park");
    expect(older).toHaveTextContent("Urban");
    await waitFor(
      () => {
        for (const c of screen.getAllByTestId("run-card"))
          expect(c).toHaveAttribute("data-status", "completed");
      },
      { timeout: 4000 },
    );
    expect(within(newest!).getAllByTestId("output-image")).toHaveLength(4);

    await user.click(within(newest!).getAllByTestId("output-image")[0]!);
    const lightbox = await screen.findByTestId("lightbox");
    expect(lightbox).toHaveTextContent("Front");
    expect(lightbox).toHaveTextContent("1 of 4");
    await user.keyboard("{ArrowRight}");
    expect(lightbox).toHaveTextContent("Back");
    await user.keyboard("{ArrowLeft}{ArrowLeft}");
    expect(lightbox).toHaveTextContent("Lifestyle");
    expect(lightbox).toHaveTextContent("4 of 4");
  });

  it("shows text results with a copy button and a failed output inline", async () => {
    const { user } = start({ mode: "demo" });
    await openApp(user, "social", "Social Ad Pack");
    await user.type(
      screen.getByTestId("field-Product Description").querySelector("textarea")!,
      "Linen shirt",
    );
    await user.click(screen.getByTestId("generate"));
    const card = await screen.findByTestId("run-card");
    await waitFor(() => expect(card).toHaveAttribute("data-status", "completed"), {
      timeout: 3000,
    });
    expect(within(card).getAllByTestId("output-image")).toHaveLength(2);
    expect(card).toHaveTextContent("Story couldn't be made");
    expect(within(card).getByTestId("run-warning")).toHaveTextContent(
      "1 of 3 results couldn't be made",
    );
    expect(card).not.toHaveTextContent("Safety filter");
    await user.click(within(card).getByTestId("details-toggle"));
    expect(within(card).getByTestId("details")).toHaveTextContent(
      "Output 2 (Story): Safety filter blocked the story layout",
    );

    await user.click(screen.getByTestId("nav-apps"));
    await openApp(user, "copy", "Product Copy");
    await user.type(
      screen.getByTestId("field-Product Name").querySelector("textarea")!,
      "Cloud Mug",
    );
    await user.click(screen.getByTestId("generate"));
    const copyCard = await screen.findByTestId("run-card");
    await waitFor(() => expect(copyCard).toHaveAttribute("data-status", "completed"), {
      timeout: 3000,
    });
    expect(copyCard).toHaveTextContent("Meet Cloud Mug");
    expect(within(copyCard).getByRole("button", { name: "Copy" })).toBeInTheDocument();
  });

  it("remembers the last inputs of an app", async () => {
    const { user } = start({ mode: "demo" });
    await openApp(user, "hero", "Hero Image");
    await user.type(screen.getByTestId("field-Prompt").querySelector("textarea")!, "Ceramic vase");
    await user.click(
      within(screen.getByTestId("field-Aspect Ratio")).getByRole("radio", { name: "9:16" }),
    );
    await user.click(screen.getByTestId("generate"));
    await screen.findByTestId("run-card");
    await waitFor(() => expect(screen.getByTestId("generate")).toBeEnabled());

    await user.click(screen.getByTestId("nav-apps"));
    await openApp(user, "hero", "Hero Image");
    expect(screen.getByTestId("field-Prompt").querySelector("textarea")).toHaveValue(
      "Ceramic vase",
    );
    expect(
      within(screen.getByTestId("field-Aspect Ratio")).getByRole("radio", { name: "9:16" }),
    ).toHaveAttribute("aria-checked", "true");
  });

  it("maps the backend's invalid-input errors back onto the fields", async () => {
    const { backend, user } = start({ mode: "demo" });
    vi.spyOn(backend, "startRun").mockRejectedValue(
      new BackendError({
        kind: "invalidInput",
        message: "Some of the details need another look.",
        detail: '"Reference Image": could not be downloaded',
        fields: [{ field: "Reference Image", reason: "could not be downloaded by Lamina" }],
      }),
    );
    await openApp(user, "hero", "Hero Image");
    await user.type(screen.getByTestId("field-Prompt").querySelector("textarea")!, "Lamp");
    await user.type(
      screen.getByTestId("field-Reference Image").querySelector("input")!,
      "https://example.com/missing.png",
    );
    await user.click(screen.getByTestId("generate"));
    expect(
      await within(screen.getByTestId("field-Reference Image")).findByTestId("field-error"),
    ).toHaveTextContent("Reference Image could not be downloaded by Lamina");
    expect(screen.queryByTestId("run-card")).toBeNull();
  });

  it("explains a refused start in plain words with the raw text behind Details", async () => {
    const { backend, user } = start({ mode: "demo" });
    vi.spyOn(backend, "startRun").mockRejectedValue(
      new BackendError({
        kind: "rateLimited",
        message: "Lamina is busy with your other requests. We'll try again in a moment.",
        detail: "POST /v1/apps/hero-image/runs → HTTP 429 Too Many Requests",
        fields: [],
      }),
    );
    await openApp(user, "hero", "Hero Image");
    await user.type(screen.getByTestId("field-Prompt").querySelector("textarea")!, "Lamp");
    await user.click(screen.getByTestId("generate"));
    const alert = await screen.findByText(
      "Lamina is busy with your other requests. We'll try again in a moment.",
    );
    expect(screen.queryByText(/HTTP 429/)).toBeNull();
    await user.click(
      within(alert.closest(".inline-error") as HTMLElement).getByTestId("details-toggle"),
    );
    expect(screen.getByTestId("details")).toHaveTextContent("HTTP 429 Too Many Requests");
  });

  it("connects an account with a key, and shows a refused key in plain words", async () => {
    const { user } = start();
    await screen.findByTestId("onboarding");
    await user.click(screen.getByTestId("connect-account"));
    const input = screen.getByTestId("api-key-input");
    expect(input).toHaveFocus();
    expect(input).toHaveAttribute("type", "password");

    await user.type(input, "bad-key");
    await user.click(screen.getByTestId("save-key"));
    expect(await screen.findByText(/Your Lamina key was not accepted/)).toBeInTheDocument();
    expect(screen.queryByText(/HTTP 401/)).toBeNull();
    await user.click(screen.getByTestId("details-toggle"));
    expect(screen.getByTestId("details")).toHaveTextContent("HTTP 401 Unauthorized");

    await user.clear(input);
    await user.type(input, "lam_live_0123456789abcd");
    await user.click(screen.getByTestId("save-key"));
    await screen.findByTestId("nav-apps");
    expect(screen.queryByTestId("demo-badge")).toBeNull();

    await user.click(screen.getByTestId("nav-settings"));
    expect(await screen.findByTestId("key-status")).toHaveTextContent("•••• abcd");
    // Which service the key talks to (set by LAMINA_BASE_URL), as a person reads it.
    expect(screen.getByTestId("settings-page")).toHaveTextContent(
      "Your Lamina account, at memory://lamina.",
    );
    expect(screen.getByTestId("settings-page")).not.toHaveTextContent("lam_live_0123456789abcd");
  });

  it("says so plainly when the keychain is unavailable", async () => {
    start({ keychainAvailable: false });
    await screen.findByTestId("onboarding");
    expect(screen.getByTestId("keychain-message")).toHaveTextContent(/keychain isn't available/);
    expect(screen.getByTestId("save-key")).toBeDisabled();
    expect(screen.getByTestId("try-demo")).toBeEnabled();
  });

  it("connects from the demo badge, and forgets the key after a confirmation", async () => {
    const { user } = start({ mode: "demo" });
    await user.click(await screen.findByTestId("connect-account"));
    await screen.findByTestId("settings-page");
    await waitFor(() => expect(screen.getByTestId("api-key-input")).toHaveFocus());
    expect(screen.getByTestId("key-status")).toHaveTextContent("No key saved");

    await user.type(screen.getByTestId("api-key-input"), "lam_live_00000000wxyz");
    await user.click(screen.getByTestId("save-key"));
    await waitFor(() => expect(screen.queryByTestId("demo-badge")).toBeNull());
    await user.click(screen.getByTestId("nav-settings"));
    expect(await screen.findByTestId("key-status")).toHaveTextContent("•••• wxyz");

    await user.click(screen.getByTestId("forget-key"));
    expect(screen.getByText(/Forget your key on this computer\?/)).toBeInTheDocument();
    await user.click(screen.getByTestId("forget-key-confirm"));
    expect(await screen.findByTestId("onboarding")).toBeInTheDocument();
  });

  it("switches theme from Settings", async () => {
    const { user } = start({ mode: "demo" });
    await user.click(await screen.findByTestId("nav-settings"));
    await user.click(screen.getByTestId("theme-dark"));
    expect(document.documentElement.dataset.theme).toBe("dark");
    await user.click(screen.getByTestId("theme-system"));
    expect(document.documentElement.dataset.theme).toBe("system");
  });

  it("tells the user when the catalog is from the last visit, and when a search finds nothing", async () => {
    const { user } = start({ mode: "demo", offline: true });
    expect(await screen.findByTestId("offline-banner")).toHaveTextContent("You're offline");
    await user.type(screen.getByTestId("catalog-search"), "zebra");
    expect(await screen.findByText("No apps match “zebra”")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Clear search" }));
    await waitFor(() => expect(screen.getAllByTestId("app-card").length).toBeGreaterThan(3));
  });

  it("shows a load error with Details and recovers on Try again", async () => {
    const { backend, user } = start({ mode: "demo" });
    const listApps = vi.spyOn(backend, "listApps").mockRejectedValueOnce(
      new BackendError({
        kind: "decode",
        message: "",
        detail: "expected value at line 1 column 1",
        fields: [],
      }),
    );
    expect(
      await screen.findByText("Lamina sent an answer this app could not read."),
    ).toBeInTheDocument();
    await user.click(screen.getByTestId("details-toggle"));
    expect(screen.getByTestId("details")).toHaveTextContent("expected value at line 1 column 1");
    await user.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(screen.getAllByTestId("app-card").length).toBeGreaterThan(3));
    expect(listApps).toHaveBeenCalledTimes(2);
  });
});
