// UI-only state: where the user is and how the app looks. Backend state lives in TanStack Query.
import { create } from "zustand";
import { persist } from "zustand/middleware";
import type { ExportFormat, Inputs } from "./backend/types";

export type Route =
  | { page: "apps" }
  /** `prefill`: open the form with these inputs instead of the app's last ones. */
  | { page: "app"; appId: string; prefill?: Inputs }
  | { page: "history" }
  /** Runs side by side (local ids, in the order picked). */
  | { page: "compare"; ids: string[] }
  | { page: "gallery" }
  | { page: "settings" }
  /** Without `batchId`: new batch and the list; with it: that batch's progress. */
  | { page: "batch"; batchId?: string }
  /** Describe what you need; `templateId`: start the brief from that template. */
  | { page: "describe"; templateId?: string }
  | { page: "templates" }
  | { page: "publishing" };
export type Theme = "system" | "light" | "dark";

/** The status choices of the history filter (each stands for one or more run states). */
export type StatusFilter = "done" | "failed" | "inProgress" | "unknown";

export interface HistoryFilters {
  text: string;
  appId: string | null;
  status: StatusFilter | null;
  /** yyyy-mm-dd (a date input's value) or "". */
  from: string;
  to: string;
  starredOnly: boolean;
}

export const NO_FILTERS: HistoryFilters = {
  text: "",
  appId: null,
  status: null,
  from: "",
  to: "",
  starredOnly: false,
};

interface UiState {
  route: Route;
  /** The app whose form was open last (a dragged picture held over "Apps" returns to it). */
  lastAppId: string | null;
  /** Set by the "Connect your account" action; the key field takes focus and clears it. */
  keyFocusPending: boolean;
  catalogSearch: string;
  /** The run open in History's side panel. */
  selectedRun: string | null;
  historyFilters: HistoryFilters;
  galleryFilters: HistoryFilters;
  navigate: (route: Route) => void;
  requestKeyForm: () => void;
  keyFocusDone: () => void;
  setCatalogSearch: (search: string) => void;
  /** Shows a run in History's side panel (null closes it). */
  selectRun: (localId: string | null) => void;
  /** Goes to History with this run open. */
  openRun: (localId: string) => void;
  setHistoryFilters: (change: Partial<HistoryFilters>) => void;
  setGalleryFilters: (change: Partial<HistoryFilters>) => void;
}

export const useUi = create<UiState>()((set) => ({
  route: { page: "apps" },
  lastAppId: null,
  keyFocusPending: false,
  catalogSearch: "",
  selectedRun: null,
  historyFilters: NO_FILTERS,
  galleryFilters: NO_FILTERS,
  navigate: (route) =>
    set((s) => ({ route, lastAppId: route.page === "app" ? route.appId : s.lastAppId })),
  requestKeyForm: () => set({ route: { page: "settings" }, keyFocusPending: true }),
  keyFocusDone: () => set({ keyFocusPending: false }),
  setCatalogSearch: (catalogSearch) => set({ catalogSearch }),
  selectRun: (selectedRun) => set({ selectedRun }),
  openRun: (localId) => set({ route: { page: "history" }, selectedRun: localId }),
  setHistoryFilters: (change) =>
    set((s) => ({ historyFilters: { ...s.historyFilters, ...change } })),
  setGalleryFilters: (change) =>
    set((s) => ({ galleryFilters: { ...s.galleryFilters, ...change } })),
}));

interface PrefsState {
  theme: Theme;
  /** The format last chosen in the Save menu. */
  exportFormat: ExportFormat;
  setTheme: (theme: Theme) => void;
  setExportFormat: (format: ExportFormat) => void;
}

export const usePrefs = create<PrefsState>()(
  persist(
    (set) => ({
      theme: "system",
      exportFormat: { format: "png" },
      setTheme: (theme) => set({ theme }),
      setExportFormat: (exportFormat) => set({ exportFormat }),
    }),
    { name: "lamina.prefs" },
  ),
);
