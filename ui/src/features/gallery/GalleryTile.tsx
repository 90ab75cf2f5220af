import type { CSSProperties } from "react";
import { useTranslation } from "react-i18next";
import { StarIcon } from "../../components/Icons";
import { useBackend } from "../../lib/backend/context";
import type { GalleryItem } from "../../lib/backend/types";
import { absoluteTime } from "../../lib/time";
import { startOutputDrag } from "../uploads/PhotoField";

/** One kept image: opens the lightbox; the star shows on hover (always when starred). */
export function GalleryTile({
  item,
  index,
  active,
  style,
  onOpen,
  onFocus,
  onToggleStar,
}: {
  item: GalleryItem | undefined;
  index: number;
  active: boolean;
  style: CSSProperties;
  onOpen: () => void;
  onFocus: () => void;
  onToggleStar: () => void;
}) {
  const { t } = useTranslation("gallery");
  const backend = useBackend();
  if (!item) {
    return (
      <div role="gridcell" className="gallery-cell" style={style}>
        <div
          className="gallery-tile skeleton"
          tabIndex={active ? 0 : -1}
          data-index={index}
          aria-label={t("loadingImage")}
          onFocus={onFocus}
        />
      </div>
    );
  }
  const label = item.label ?? t("imageLabel", { number: item.index + 1 });
  const described = { label, app: item.appName, when: absoluteTime(item.createdAt) };
  return (
    <div
      role="gridcell"
      className={`gallery-cell${item.starred ? " is-starred" : ""}`}
      style={style}
    >
      <button
        type="button"
        className="gallery-tile"
        tabIndex={active ? 0 : -1}
        data-testid="gallery-item"
        data-index={index}
        data-local-id={item.localId}
        data-output-index={item.index}
        data-starred={item.starred}
        aria-label={item.starred ? t("tileStarred", described) : t("tile", described)}
        title={t("tileTitle", { app: item.appName, label })}
        onClick={onOpen}
        onFocus={onFocus}
      >
        <img
          src={backend.mediaUrl(item.localId, item.index, "thumb")}
          alt=""
          loading="lazy"
          decoding="async"
          onDragStart={(e) => startOutputDrag(e, { localId: item.localId, index: item.index })}
        />
        <span className="gallery-caption" aria-hidden="true">
          {item.appName}
        </span>
      </button>
      <button
        type="button"
        className={`icon-btn gallery-star star-btn${item.starred ? " is-starred" : ""}`}
        tabIndex={-1}
        aria-label={item.starred ? t("unstar", { label }) : t("star", { label })}
        aria-pressed={item.starred}
        title={item.starred ? t("unstarTitle") : t("starTitle")}
        data-testid="gallery-star"
        onClick={onToggleStar}
      >
        <StarIcon size={16} filled={item.starred} />
      </button>
    </div>
  );
}
