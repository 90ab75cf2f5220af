import { useState } from "react";
import { useTranslation } from "react-i18next";
import { PublishIcon } from "../../components/Icons";
import type { RunRecord } from "../../lib/backend/types";
import { PublishDialog, type PublishItem } from "./PublishDialog";

/** The image (or video) of a finished run to post by default: the one asked for, else the first. */
export function publishItem(run: RunRecord, index?: number): PublishItem {
  const media = run.outputs.filter(
    (o) => o.status === "completed" && (o.type === "image" || o.type === "video"),
  );
  const chosen = media.find((o) => o.index === index) ?? media[0];
  return { localId: run.localId, index: chosen ? chosen.index : null };
}

/** True when a run has something to post (an image, a video or a text). */
export function canPublish(run: RunRecord): boolean {
  return run.status === "completed" && run.outputs.some((o) => o.status === "completed");
}

/** "Publish…" on a finished output (run card, History, Gallery) or a batch's selection. */
export function PublishButton({
  items,
  className = "btn btn-ghost",
}: {
  items: PublishItem[];
  className?: string;
}) {
  const { t } = useTranslation("publishing");
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={className}
        data-testid="publish-open"
        disabled={items.length === 0}
        onClick={() => setOpen(true)}
      >
        <PublishIcon size={14} />
        {items.length > 1 ? t("button.many", { count: items.length }) : t("button.one")}
      </button>
      {open && <PublishDialog items={items} open={open} onOpenChange={setOpen} />}
    </>
  );
}
