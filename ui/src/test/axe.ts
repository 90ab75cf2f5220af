// axe-core on the rendered document: no serious or critical violations allowed.
//
// jsdom does no layout and no cascade from our stylesheet (CSS isn't loaded in Vitest), so axe's
// `color-contrast` rule can't compute colours here and is turned off; the theme tokens' contrast
// is checked from styles.css by src/theme.test.ts instead, and the screenshots of
// .ci/e2e/test_polish.py are looked at by a person.
import axe from "axe-core";
import { expect } from "vitest";

export async function expectAccessible(root: Element = document.documentElement): Promise<void> {
  // What ui/index.html gives the real page (jsdom starts from an empty document).
  if (!document.title) document.title = "Lamina";
  const results = await axe.run(root, {
    resultTypes: ["violations"],
    rules: { "color-contrast": { enabled: false } },
  });
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.html.slice(0, 160)),
    }));
  expect(serious, "axe: serious or critical violations").toEqual([]);
}
