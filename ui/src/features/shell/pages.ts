// Every screen but the catalog loads on first use, so start-up parses only what the first screen
// draws; the rest is fetched once the window has painted (`preloadPages`), before anyone clicks.
import { lazy } from "react";

const load = {
  app: () => import("../apps/AppPage"),
  history: () => import("../history/HistoryPage"),
  compare: () => import("../compare/CompareView"),
  gallery: () => import("../gallery/GalleryPage"),
  batch: () => import("../batch/BatchPage"),
  settings: () => import("../settings/SettingsPage"),
  describe: () => import("../describe/DescribePage"),
  templates: () => import("../describe/TemplatesPage"),
  publishing: () => import("../publishing/PublishingPage"),
};

export const AppPage = lazy(() => load.app().then((m) => ({ default: m.AppPage })));
export const HistoryPage = lazy(() => load.history().then((m) => ({ default: m.HistoryPage })));
export const CompareView = lazy(() => load.compare().then((m) => ({ default: m.CompareView })));
export const GalleryPage = lazy(() => load.gallery().then((m) => ({ default: m.GalleryPage })));
export const BatchPage = lazy(() => load.batch().then((m) => ({ default: m.BatchPage })));
export const SettingsPage = lazy(() => load.settings().then((m) => ({ default: m.SettingsPage })));

/** Fetches and compiles every screen in the background (a module loads once; later calls reuse it). */
export function preloadPages(): void {
  for (const loadPage of Object.values(load)) void loadPage().catch(() => undefined);
}
export const DescribePage = lazy(() => load.describe().then((m) => ({ default: m.DescribePage })));
export const TemplatesPage = lazy(() =>
  load.templates().then((m) => ({ default: m.TemplatesPage })),
);
export const PublishingPage = lazy(() =>
  load.publishing().then((m) => ({ default: m.PublishingPage })),
);
