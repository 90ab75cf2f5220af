// Describe what you need on the in-memory backend: a brief → the app Lamina chose, why, and the
// inputs it filled → the run's outputs → scores with plain labels → Adjust opens the app's form
// prefilled and a rerun goes through the normal path. Several lines are several briefs (≤ 10);
// a service without content creation says so and points to the catalog.
import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startApp } from "../../test/app";
import { useUi } from "../../lib/store";
import { useDescribeResults } from "./results";

afterEach(() => {
  useDescribeResults.getState().show([]);
  act(() => useUi.getState().navigate({ page: "apps" }));
});

async function openDescribe(user: ReturnType<typeof startApp>["user"]) {
  await user.click(await screen.findByTestId("nav-describe"));
  await screen.findByTestId("describe-brief");
}

function write(text: string) {
  fireEvent.change(screen.getByTestId("describe-brief"), { target: { value: text } });
}

describe("Describe", () => {
  it("is first in the sidebar", async () => {
    startApp();
    await screen.findAllByTestId("app-card");
    const nav = screen.getAllByRole("button").filter((b) => b.dataset.testid?.startsWith("nav-"));
    expect(nav[0]).toHaveAttribute("data-testid", "nav-describe");
    expect(nav.map((b) => b.dataset.testid)).toContain("nav-publishing");
  });

  it("shows the chosen app, its inputs, the outputs and the scores; Adjust reruns the normal way", async () => {
    const { backend, user } = startApp();
    const create = vi.spyOn(backend, "describeCreate");
    const startRun = vi.spyOn(backend, "startRun");
    await openDescribe(user);
    write("A launch post for my new linen shirt on a sunny terrace");
    await user.click(screen.getByTestId("platform-instagram"));
    expect(screen.getByTestId("platform-instagram")).toHaveAttribute("aria-pressed", "true");
    await user.click(screen.getByTestId("describe-generate"));

    expect(await screen.findByTestId("describe-chosen-app")).toHaveTextContent(
      "Lamina chose Hero Image",
    );
    expect(create).toHaveBeenCalledWith(
      expect.objectContaining({ platform: "instagram", brandId: "brand-demo" }),
    );
    expect(screen.getByTestId("describe-reason")).toHaveTextContent("for instagram");
    const inputs = screen.getByTestId("describe-inputs");
    expect(inputs).toHaveTextContent(
      "PromptA launch post for my new linen shirt on a sunny terrace",
    );
    expect(inputs).toHaveTextContent("Aspect Ratio1:1");

    // The outputs arrive in the ordinary run card, then the scores in plain words.
    const result = screen.getByTestId("describe-result");
    await waitFor(() =>
      expect(within(result).getByTestId("run-card")).toHaveAttribute("data-status", "completed"),
    );
    const scores = await within(result).findByTestId("scores");
    expect(scores).toHaveTextContent(/Brand fit \d+\/10/);
    expect(scores).toHaveTextContent(/Likely engagement \d+\/10/);
    expect(scores).toHaveTextContent(/Overall \d+\/10/);

    // Adjust: the app's own form, prefilled with what Lamina filled; Generate is the normal path.
    await user.click(screen.getByTestId("describe-adjust"));
    const prompt = (await screen.findByTestId("field-Prompt")).querySelector("textarea")!;
    expect(prompt).toHaveValue("A launch post for my new linen shirt on a sunny terrace");
    await user.type(prompt, ", golden hour");
    await user.click(screen.getByTestId("generate"));
    await waitFor(() => expect(startRun).toHaveBeenCalledTimes(2));
    expect(startRun.mock.calls[1]?.[0]).toBe("hero-image");
    expect(startRun.mock.calls[1]?.[1]).toMatchObject({
      Prompt: "A launch post for my new linen shirt on a sunny terrace, golden hour",
      "Aspect Ratio": "1:1",
    });

    // Back on Describe, the result is still there.
    await user.click(screen.getByTestId("nav-describe"));
    expect(await screen.findByTestId("describe-chosen-app")).toBeInTheDocument();
  });

  it("makes one request per line with the batch's progress, and refuses more than 10", async () => {
    const { backend, user } = startApp();
    const batch = vi.spyOn(backend, "describeBatch");
    await openDescribe(user);

    write(Array.from({ length: 11 }, (_, i) => `Brief number ${i + 1}`).join("\n"));
    expect(screen.getByTestId("describe-generate")).toHaveTextContent("Generate 11 requests");
    await user.click(screen.getByTestId("describe-generate"));
    expect(screen.getByTestId("describe-too-many")).toHaveTextContent("Lamina makes up to 10");
    expect(batch).not.toHaveBeenCalled();

    write(
      "A hero shot of a teal kettle\n\nListing description for a linen apron\nSpring ad campaign",
    );
    await user.click(screen.getByTestId("describe-generate"));
    await waitFor(() => expect(screen.getAllByTestId("describe-result")).toHaveLength(3));
    expect(batch).toHaveBeenCalledTimes(1);
    expect(batch.mock.calls[0]?.[0].map((r) => r.brief)).toEqual([
      "A hero shot of a teal kettle",
      "Listing description for a linen apron",
      "Spring ad campaign",
    ]);
    const apps = screen.getAllByTestId("describe-chosen-app").map((e) => e.textContent);
    expect(apps).toEqual([
      "Lamina chose Hero Image",
      "Lamina chose Product Copy",
      "Lamina chose Social Ad Pack",
    ]);
    await waitFor(() =>
      expect(screen.getByTestId("describe-progress")).toHaveTextContent("3 of 3 done"),
    );
  });

  it("starts a brief from a template in the gallery", async () => {
    const { backend, user } = startApp();
    const create = vi.spyOn(backend, "describeCreate");
    await openDescribe(user);
    await user.click(screen.getByTestId("browse-templates"));
    const cards = await screen.findAllByTestId("template-card");
    expect(cards[0]).toHaveTextContent("Product Launch Hero");
    expect(cards[0]).toHaveTextContent("Made forInstagram, Facebook");
    expect(cards[0]).toHaveTextContent("You getImage — The product, centred");
    await user.click(within(cards[0]!).getByTestId("use-template"));

    await screen.findByTestId("describe-form");
    expect(screen.getByTestId("describe-template")).toHaveValue("tmpl-product-launch");
    await waitFor(() =>
      expect(screen.getByTestId("platform-instagram")).toHaveAttribute("aria-pressed", "true"),
    );
    write("Our new linen shirt");
    await user.click(screen.getByTestId("describe-generate"));
    await screen.findByTestId("describe-chosen-app");
    expect(create).toHaveBeenCalledWith(
      expect.objectContaining({ templateId: "tmpl-product-launch", platform: "instagram" }),
    );
  });

  it("shows the brand read-only beside the form", async () => {
    const { user } = startApp();
    await user.click(await screen.findByTestId("nav-describe"));
    const panel = await screen.findByTestId("brand-panel");
    expect(panel).toHaveTextContent("Demo Linen Co.");
    expect(panel).toHaveTextContent("Voicewarm, plain-spoken, confident");
    expect(panel).toHaveTextContent("Deep teal");
    expect(panel).toHaveTextContent("No discounts above 30%");
    expect(within(panel).queryByRole("textbox")).toBeNull();
  });

  it("says in words when the service doesn't offer it, and the catalog still works", async () => {
    const { backend, user } = startApp({}, (b) => {
      b.content.offered = false;
    });
    const startRun = vi.spyOn(backend, "startRun");
    await user.click(await screen.findByTestId("nav-describe"));
    const notice = await screen.findByTestId("not-offered");
    expect(notice).toHaveTextContent("Your Lamina service doesn't offer describing what you need");
    await user.click(screen.getByTestId("not-offered-catalog"));
    expect(await screen.findAllByTestId("app-card")).not.toHaveLength(0);

    await user.click(screen.getByTestId("nav-publishing"));
    expect(await screen.findByTestId("not-offered")).toHaveTextContent(
      "Your Lamina service doesn't offer publishing",
    );
    expect(startRun).not.toHaveBeenCalled();
  });
});
