// Every main screen through axe-core, in the light and the dark theme (chosen the way a person
// does: the app's theme setting, which sets html[data-theme]).
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { usePrefs, useUi, type Theme } from "./lib/store";
import { expectAccessible } from "./test/axe";
import { startApp } from "./test/app";

const THEMES: Theme[] = ["light", "dark"];

describe("the accessibility check", () => {
  it("fails on a serious problem (an unlabelled button, an image without alt)", async () => {
    render(
      <main>
        <button type="button" />
        <img src="data:," />
      </main>,
    );
    await expect(expectAccessible()).rejects.toThrow(/button-name|image-alt/);
  });
});

describe.each(THEMES)("accessibility (%s theme)", (theme) => {
  const themed = () => {
    act(() => usePrefs.getState().setTheme(theme));
  };
  const ready = async () => {
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe(theme));
  };

  it("onboarding", async () => {
    startApp({ mode: "none" });
    themed();
    await screen.findByTestId("onboarding");
    await ready();
    await expectAccessible();
  });

  it("catalog", async () => {
    startApp();
    themed();
    await screen.findAllByTestId("app-card");
    await ready();
    await expectAccessible();
  });

  it("app form with a field error, and the runs panel with done and failed cards", async () => {
    const { user } = startApp({}, (b) => {
      b.seedRun({ appId: "hero-image", inputs: { Prompt: "A teal kettle on slate" } });
      b.seedRun({ appId: "hero-image", status: "failed" });
    });
    themed();
    await screen.findAllByTestId("app-card");
    act(() => useUi.getState().navigate({ page: "app", appId: "hero-image" }));
    const prompt = (await screen.findByTestId("field-Prompt")).querySelector("textarea")!;
    await user.clear(prompt);
    await user.click(screen.getByTestId("generate"));
    await screen.findByTestId("field-error");
    await waitFor(() => expect(screen.getAllByTestId("run-card")).toHaveLength(2));
    expect(screen.getByTestId("run-error")).toBeInTheDocument();
    await ready();
    await expectAccessible();
  });

  it("history with a run's details", async () => {
    const { user } = startApp({}, (b) => b.seedHistory(12));
    themed();
    await user.click(await screen.findByTestId("nav-history"));
    const rows = await screen.findAllByTestId("history-row");
    await user.click(rows[0]!);
    const detail = await screen.findByTestId("run-detail");
    await ready();
    await expectAccessible();
    const save = within(detail).queryByTestId("save-all");
    if (save) {
      await user.click(save);
      await screen.findByTestId("save-menu");
      await expectAccessible();
    }
  });

  it("an unconfirmed run's details", async () => {
    const { user } = startApp({}, (b) => b.seedRun({ status: "unknown" }));
    themed();
    await user.click(await screen.findByTestId("nav-history"));
    await user.click((await screen.findAllByTestId("history-row"))[0]!);
    await screen.findByTestId("unknown-check");
    await ready();
    await expectAccessible();
  });

  it("gallery and its lightbox", async () => {
    const { user } = startApp({}, (b) => b.seedRun({ appId: "full-set-catalog" }));
    themed();
    await user.click(await screen.findByTestId("nav-gallery"));
    const items = await screen.findAllByTestId("gallery-item");
    await ready();
    await expectAccessible();
    await user.click(items[0]!);
    const lightbox = await screen.findByTestId("lightbox");
    await within(lightbox).findByTestId("lightbox-image");
    await expectAccessible();
  });

  it("settings and the shortcuts help", async () => {
    const { user } = startApp();
    themed();
    await user.click(await screen.findByTestId("nav-settings"));
    await screen.findByTestId("settings-page");
    await ready();
    await expectAccessible();
    await user.click(screen.getByTestId("shortcuts-open"));
    await screen.findByTestId("shortcuts-dialog");
    await expectAccessible();
  });

  it("about", async () => {
    const { user } = startApp();
    themed();
    await user.click(await screen.findByTestId("about-open"));
    await screen.findByTestId("about-version");
    await ready();
    await expectAccessible();
  });
  it("describe with a result and its scores, the templates, and the publish dialog", async () => {
    const { user } = startApp();
    themed();
    await user.click(await screen.findByTestId("nav-describe"));
    const brief = await screen.findByTestId("describe-brief");
    fireEvent.change(brief, { target: { value: "A launch post for a linen shirt" } });
    await user.click(screen.getByTestId("platform-instagram"));
    await user.click(screen.getByTestId("describe-generate"));
    await screen.findByTestId("scores");
    await screen.findByTestId("brand-panel");
    await ready();
    await expectAccessible();
    await user.click(screen.getByTestId("publish-open"));
    const dialog = await screen.findByTestId("publish-dialog");
    await user.click(await within(dialog).findByTestId("publish-channel-ch-demo-instagram"));
    await expectAccessible();
    await user.click(within(dialog).getByTestId("publish-continue"));
    await user.click(within(dialog).getByTestId("publish-confirm"));
    await within(dialog).findByTestId("publish-post-link");
    await expectAccessible();
    await user.click(within(dialog).getByTestId("publish-done"));
    await user.click(screen.getByTestId("nav-describe"));
    await user.click(await screen.findByTestId("browse-templates"));
    await screen.findAllByTestId("template-card");
    await expectAccessible();
    await user.click(screen.getByTestId("nav-publishing"));
    await screen.findByTestId("publishing-item");
    await expectAccessible();
  });
});
