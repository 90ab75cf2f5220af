// The last Generate's results stay on the Describe screen while the person goes to Adjust a
// run's form and comes back.
import { create } from "zustand";
import type { DescribeBatchItem } from "../../lib/backend/types";

interface ResultsState {
  items: DescribeBatchItem[];
  show: (items: DescribeBatchItem[]) => void;
}

export const useDescribeResults = create<ResultsState>()((set) => ({
  items: [],
  show: (items) => set({ items }),
}));
