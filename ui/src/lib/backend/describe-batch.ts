// The UI's own shape for one line of a many-briefs Generate (not a command's type).
import type { ContentRunView } from "./types";

export interface DescribeBatchItem {
  index: number;
  brief: string;
  /** The started content run; null when the service refused this brief. */
  content: ContentRunView | null;
  /** Why it was refused, in the service's words. */
  error: string | null;
}
