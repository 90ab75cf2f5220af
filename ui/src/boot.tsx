// Draws the app into the page, with the first screen's data already in the query cache so that
// the shell and the catalog appear in a single render, without a loading step. That render is
// synchronous: a page that arrived with the saved catalog in it (lib/first-screen.ts) has it
// replaced by the same DOM within one task, so no frame shows anything in between.
import { StrictMode } from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import type { QueryClient } from "@tanstack/react-query";
import { Root, createQueryClient } from "./Root";
import "./i18n";
import type { Backend } from "./lib/backend";
import type { StartupState } from "./lib/backend/types";
import { keys } from "./lib/keys";
import { keepFirstScreen } from "./lib/first-screen";
import { usePrefs } from "./lib/store";
import type { FirstScreen } from "./lib/backend/types";

/** Returns the first screen kept for the next start (see `keepFirstScreen`). */
export function render(
  container: HTMLElement,
  backend: Backend,
  first: StartupState | null,
): FirstScreen | null | undefined {
  const client = createQueryClient();
  if (first) seedFirstScreen(client, first);
  const root = createRoot(container);
  flushSync(() =>
    root.render(
      <StrictMode>
        <Root backend={backend} queryClient={client} />
      </StrictMode>,
    ),
  );
  return keepFirstScreen(container, backend, first, usePrefs.getState().theme);
}

/** A saved (not live) catalog is marked stale, so the catalog asks the service again at once. */
export function seedFirstScreen(client: QueryClient, first: StartupState): void {
  client.setQueryData(keys.account, first.account);
  if (first.catalog) {
    client.setQueryData(keys.catalog(""), first.catalog, {
      updatedAt: first.catalogIsLive ? Date.now() : 0,
    });
  }
}
