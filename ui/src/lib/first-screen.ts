// The catalog's first frame, kept for the next start: Rust puts this markup into index.html (see
// src-tauri/src/first_screen.rs), so the window paints the real catalog before any script runs,
// and React's first render, which this is a copy of, then draws the same DOM over it.
// Free of React and the store on purpose: the small entry script imports it.
import type { Backend } from "./backend";
import type { ChosenTheme, FirstScreen, StartupState } from "./backend/types";

/** A drawn catalog card (the first screen is only kept when it is the catalog). */
export const CATALOG_CARD = '[data-testid="app-card"]';

/** Sent once the window has settled: the copy is taken at once, sending it can wait. */
const SEND_AFTER_MS = 1500;

/**
 * Copies what React's first commit drew into `container` (call it right after that commit) and
 * keeps it for the next start; a first screen that is not the catalog forgets the last copy.
 * Returns the copy (null: forgotten; undefined: the start-up answer was missing, so nothing changes).
 */
export function keepFirstScreen(
  container: Element,
  backend: Backend,
  first: StartupState | null,
  theme: ChosenTheme,
): FirstScreen | null | undefined {
  if (!first) return undefined;
  const catalogDrawn = first.catalog !== null && container.querySelector(CATALOG_CARD) !== null;
  const screen = catalogDrawn ? { markup: container.innerHTML, theme } : null;
  window.setTimeout(() => backend.saveFirstScreen(screen), SEND_AFTER_MS);
  return screen;
}

/** True when the page arrived with the saved catalog already in it (painted before any script). */
export function arrivedWithCatalog(container: Element): boolean {
  return container.querySelector(CATALOG_CARD) !== null;
}
