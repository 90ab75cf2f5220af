import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Inputs, Parameter } from "../../lib/backend/types";
import { initialValues, isMandatory, problemsToErrors, type FormErrors } from "../../lib/inputs";
import { DynamicForm, droppedUrl, useDynamicFormState, usesSegmentedControl } from "./DynamicForm";

const PARAMS: Parameter[] = [
  { id: "p-prompt", name: "Prompt", type: "text", required: true },
  { name: "Notes", type: "text", required: false },
  {
    name: "Aspect Ratio",
    type: "options",
    required: true,
    options: ["1:1", "16:9", "9:16"],
    default: "1:1",
  },
  { name: "Style", type: "options", options: ["Disney / Pixar", "Anime", "Photo"] },
  {
    name: "Scene",
    type: "options",
    required: true,
    options: [
      "Living Room",
      "Kitchen",
      "Outdoor / Café",
      "Beach at Sunset",
      "Studio White",
      "City Street",
    ],
    default: "Kitchen",
  },
  { name: "Reference Image", type: "url", required: false, accept: ["image/*"] },
  { name: "Product Page", type: "url", required: true, default: "https://shop.example.com/p/1" },
  { name: "Mystery", type: "unknown", required: false },
];

function Harness({
  parameters = PARAMS,
  onSubmit,
  externalErrors,
}: {
  parameters?: Parameter[];
  onSubmit: (inputs: Inputs) => void;
  externalErrors?: FormErrors;
}) {
  const form = useDynamicFormState(() => initialValues(parameters));
  return (
    <DynamicForm
      appName="Test App"
      parameters={parameters}
      values={form.values}
      errors={externalErrors ?? form.errors}
      onChange={form.change}
      onInvalid={form.setErrors}
      onSubmit={onSubmit}
      previewSrc={(url) => url}
    />
  );
}

const field = (name: string) => screen.getByTestId(`field-${name}`);

