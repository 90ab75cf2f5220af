// What a person does with a run from History, the Gallery or the lightbox: star, save, copy,
// show in folder, and settle a run whose start was never confirmed.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useBackend } from "./backend/context";
import type { ExportFormat, RunRecord, SaveOutcome } from "./backend/types";
import { friendlyError } from "./errors";
import { applyRun, patchStar } from "./run-cache";
import { toast } from "./toasts";

function failed(error: unknown): void {
  toast(friendlyError(error).message, "error");
}

export function useStar() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (v: { localId: string; index: number; starred: boolean }) =>
      backend.setStarred(v.localId, v.index, v.starred),
    onMutate: (v) => patchStar(client, v.localId, v.index, v.starred),
    onSuccess: (run) => {
      applyRun(client, run);
    },
    onError: (error, v) => {
      patchStar(client, v.localId, v.index, !v.starred);
      failed(error);
    },
  });
}

/** "Saved 3 images to ~/Pictures", "Saved hero.png" */
export function savedMessage(outcome: SaveOutcome): string {
  const what = outcome.saved === 1 ? "image" : `${outcome.saved} images`;
  return outcome.location ? `Saved ${what} to ${outcome.location}` : `Saved ${what}`;
}

export function useSaveOutputs() {
  const backend = useBackend();
  return useMutation({
    mutationFn: (v: { localId: string; indexes: number[]; format: ExportFormat }) =>
      backend.saveOutputs(v.localId, v.indexes, v.format),
    onSuccess: (outcome) => {
      // A cancelled dialog is the person changing their mind: nothing to say.
      if (!outcome.cancelled) toast(savedMessage(outcome));
    },
    onError: failed,
  });
}

/** Copy image, copy text, show in folder: each confirms or explains with a toast. */
export function useFileActions() {
  const backend = useBackend();
  return {
    copyImage: (localId: string, index: number) =>
      backend.copyImage(localId, index).then(() => toast("Image copied"), failed),
    copyText: (text: string, confirmation = "Copied") =>
      backend.copyText(text).then(() => toast(confirmation), failed),
    reveal: (localId: string, index: number) => backend.revealOutput(localId, index).catch(failed),
  };
}

/** Looking up a run whose start was never confirmed, then linking it or closing it. */
export function useUnknownCheck(localId: string) {
  const backend = useBackend();
  const client = useQueryClient();
  const settled = (run: RunRecord) => {
    applyRun(client, run);
  };
  const find = useMutation({ mutationFn: () => backend.findUnknownRun(localId) });
  const link = useMutation({
    mutationFn: (runId: string) => backend.linkUnknownRun(localId, runId),
    onSuccess: settled,
  });
  const markNotStarted = useMutation({
    mutationFn: () => backend.markRunNotStarted(localId),
    onSuccess: settled,
  });
  return { find, link, markNotStarted };
}
