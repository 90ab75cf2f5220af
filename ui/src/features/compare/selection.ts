// History's "select to compare" mode: which runs are ticked, in the order they were picked.
import { create } from "zustand";
import { toggleId } from "./diff";

interface SelectionState {
  active: boolean;
  ids: string[];
  start: () => void;
  /** Select mode with this run already ticked ("Compare with…" from a run's details). */
  startWith: (localId: string) => void;
  stop: () => void;
  toggle: (localId: string) => void;
  clear: () => void;
}

export const useCompareSelection = create<SelectionState>()((set) => ({
  active: false,
  ids: [],
  start: () => set({ active: true }),
  startWith: (localId) => set({ active: true, ids: [localId] }),
  stop: () => set({ active: false, ids: [] }),
  toggle: (localId) => set((s) => ({ ids: toggleId(s.ids, localId) })),
  clear: () => set({ ids: [] }),
}));
