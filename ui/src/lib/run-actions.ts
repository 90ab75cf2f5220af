// What a person does with a run from History, the Gallery or the lightbox: star, save, copy,
// show in folder, and settle a run whose start was never confirmed.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useBackend } from "./backend/context";
import type { ExportFormat, RunRecord, SaveOutcome } from "./backend/types";
import { i18n } from "../i18n";
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
  const { saved: count, location } = outcome;
  if (location) {
    return count === 1
      ? i18n.t("saved.oneTo", { location })
      : i18n.t("saved.manyTo", { count, location });
  }
  return count === 1 ? i18n.t("saved.one") : i18n.t("saved.many", { count });
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
      backend.copyImage(localId, index).then(() => toast(i18n.t("copy.imageCopied")), failed),
    copyText: (text: string, confirmation?: string) =>
      backend.copyText(text).then(() => toast(confirmation ?? i18n.t("copy.done")), failed),
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
