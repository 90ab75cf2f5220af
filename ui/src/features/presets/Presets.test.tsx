// Presets on the app form against the in-memory backend: save, apply (values restored), a
// duplicate name refused in words, rename, delete after confirming, and an app that changed since
// the preset was saved (what no longer fits is reported, the rest applied).
import { act, screen, waitFor, within } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { DEMO_APPS } from "../../lib/backend/memory";
import { useUi } from "../../lib/store";
import { startApp } from "../../test/app";

function prompt(): HTMLTextAreaElement {
  return within(screen.getByTestId("field-Prompt")).getByRole("textbox");
}

function ratio(label: string): HTMLElement {
  return within(screen.getByTestId("field-Aspect Ratio")).getByRole("radio", { name: label });
}

function presetNames(): string[] {
  return screen.queryAllByTestId("preset-item").map((item) => item.dataset.name ?? "");
}

/** Replaces a field's text (pasted: typing letter by letter is slow on a loaded machine). */
async function fill(user: UserEvent, field: HTMLElement, text: string) {
  await user.clear(field);
  await user.click(field);
  await user.paste(text);
}

async function openHero(seed?: Parameters<typeof startApp>[1]) {
  const started = startApp({}, seed);
  act(() => useUi.getState().navigate({ page: "app", appId: "hero-image" }));
  await screen.findByTestId("dynamic-form");
  return started;
}

