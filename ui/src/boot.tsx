// Draws the app into the page, with the first screen's data already in the query cache so that
// the shell and the catalog appear in a single render, without a loading step.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import type { QueryClient } from "@tanstack/react-query";
import { Root, createQueryClient } from "./Root";
import "./i18n";
import type { Backend } from "./lib/backend";
import type { StartupState } from "./lib/backend/types";
import { keys } from "./lib/keys";

export function render(container: HTMLElement, backend: Backend, first: StartupState | null) {
  const client = createQueryClient();
  if (first) seedFirstScreen(client, first);
  createRoot(container).render(
    <StrictMode>
      <Root backend={backend} queryClient={client} />
    </StrictMode>,
  );
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
