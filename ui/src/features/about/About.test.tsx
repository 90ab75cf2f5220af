// The About dialog: opens from the sidebar, names the app and its version, closes with Escape.
import { screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startApp } from "../../test/app";
import { appIdentity } from "./AboutDialog";

vi.mock("@tauri-apps/api/app", () => ({
  getName: () => Promise.resolve("Lamina Desktop"),
  getVersion: () => Promise.resolve("9.8.7"),
}));

afterEach(() => {
  delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
});

describe("About", () => {
  it("opens from the sidebar with the version and closes with Escape", async () => {
    const { user } = startApp({ mode: "demo" });
    await user.click(await screen.findByTestId("about-open"));
    const dialog = await screen.findByTestId("about-dialog");
    expect(dialog).toHaveTextContent("Lamina Desktop");
    await waitFor(() =>
      expect(screen.getByTestId("about-version")).toHaveTextContent("Version browser preview"),
    );
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByTestId("about-dialog")).toBeNull());
  });

  it("reads the desktop app's own name and version inside Tauri", async () => {
    (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__ = {};
    await expect(appIdentity()).resolves.toEqual({ name: "Lamina Desktop", version: "9.8.7" });
  });
});
