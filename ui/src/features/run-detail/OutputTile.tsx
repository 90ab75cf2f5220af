import { CopyIcon, DownloadIcon, FolderIcon, StarIcon } from "../../components/Icons";
import { useBackend } from "../../lib/backend/context";
import type { OutputRecord, RunRecord } from "../../lib/backend/types";
import { useFileActions, useStar } from "../../lib/run-actions";
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
  const backend = useBackend();
  const star = useStar();
  const files = useFileActions();
  const label = o.label ?? `Image ${o.index + 1}`;
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
        aria-label={`Open ${label}`}
      >
        <img
          src={backend.mediaUrl(run.localId, o.index, "thumb")}
          alt={label}
          data-testid="output-image"
          loading="lazy"
          draggable={false}
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
            aria-label={o.starred ? `Unstar ${label}` : `Star ${label}`}
            aria-pressed={o.starred}
            title={o.starred ? "Unstar" : "Star"}
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
            <span className="visually-hidden">Save {label}</span>
          </SaveMenu>
          <button
            type="button"
            className="icon-btn icon-btn-small"
            aria-label={`Copy ${label}`}
            title="Copy image"
            data-testid="copy-image"
            onClick={() => void files.copyImage(run.localId, o.index)}
          >
            <CopyIcon size={15} />
          </button>
          <button
            type="button"
            className="icon-btn icon-btn-small"
            aria-label={`Show ${label} in folder`}
            title="Show in folder"
            data-testid="reveal-output"
            onClick={() => void files.reveal(run.localId, o.index)}
          >
            <FolderIcon size={15} />
          </button>
        </span>
      </figcaption>
    </figure>
  );
}
