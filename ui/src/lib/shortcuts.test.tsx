// Keyboard shortcuts: the matchers, and each shortcut in the running app (in-memory backend).
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { startApp } from "../test/app";
import { useUi } from "./store";
import { SHORTCUTS, isGenerate, isHelp, isSearch, isTyping } from "./shortcuts";

const key = (k: string, mods: Partial<KeyboardEventInit> = {}) =>
  new KeyboardEvent("keydown", { key: k, ...mods });

describe("shortcut matchers", () => {
  it("tells shortcuts from typing", () => {
    const input = document.createElement("input");
    const checkbox = Object.assign(document.createElement("input"), { type: "checkbox" });
    const button = document.createElement("button");
    expect(isTyping(input)).toBe(true);
    expect(isTyping(document.createElement("textarea"))).toBe(true);
    expect(isTyping(checkbox)).toBe(false);
    expect(isTyping(button)).toBe(false);

    expect(isGenerate(key("Enter", { ctrlKey: true }))).toBe(true);
    expect(isGenerate(key("Enter", { metaKey: true }))).toBe(true);
    expect(isGenerate(key("Enter"))).toBe(false);

    expect(isSearch(key("k", { ctrlKey: true }), input)).toBe(true);
    expect(isSearch(key("K", { metaKey: true, shiftKey: true }), button)).toBe(true);
    expect(isSearch(key("f", { ctrlKey: true }), button)).toBe(true);
    expect(isSearch(key("/"), button)).toBe(true);
    expect(isSearch(key("/"), input)).toBe(false); // a "/" typed into a field is a character
    expect(isSearch(key("k"), button)).toBe(false);

    expect(isHelp(key("?", { shiftKey: true }), button)).toBe(true);
    expect(isHelp(key("?", { shiftKey: true }), input)).toBe(false);
  });
});

describe("shortcuts in the app", () => {
  it("Ctrl+K and / go to the search of the screen on show", async () => {
    const { user } = startApp({}, (b) => b.seedHistory(3));
    const catalogSearch = await screen.findByTestId("catalog-search");
    expect(catalogSearch).toHaveAttribute("aria-keyshortcuts");
    await user.click(screen.getByTestId("nav-apps"));
    await user.keyboard("{Control>}k{/Control}");
    expect(catalogSearch).toHaveFocus();
    // Inside the field "/" is typed, not a shortcut.
    await user.keyboard("a/b");
    expect(catalogSearch).toHaveValue("a/b");

    await user.click(screen.getByTestId("nav-history"));
    expect(await screen.findByTestId("history-search")).not.toHaveFocus();
    await user.keyboard("/");
    expect(screen.getByTestId("history-search")).toHaveFocus();
    expect(screen.getByTestId("history-search")).toHaveValue("");

    await user.click(screen.getByTestId("nav-gallery"));
    await screen.findByTestId("gallery-search");
    await user.keyboard("{Meta>}k{/Meta}");
    expect(screen.getByTestId("gallery-search")).toHaveFocus();
  });

  it("? opens the shortcuts help, Esc closes it, and Settings opens it too", async () => {
    const { user } = startApp();
    await screen.findByTestId("nav-apps");
    await user.click(screen.getByTestId("nav-apps"));
    await user.keyboard("?");
    const dialog = await screen.findByTestId("shortcuts-dialog");
    expect(within(dialog).getByRole("heading", { name: "Keyboard shortcuts" })).toBeVisible();
    for (const s of SHORTCUTS) expect(within(dialog).getByTestId(`shortcut-${s.id}`)).toBeVisible();
    expect(within(dialog).getByTestId("shortcut-generate")).toHaveTextContent(/Ctrl|⌘/);
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("shortcuts-dialog")).toBeNull());

    await user.click(screen.getByTestId("nav-settings"));
    await user.click(await screen.findByTestId("shortcuts-open"));
    expect(await screen.findByTestId("shortcuts-dialog")).toBeVisible();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("shortcuts-dialog")).toBeNull());
    expect(screen.getByTestId("shortcuts-open")).toHaveFocus();
  });

  it("Ctrl+Enter in the form generates", async () => {
    const { user } = startApp();
    await screen.findByTestId("nav-apps");
    act(() => useUi.getState().navigate({ page: "app", appId: "hero-image" }));
    const prompt = (await screen.findByTestId("field-Prompt")).querySelector("textarea")!;
    await user.type(prompt, "A glass vase");
    expect(screen.queryByTestId("run-card")).toBeNull();
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(await screen.findByTestId("run-card")).toBeInTheDocument();
  });

  it("arrow keys step through a run's images in the lightbox, Esc closes it", async () => {
    const { user } = startApp({}, (b) => b.seedRun({ appId: "full-set-catalog" }));
    await screen.findByTestId("nav-apps");
    act(() => useUi.getState().navigate({ page: "app", appId: "full-set-catalog" }));
    const card = await screen.findByTestId("run-card");
    const images = await within(card).findAllByTestId("output-image");
    expect(images.length).toBeGreaterThan(2);
    await user.click(images[0]!.closest("button")!);
    const lightbox = await screen.findByTestId("lightbox");
    const shown = () => screen.getByTestId("lightbox-image").getAttribute("src");
    const first = shown();
    await user.keyboard("{ArrowRight}");
    await waitFor(() => expect(shown()).not.toBe(first));
    const second = shown();
    await user.keyboard("{ArrowLeft}");
    await waitFor(() => expect(shown()).toBe(first));
    await user.keyboard("{ArrowLeft}"); // a run's few images wrap around
    await waitFor(() => expect(shown()).not.toBe(second));
    expect(lightbox).toBeInTheDocument();
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("lightbox")).toBeNull());
  });

  it("leaves the keyboard to an open dialog", async () => {
    const { user } = startApp();
    await user.click(await screen.findByTestId("about-open"));
    await screen.findByTestId("about-dialog");
    fireEvent.keyDown(window, { key: "?" });
    expect(screen.queryByTestId("shortcuts-dialog")).toBeNull();
  });
});