describe("DynamicForm", () => {
  it("renders the right control for every parameter type, in the service's order", () => {
    render(<Harness onSubmit={vi.fn()} />);
    const form = screen.getByTestId("dynamic-form");
    const order = Array.from(form.querySelectorAll<HTMLElement>("[data-field]")).map(
      (el) => el.dataset.field,
    );
    expect(order).toEqual(PARAMS.map((p) => p.name));

    // text → textarea named after the parameter
    expect(field("Prompt").querySelector('textarea[name="Prompt"]')).not.toBeNull();
    // few short options → segmented control with the exact labels
    const style = within(field("Style")).getAllByRole("radio");
    expect(style.map((b) => b.dataset.option)).toEqual(["Disney / Pixar", "Anime", "Photo"]);
    expect(style.map((b) => b.textContent)).toEqual(["Disney / Pixar", "Anime", "Photo"]);
    expect(field("Style").querySelector('input[type="hidden"][name="Style"]')).not.toBeNull();
    // many options → select with the exact labels
    const scene = field("Scene").querySelector('select[name="Scene"]') as HTMLSelectElement;
    expect(scene).not.toBeNull();
    expect(Array.from(scene.options).map((o) => o.value)).toEqual(PARAMS[4]!.options);
    expect(
      within(field("Scene")).getByRole("option", { name: "Outdoor / Café" }),
    ).toBeInTheDocument();
    // url → URL input; without a place for photos (no uploads given) it says links only
    const ref = field("Reference Image").querySelector(
      'input[name="Reference Image"]',
    ) as HTMLInputElement;
    expect(ref.type).toBe("url");
    expect(field("Reference Image")).toHaveTextContent("Paste a link to an image that is online.");
    expect(field("Reference Image")).not.toHaveTextContent("coming soon");
    // unknown → plain text input, still named after the parameter
    expect((field("Mystery").querySelector('input[name="Mystery"]') as HTMLInputElement).type).toBe(
      "text",
    );
  });

  it("pre-fills defaults", () => {
    render(<Harness onSubmit={vi.fn()} />);
    expect(within(field("Aspect Ratio")).getByRole("radio", { name: "1:1" })).toHaveAttribute(
      "aria-checked",
      "true",
    );
    expect(within(field("Aspect Ratio")).getByRole("radio", { name: "16:9" })).toHaveAttribute(
      "aria-checked",
      "false",
    );
    expect(field("Aspect Ratio").querySelector('input[name="Aspect Ratio"]')).toHaveValue("1:1");
    expect(field("Scene").querySelector("select")).toHaveValue("Kitchen");
    expect(field("Product Page").querySelector("input")).toHaveValue(
      "https://shop.example.com/p/1",
    );
    expect(field("Prompt").querySelector("textarea")).toHaveValue("");
  });

  it("marks a field mandatory only without a default and with required true or absent", () => {
    expect(isMandatory({ name: "a", type: "text", required: true })).toBe(true);
    expect(isMandatory({ name: "a", type: "text" })).toBe(true);
    // `required: null` as a tolerant reader may hand it over (same as absent)
    expect(isMandatory({ name: "a", type: "text", required: null } as unknown as Parameter)).toBe(
      true,
    );
    expect(isMandatory({ name: "a", type: "text", required: false })).toBe(false);
    expect(isMandatory({ name: "a", type: "text", required: true, default: "x" })).toBe(false);

    render(<Harness onSubmit={vi.fn()} />);
    const required = (name: string) => field(name).dataset.required;
    expect(required("Prompt")).toBe("true"); // required: true, no default
    expect(required("Style")).toBe("true"); // required absent, no default
    expect(required("Notes")).toBe("false"); // required: false
    expect(required("Aspect Ratio")).toBe("false"); // has a default
    expect(required("Product Page")).toBe("false"); // has a default
    expect(within(field("Prompt")).getByText("Required")).toBeInTheDocument();
    expect(within(field("Notes")).getByText("Optional")).toBeInTheDocument();
    expect(field("Prompt").querySelector("textarea")).toHaveAttribute("aria-required", "true");
  });

  it("shows errors next to the fields and sends nothing while something is missing", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<Harness onSubmit={onSubmit} />);
    await user.click(screen.getByTestId("generate"));

    expect(onSubmit).not.toHaveBeenCalled();
    expect(within(field("Prompt")).getByTestId("field-error")).toHaveTextContent(
      "Prompt is required",
    );
    expect(within(field("Style")).getByTestId("field-error")).toHaveTextContent(
      "Style is required",
    );
    expect(within(field("Notes")).queryByTestId("field-error")).toBeNull();
    // focus goes to the first field that needs attention
    expect(field("Prompt").querySelector("textarea")).toHaveFocus();

    // editing a field clears its error
    await user.type(field("Prompt").querySelector("textarea")!, "x");
    expect(within(field("Prompt")).queryByTestId("field-error")).toBeNull();
    expect(within(field("Style")).getByTestId("field-error")).toBeInTheDocument();
  });

  it("submits values keyed by parameter name, exact option labels, blank optional values left out", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<Harness onSubmit={onSubmit} />);
    await user.type(field("Prompt").querySelector("textarea")!, "  A red sneaker on sand  ");
    await user.click(within(field("Style")).getByRole("radio", { name: "Disney / Pixar" }));
    await user.click(within(field("Aspect Ratio")).getByRole("radio", { name: "16:9" }));
    await user.selectOptions(field("Scene").querySelector("select")!, "Outdoor / Café");
    await user.type(field("Notes").querySelector("textarea")!, "   ");
    await user.click(screen.getByTestId("generate"));

    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]![0]).toEqual({
      Prompt: "A red sneaker on sand",
      "Aspect Ratio": "16:9",
      Style: "Disney / Pixar",
      Scene: "Outdoor / Café",
      "Product Page": "https://shop.example.com/p/1",
    });
    const sent = onSubmit.mock.calls[0]![0] as Inputs;
    expect("Notes" in sent).toBe(false);
    expect("Reference Image" in sent).toBe(false);
    expect("Mystery" in sent).toBe(false);
  });

  it("accepts only http(s) links with a host, and previews image links", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(<Harness onSubmit={onSubmit} />);
    await user.type(field("Prompt").querySelector("textarea")!, "shoe");
    await user.click(within(field("Style")).getByRole("radio", { name: "Anime" }));
    const ref = field("Reference Image").querySelector("input")!;

    for (const bad of [
      "not a url",
      "ftp://files.example.com/a.png",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "/relative.png",
    ]) {
      await user.clear(ref);
      await user.type(ref, bad);
      await user.click(screen.getByTestId("generate"));
      expect(onSubmit).not.toHaveBeenCalled();
      expect(within(field("Reference Image")).getByTestId("field-error").textContent).toMatch(
        /Reference Image (is not a valid web address|must be a web address starting with http:\/\/ or https:\/\/)/,
      );
      expect(within(field("Reference Image")).queryByRole("img")).toBeNull();
    }

    await user.clear(ref);
    await user.type(ref, "https://cdn.example.com/a.png");
    expect(within(field("Reference Image")).getByRole("img")).toHaveAttribute(
      "src",
      "https://cdn.example.com/a.png",
    );
    await user.click(screen.getByTestId("generate"));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]![0]).toMatchObject({
      "Reference Image": "https://cdn.example.com/a.png",
    });
  });

  it("takes a link dragged in from a browser; without uploads a file is refused in words", () => {
    render(<Harness onSubmit={vi.fn()} />);
    const wrapper = field("Reference Image").querySelector(".url-field")!;
    const input = field("Reference Image").querySelector("input")!;
    const transfer = (data: Record<string, string>, files: File[] = []) => ({
      types: [...Object.keys(data), ...(files.length ? ["Files"] : [])],
      getData: (t: string) => data[t] ?? "",
      files,
      dropEffect: "none",
    });

    fireEvent.drop(wrapper, {
      dataTransfer: transfer({
        "text/uri-list": "# dragged from a browser\r\nhttps://images.example.com/shoe.jpg\r\n",
      }),
    });
    expect(input).toHaveValue("https://images.example.com/shoe.jpg");

    fireEvent.drop(wrapper, {
      dataTransfer: transfer({}, [new File(["x"], "shoe.png", { type: "image/png" })]),
    });
    expect(input).toHaveValue("https://images.example.com/shoe.jpg");
    expect(field("Reference Image")).toHaveTextContent("Only links work in this field.");
  });

  it("reads the first link of a drop", () => {
    const data = (d: Record<string, string>) => ({ getData: (t: string) => d[t] ?? "" });
    expect(
      droppedUrl(data({ "text/uri-list": "#c\nhttps://a.example/x.png\nhttps://b.example/y.png" })),
    ).toBe("https://a.example/x.png");
    expect(droppedUrl(data({ "text/plain": " https://a.example/x.png " }))).toBe(
      "https://a.example/x.png",
    );
    expect(droppedUrl(data({ "text/plain": "just words" }))).toBeNull();
    expect(droppedUrl(data({ "text/uri-list": "file:///home/me/x.png" }))).toBeNull();
  });

  it("submits with Ctrl+Enter", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    render(
      <Harness
        parameters={[{ name: "Prompt", type: "text", required: true }]}
        onSubmit={onSubmit}
      />,
    );
    const prompt = field("Prompt").querySelector("textarea")!;
    await user.type(prompt, "a mug");
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(onSubmit).toHaveBeenCalledWith({ Prompt: "a mug" });
  });

  it("shows the backend's field errors next to the fields they name (by name or id)", () => {
    const errors = problemsToErrors(PARAMS, [
      { field: "Reference Image", reason: "could not be downloaded by Lamina" },
      { field: "p-prompt", reason: "is too long" },
      { field: null, reason: "Too many runs at once." },
      { field: "Colour", reason: 'is not an input of "Test App"' },
    ]);
    render(<Harness onSubmit={vi.fn()} externalErrors={errors} />);
    expect(within(field("Reference Image")).getByTestId("field-error")).toHaveTextContent(
      "Reference Image could not be downloaded by Lamina",
    );
    expect(within(field("Prompt")).getByTestId("field-error")).toHaveTextContent(
      "Prompt is too long",
    );
    expect(screen.getByText("Too many runs at once.")).toBeInTheDocument();
    expect(screen.getByText('Colour is not an input of "Test App"')).toBeInTheDocument();
  });

  it("chooses a segmented control only for a few short labels", () => {
    expect(usesSegmentedControl(["1:1", "4:3", "3:4", "16:9", "9:16"])).toBe(true);
    expect(usesSegmentedControl(["Disney / Pixar", "Anime"])).toBe(true);
    expect(usesSegmentedControl(["a", "b", "c", "d", "e", "f"])).toBe(false);
    expect(usesSegmentedControl(["A very long option label indeed", "b"])).toBe(false);
    expect(usesSegmentedControl([])).toBe(false);
  });

  it("offers 'No preference' for optional options without a default", () => {
    render(
      <Harness
        parameters={[{ name: "Mood", type: "options", required: false, options: ["Calm", "Bold"] }]}
        onSubmit={vi.fn()}
      />,
    );
    const select = field("Mood").querySelector('select[name="Mood"]') as HTMLSelectElement;
    expect(select).toHaveValue("");
    expect(Array.from(select.options).map((o) => o.text)).toEqual([
      "No preference",
      "Calm",
      "Bold",
    ]);
  });
});
