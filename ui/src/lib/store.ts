// UI-only state: where the user is and how the app looks. Backend state lives in TanStack Query.
import { create } from "zustand";
import { persist } from "zustand/middleware";

export type Route = { page: "apps" } | { page: "app"; appId: string } | { page: "settings" };
export type Theme = "system" | "light" | "dark";

interface UiState {
  route: Route;
  /** Set by the "Connect your account" action; the key field takes focus and clears it. */
  keyFocusPending: boolean;
  catalogSearch: string;
  navigate: (route: Route) => void;
  requestKeyForm: () => void;
  keyFocusDone: () => void;
  setCatalogSearch: (search: string) => void;
}

export const useUi = create<UiState>()((set) => ({
  route: { page: "apps" },
  keyFocusPending: false,
  catalogSearch: "",
  navigate: (route) => set({ route }),
  requestKeyForm: () => set({ route: { page: "settings" }, keyFocusPending: true }),
  keyFocusDone: () => set({ keyFocusPending: false }),
  setCatalogSearch: (catalogSearch) => set({ catalogSearch }),
}));

interface PrefsState {
  theme: Theme;
  setTheme: (theme: Theme) => void;
}

export const usePrefs = create<PrefsState>()(
  persist((set) => ({ theme: "system", setTheme: (theme) => set({ theme }) }), {
    name: "lamina.prefs",
  }),
);
