// Publish… on the in-memory backend: nothing is sent before the confirmation that names the
// channels (Cancel and Back send nothing); the caption is prefilled from a text output of the
// same run; each channel's result comes with its post link (opened outside the app); a lost
// answer is shown as "unconfirmed" and is settled by the history, never sent twice.
import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { startApp } from "../../test/app";
import { useUi } from "../../lib/store";

async function openPublish(user: ReturnType<typeof startApp>["user"], appId = "hero-image") {
  await screen.findByTestId("nav-apps");
  act(() => useUi.getState().navigate({ page: "app", appId }));
  const card = await screen.findByTestId("run-card");
  await user.click(within(card).getByTestId("publish-open"));
  return screen.findByTestId("publish-dialog");
}

describe("Publish…", () => {
  it("never sends without the confirmation naming the channels", async () => {
    const { backend, user } = startApp({}, (b) => {
      b.seedRun({ appId: "hero-image", inputs: { Prompt: "A linen shirt on a terrace" } });
    });
    const publish = vi.spyOn(backend, "publish");
    let dialog = await openPublish(user);

    // Continue needs a channel.
    expect(within(dialog).getByTestId("publish-continue")).toBeDisabled();
    await user.click(await within(dialog).findByTestId("publish-channel-ch-demo-instagram"));
    await user.type(within(dialog).getByTestId("publish-caption"), "Summer is here");
    expect(within(dialog).getByTestId("publish-preview")).toHaveTextContent(
      "How it will look on Demo Instagram",
    );
    expect(within(dialog).getByTestId("publish-preview")).toHaveTextContent("Summer is here");
    await user.click(within(dialog).getByTestId("publish-continue"));
    expect(within(dialog).getByTestId("publish-question")).toHaveTextContent(
      "Publish to Demo Instagram?",
    );
    // Back, then Cancel: nothing went out.
    await user.click(within(dialog).getByTestId("publish-back"));
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByTestId("publish-dialog")).toBeNull());
    expect(publish).not.toHaveBeenCalled();
    expect(backend.content.publishRequests).toBe(0);

    // Two channels, confirmed: one request, both results with their post links.
    dialog = await openPublish(user);
    await user.click(await within(dialog).findByTestId("publish-channel-ch-demo-instagram"));
    await user.click(within(dialog).getByTestId("publish-channel-ch-demo-shopify"));
    await user.type(within(dialog).getByTestId("publish-caption"), "Summer is here");
    await user.click(within(dialog).getByTestId("publish-continue"));
    expect(within(dialog).getByTestId("publish-question")).toHaveTextContent(
      "Publish to Demo Instagram and Demo Shopify?",
    );
    expect(publish).not.toHaveBeenCalled();
    await user.click(within(dialog).getByTestId("publish-confirm"));
    const lines = await within(dialog).findAllByTestId("publish-line");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toHaveTextContent("Demo InstagramPublished");
    expect(publish).toHaveBeenCalledTimes(1);
    const [localId, indexes, channels, caption] = publish.mock.calls[0]!;
    expect(localId).toMatch(/^seed-/);
    expect(indexes).toEqual([0]);
    expect(channels).toEqual(["ch-demo-instagram", "ch-demo-shopify"]);
    expect(caption).toBe("Summer is here");

    // The post link opens outside the app.
    await user.click(within(lines[0]!).getByTestId("publish-post-link"));
    expect(backend.content.opened).toEqual([
      "memory://lamina/_sandbox/posts/pub-1-ch-demo-instagram",
    ]);
  });

  it("prefills the caption from a text output of the same run", async () => {
    const { user } = startApp({}, (b) => {
      b.seedRun({ appId: "product-copy", inputs: { "Product Name": "Linen apron" } });
    });
    const dialog = await openPublish(user, "product-copy");
    await waitFor(() => expect(within(dialog).getByTestId("publish-caption")).not.toHaveValue(""));
  });

  it("shows an answer lost in transit as unconfirmed; the history settles it without resending", async () => {
    const { backend, user } = startApp({}, (b) => {
      b.seedRun({ appId: "hero-image", inputs: { Prompt: "A linen shirt on a terrace" } });
      b.content.loseNextAnswer = true;
    });
    const dialog = await openPublish(user);
    await user.click(await within(dialog).findByTestId("publish-channel-ch-demo-instagram"));
    await user.type(within(dialog).getByTestId("publish-caption"), "Summer is here");
    await user.click(within(dialog).getByTestId("publish-continue"));
    await user.click(within(dialog).getByTestId("publish-confirm"));
    const line = await within(dialog).findByTestId("publish-line");
    expect(line).toHaveAttribute("data-state", "unconfirmed");
    expect(line).toHaveTextContent("Unconfirmed — checking with Lamina");
    expect(line).toHaveTextContent("It won't be sent again");
    expect(within(line).queryByTestId("publish-post-link")).toBeNull();
    await user.click(within(dialog).getByTestId("publish-done"));

    // The Publishing screen asks the history, which settles it: published, with its link.
    await user.click(screen.getByTestId("nav-publishing"));
    const item = await screen.findByTestId("publishing-item");
    await waitFor(() =>
      expect(within(item).getByTestId("publish-line")).toHaveAttribute("data-state", "published"),
    );
    expect(item).toHaveTextContent("Summer is here");
    expect(within(item).getByTestId("publish-post-link")).toHaveAttribute(
      "href",
      "memory://lamina/_sandbox/posts/pub-1-ch-demo-instagram",
    );
    expect(backend.content.publishRequests).toBe(1);
  });

  it("says so when the service can't publish", async () => {
    const { user } = startApp({}, (b) => {
      b.seedRun({ appId: "hero-image", inputs: { Prompt: "A linen shirt on a terrace" } });
      b.content.offered = false;
    });
    const dialog = await openPublish(user);
    expect(await within(dialog).findByTestId("not-offered")).toHaveTextContent(
      "Your Lamina service doesn't offer publishing",
    );
    expect(within(dialog).queryByTestId("publish-confirm")).toBeNull();
  });
});
