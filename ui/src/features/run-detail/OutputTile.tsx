import { useTranslation } from "react-i18next";
import { CopyIcon, DownloadIcon, FolderIcon, StarIcon } from "../../components/Icons";
import { useBackend } from "../../lib/backend/context";
import type { OutputRecord, RunRecord } from "../../lib/backend/types";
import { useFileActions, useStar } from "../../lib/run-actions";
import { startOutputDrag } from "../uploads/PhotoField";
import { UseAsInput } from "../uploads/UseAsInput";
import { SaveMenu } from "./SaveMenu";

/** One kept image in the run's details: opens the lightbox; star, save, copy, show in folder. */
export function ImageTile({
  run,
  output: o,
  onOpen,
}: {
  run: RunRecord;
  output: OutputRecord;
  onOpen: () => void;
}) {
  const { t } = useTranslation("runDetail");
  const backend = useBackend();
  const star = useStar();
  const files = useFileActions();
  const label = o.label ?? t("outputs.imageLabel", { number: o.index + 1 });
  const w = o.file?.width;
  const h = o.file?.height;
  return (
    <figure
      className={`detail-output${o.starred ? " is-starred" : ""}`}
      data-testid="detail-output"
      data-index={o.index}
    >
      {o.starred && (
        <span className="detail-star-badge" aria-hidden="true">
          <StarIcon size={13} filled />
        </span>
      )}
      <button
        type="button"
        className="detail-image-btn"
        style={{ aspectRatio: w && h ? `${w} / ${h}` : "1 / 1" }}
        onClick={onOpen}
        aria-label={t("outputs.open", { label })}
      >
        <img
          src={backend.mediaUrl(run.localId, o.index, "thumb")}
          alt={label}
          data-testid="output-image"
          loading="lazy"
          onDragStart={(e) => startOutputDrag(e, { localId: run.localId, index: o.index })}
        />
      </button>
      <figcaption>
        <span className="detail-output-label" title={label}>
          {label}
        </span>
        <span className="detail-output-tools">
          <button
            type="button"
            className={`icon-btn icon-btn-small star-btn${o.starred ? " is-starred" : ""}`}
            aria-label={o.starred ? t("outputs.unstar", { label }) : t("outputs.star", { label })}
            aria-pressed={o.starred}
            title={o.starred ? t("outputs.unstarTitle") : t("outputs.starTitle")}
            data-testid="star-output"
            onClick={() =>
              star.mutate({ localId: run.localId, index: o.index, starred: !o.starred })
            }
          >
            <StarIcon size={15} filled={o.starred} />
          </button>
          <SaveMenu
            localId={run.localId}
            indexes={[o.index]}
            testId="save-output"
            className="icon-btn icon-btn-small"
          >
            <DownloadIcon size={15} />
            <span className="visually-hidden">{t("outputs.saveLabel", { label })}</span>
          </SaveMenu>
          <button
            type="button"
            className="icon-btn icon-btn-small"
            aria-label={t("outputs.copyLabel", { label })}
            title={t("outputs.copyTitle")}
            data-testid="copy-image"
            onClick={() => void files.copyImage(run.localId, o.index)}
          >
            <CopyIcon size={15} />
          </button>
          <button
            type="button"
            className="icon-btn icon-btn-small"
            aria-label={t("outputs.revealLabel", { label })}
            title={t("outputs.revealTitle")}
            data-testid="reveal-output"
            onClick={() => void files.reveal(run.localId, o.index)}
          >
            <FolderIcon size={15} />
          </button>
          <UseAsInput output={{ localId: run.localId, index: o.index }} />
        </span>
      </figcaption>
    </figure>
  );
}