describe("Presets", () => {
  it("saves the form as a preset and applies it back; a taken name is refused in words", async () => {
    const { backend, user } = await openHero();
    await fill(user, prompt(), "Linen shirt on a beach");
    await user.click(ratio("16:9"));

    // No presets yet: the menu says so and offers to save.
    await user.click(screen.getByTestId("presets-open"));
    expect(await screen.findByTestId("presets-empty")).toBeVisible();
    await user.click(screen.getByTestId("preset-save-as"));
    const dialog = await screen.findByTestId("preset-name-dialog");
    expect(within(dialog).getByRole("heading")).toHaveTextContent("Save as preset");
    await fill(user, within(dialog).getByTestId("preset-name-input"), "  Wide   banner ");
    await user.click(within(dialog).getByTestId("preset-name-confirm"));
    await waitFor(() => expect(screen.queryByTestId("preset-name-dialog")).toBeNull());
    expect(await screen.findByText("Saved preset “Wide banner”")).toBeVisible();
    expect(await backend.listPresets("hero-image")).toMatchObject([
      { name: "Wide banner", inputs: { Prompt: "Linen shirt on a beach", "Aspect Ratio": "16:9" } },
    ]);

    // Change the form, then apply the preset: the saved values come back.
    await fill(user, prompt(), "Something else");
    await user.click(ratio("1:1"));
    await user.click(screen.getByTestId("presets-open"));
    await user.click(await screen.findByRole("button", { name: "Apply Wide banner" }));
    await waitFor(() => expect(prompt()).toHaveValue("Linen shirt on a beach"));
    expect(ratio("16:9")).toHaveAttribute("aria-checked", "true");
    expect(screen.queryByTestId("preset-issues")).toBeNull();

    // A name already taken (in any capitals) is refused with words; the dialog stays open.
    await user.click(screen.getByTestId("presets-open"));
    await user.click(screen.getByTestId("preset-save-as"));
    const input = await screen.findByTestId("preset-name-input");
    expect(input).toHaveValue("");
    await fill(user, input, "WIDE BANNER");
    await user.click(screen.getByTestId("preset-name-confirm"));
    expect(await screen.findByTestId("preset-name-error")).toHaveTextContent(
      "There is already a preset called “WIDE BANNER” for this app. Pick another name.",
    );
    await fill(user, screen.getByTestId("preset-name-input"), "Square");
    await user.click(screen.getByTestId("preset-name-confirm"));
    await waitFor(() => expect(screen.queryByTestId("preset-name-dialog")).toBeNull());
    expect((await backend.listPresets("hero-image")).map((p) => p.name)).toEqual([
      "Square",
      "Wide banner",
    ]);
  });

  it("renames, and deletes after confirming", async () => {
    const { backend, user } = await openHero((b) => {
      void b.savePreset("hero-image", "Square", { "Aspect Ratio": "1:1" });
      void b.savePreset("hero-image", "Wide banner", { "Aspect Ratio": "16:9" });
    });
    await user.click(screen.getByTestId("presets-open"));
    await waitFor(() => expect(presetNames()).toEqual(["Square", "Wide banner"]));
    expect(screen.getByTestId("presets-open")).toHaveTextContent("2");

    const wide = screen.getAllByTestId("preset-item")[1]!;
    await user.click(within(wide).getByTestId("preset-more"));
    await user.click(within(wide).getByTestId("preset-rename"));
    const input = await screen.findByTestId("preset-name-input");
    expect(input).toHaveValue("Wide banner");
    await fill(user, input, "Beach");
    await user.click(screen.getByTestId("preset-name-confirm"));
    expect(await screen.findByText("Renamed to “Beach”")).toBeVisible();

    // Delete asks first; cancelling keeps it, confirming removes it.
    await user.click(screen.getByTestId("presets-open"));
    await waitFor(() => expect(presetNames()).toEqual(["Beach", "Square"]));
    const beach = () => screen.getAllByTestId("preset-item")[0]!;
    await user.click(within(beach()).getByTestId("preset-more"));
    await user.click(within(beach()).getByTestId("preset-delete"));
    let confirm = await screen.findByTestId("preset-delete-dialog");
    expect(confirm).toHaveTextContent("Delete “Beach”?");
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByTestId("preset-delete-dialog")).toBeNull());
    expect(await backend.listPresets("hero-image")).toHaveLength(2);

    await user.click(screen.getByTestId("presets-open"));
    await user.click(within(beach()).getByTestId("preset-more"));
    await user.click(within(beach()).getByTestId("preset-delete"));
    confirm = await screen.findByTestId("preset-delete-dialog");
    await user.click(within(confirm).getByTestId("preset-delete-confirm"));
    expect(await screen.findByText("Deleted “Beach”")).toBeVisible();
    expect((await backend.listPresets("hero-image")).map((p) => p.name)).toEqual(["Square"]);
  });

  it("applies what still fits an app that changed, and lists the rest", async () => {
    const { backend, user } = await openHero((b) => {
      void b.savePreset("hero-image", "Beach", {
        Prompt: "Linen shirt on a beach",
        "Aspect Ratio": "16:9",
      });
    });
    // The app changed on the service: 16:9 is no longer offered.
    const hero = DEMO_APPS[0]!.app;
    backend.setAppParameters(
      "hero-image",
      hero.parameters.map((p) =>
        p.name === "Aspect Ratio"
          ? { ...p, options: (p.options ?? []).filter((o) => o !== "16:9") }
          : p,
      ),
    );
    await user.click(screen.getByTestId("presets-open"));
    await user.click(await screen.findByRole("button", { name: "Apply Beach" }));
    const issues = await screen.findByTestId("preset-issues");
    expect(issues).toHaveTextContent("Some of “Beach” no longer fits this app");
    const issue = within(issues).getByTestId("preset-issue");
    expect(issue).toHaveAttribute("data-field", "Aspect Ratio");
    expect(issue).toHaveAttribute("data-kind", "optionGone");
    expect(issue).toHaveTextContent("Aspect Ratio must be one of: 1:1, 4:3");
    expect(issue).toHaveTextContent("left as it was");
    expect(prompt()).toHaveValue("Linen shirt on a beach");
    await user.click(within(issues).getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("preset-issues")).toBeNull();
  });

  it("keeps presets per app, with names unique per app", async () => {
    const { backend } = startApp();
    await backend.savePreset("hero-image", "Mine", { Prompt: "x" });
    // Same name for another app is fine; values of unknown inputs are not kept.
    const other = await backend.savePreset("full-set-catalog", "Mine", {
      Style: "Warm",
      Nope: "1",
    });
    expect(other.inputs).toEqual({ Style: "Warm" });
    expect((await backend.listPresets("hero-image")).map((p) => p.name)).toEqual(["Mine"]);
    await expect(backend.savePreset("hero-image", " mine ", {})).rejects.toMatchObject({
      kind: "conflict",
    });
    await expect(backend.renamePreset(other.presetId, "   ")).rejects.toMatchObject({
      kind: "invalidInput",
    });
  });
});
