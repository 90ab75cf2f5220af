// The two themes from styles.css: both define every colour token, "system" dark (the media query)
// is the same as the chosen dark theme, and text colours meet WCAG AA contrast (4.5:1) on the
// surfaces they sit on. (axe can't measure contrast in jsdom; this checks the palette itself.)
import { describe, expect, it } from "vitest";
import css from "./styles.css?raw";

function tokens(selector: string): Record<string, string> {
  const start = css.indexOf(selector);
  expect(start, selector).toBeGreaterThanOrEqual(0);
  const body = css.slice(start, css.indexOf("}", start));
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2]]));
}

function luminance(hex: string): number {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m?.[1]) throw new Error(`not a #rrggbb colour: ${hex}`);
  const value = m[1];
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(value.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const light = tokens(":root {");
const darkChosen = { ...light, ...tokens(':root[data-theme="dark"] {') };
const darkSystem = { ...light, ...tokens(':root:not([data-theme="light"]) {') };

// [text, background] pairs used for text in the UI.
const TEXT_PAIRS: [string, string][] = [
  ["text", "bg"],
  ["text", "surface"],
  ["text", "surface-2"],
  ["text-muted", "bg"],
  ["text-muted", "surface"],
  ["text-muted", "surface-2"],
  ["text-faint", "surface"],
  ["accent", "surface"],
  ["accent", "bg"],
  ["accent-text", "accent-solid"],
  ["accent-text", "accent-solid-hover"],
  ["danger", "surface"],
  ["success", "surface"],
  ["warning", "surface"],
];

describe("themes", () => {
  it("dark following the OS is the same as dark chosen in Settings", () => {
    expect(darkSystem).toEqual(darkChosen);
  });

  it.each([
    ["light", light],
    ["dark", darkChosen],
  ])("%s: text meets 4.5:1 on its surfaces", (_name, theme) => {
    for (const [fg, bg] of TEXT_PAIRS) {
      const ratio = contrast(theme[fg] ?? "", theme[bg] ?? "");
      expect(ratio, `--${fg} on --${bg}: ${ratio.toFixed(2)}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("the contrast formula matches WCAG's figures", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#767676", "#ffffff")).toBeCloseTo(4.54, 2);
  });
});

describe("fonts", () => {
  const families = (list: string | undefined) => (list ?? "").split(",").map((f) => f.trim());

  it("Linux skips the names only Apple and Windows have and falls back as the full list does", () => {
    const everywhere = families(light.font);
    const linux = families(tokens(':root[data-webview="webkitgtk"] {').font);
    // Before system-ui the full list names only Apple and Windows fonts. On Linux Rust names the
    // desktop's font itself (`--font` on <html>, src-tauri/src/desktop_font.rs), because
    // system-ui is slow there; the stylesheet keeps only the generic fallback.
    const appleAndWindows = everywhere.slice(0, everywhere.indexOf("system-ui"));
    expect(appleAndWindows).toEqual([
      "-apple-system",
      "BlinkMacSystemFont",
      '"Segoe UI Variable Text"',
      '"Segoe UI"',
    ]);
    expect(linux).toEqual([everywhere.at(-1)]);
    expect(linux).toEqual(["sans-serif"]);
  });
});
