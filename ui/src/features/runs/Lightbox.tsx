import * as Dialog from "@radix-ui/react-dialog";
import { useRef, type KeyboardEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import {
  ChevronLeftIcon,
  ChevronRightIcon,
  CloseIcon,
  OpenIcon,
  StarIcon,
  ZoomInIcon,
  ZoomOutIcon,
} from "../../components/Icons";
import { Spinner } from "../../components/States";
import { formatNumber } from "../../i18n/format";
import { useZoom } from "./useZoom";

export interface LightboxItem {
  src: string;
  label: string;
  /** A second line: the app and when (Gallery). */
  caption?: string;
  starred?: boolean;
}

/**
 * Full-window view of one image. ←/→ (Home/End) step through `count` images (the current one is `item`,
 * undefined while it loads); +/− zoom, 0 fits, double-click toggles 100%, drag pans; S stars;
 * Esc closes and focus goes back where it was.
 */
export function Lightbox({
  count,
  index,
  item,
  onIndexChange,
  onClose,
  onToggleStar,
  onOpenRun,
  onCloseFocus,
  wrap = true,
  extraActions,
}: {
  count: number;
  index: number | null;
  item: LightboxItem | undefined;
  onIndexChange: (index: number) => void;
  onClose: () => void;
  onToggleStar?: () => void;
  onOpenRun?: () => void;
  /** Takes over returning focus on close (e.g. to a grid item that was scrolled away). */
  onCloseFocus?: () => void;
  /** Past the last image comes the first (a run's few images) or nothing (the Gallery). */
  wrap?: boolean;
  /** More buttons for the shown image (the Gallery's Publish…). */
  extraActions?: ReactNode;
}) {
  const { t } = useTranslation(["runs", "common"]);
  const open = index !== null && index >= 0 && index < count;
  const zoom = useZoom(`${index}:${item?.src ?? ""}`);
  const img = useRef<HTMLImageElement>(null);

  const step = (delta: number) => {
    if (index === null || count === 0) return;
    const next = index + delta;
    if (wrap) onIndexChange((next + count) % count);
    else if (next >= 0 && next < count) onIndexChange(next);
  };
  const naturalRatio = () => {
    const el = img.current;
    if (!el || !el.naturalWidth || !el.clientWidth) return 1;
    return el.naturalWidth / el.clientWidth;
  };
  const percent = formatNumber(zoom.scale, { style: "percent", maximumFractionDigits: 0 });

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.metaKey || e.ctrlKey || e.altKey) return;
    const keys: Record<string, () => void> = {
      ArrowRight: () => step(1),
      ArrowLeft: () => step(-1),
      Home: () => count > 0 && onIndexChange(0),
      End: () => count > 0 && onIndexChange(count - 1),
      "+": zoom.zoomIn,
      "=": zoom.zoomIn,
      "-": zoom.zoomOut,
      _: zoom.zoomOut,
      "0": zoom.fit,
      "1": () => zoom.toggleActual(naturalRatio()),
    };
    if (onToggleStar) {
      keys.s = onToggleStar;
      keys.S = onToggleStar;
    }
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };

  return (
    <Dialog.Root open={open} onOpenChange={(o) => !o && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="lightbox-overlay" />
        <Dialog.Content
          className="lightbox"
          data-testid="lightbox"
          onKeyDown={onKeyDown}
          aria-describedby={undefined}
          onCloseAutoFocus={(e) => {
            if (!onCloseFocus) return;
            e.preventDefault();
            onCloseFocus();
          }}
        >
          <div className="lightbox-bar">
            <div className="lightbox-heading">
              <Dialog.Title className="lightbox-title">
                {item?.label ?? t("lightbox.image")}
              </Dialog.Title>
              {item?.caption && <span className="lightbox-caption">{item.caption}</span>}
            </div>
            {count > 1 && index !== null && (
              <span className="lightbox-count">
                {t("lightbox.position", {
                  index: formatNumber(index + 1),
                  total: formatNumber(count),
                })}
              </span>
            )}
            <div className="lightbox-tools">
              <button
                type="button"
                className="icon-btn"
                aria-label={t("lightbox.zoomOut")}
                title={t("lightbox.zoomOutTitle")}
                data-testid="lightbox-zoom-out"
                disabled={!zoom.zoomed}
                onClick={zoom.zoomOut}
              >
                <ZoomOutIcon />
              </button>
              <button
                type="button"
                className="lightbox-zoom"
                data-testid="lightbox-zoom-level"
                aria-label={
                  zoom.zoomed ? t("lightbox.zoomedTo", { percent }) : t("lightbox.fitted")
                }
                title={zoom.zoomed ? t("lightbox.fitTitle") : t("lightbox.actualTitle")}
                onClick={() => zoom.toggleActual(naturalRatio())}
              >
                {zoom.zoomed ? percent : t("lightbox.fit")}
              </button>
              <button
                type="button"
                className="icon-btn"
                aria-label={t("lightbox.zoomIn")}
                title={t("lightbox.zoomInTitle")}
                data-testid="lightbox-zoom-in"
                onClick={zoom.zoomIn}
              >
                <ZoomInIcon />
              </button>
              {onToggleStar && (
                <button
                  type="button"
                  className={`icon-btn star-btn${item?.starred ? " is-starred" : ""}`}
                  aria-label={item?.starred ? t("lightbox.unstar") : t("lightbox.star")}
                  aria-pressed={item?.starred ?? false}
                  title={item?.starred ? t("lightbox.unstarTitle") : t("lightbox.starTitle")}
                  data-testid="lightbox-star"
                  disabled={!item}
                  onClick={onToggleStar}
                >
                  <StarIcon filled={item?.starred ?? false} />
                </button>
              )}
              {extraActions}
              {onOpenRun && (
                <button
                  type="button"
                  className="btn btn-small lightbox-open-run"
                  data-testid="lightbox-open-run"
                  disabled={!item}
                  onClick={onOpenRun}
                >
                  <OpenIcon size={14} /> {t("lightbox.openRun")}
                </button>
              )}
              <Dialog.Close
                className="icon-btn"
                aria-label={t("common:actions.close")}
                title={t("lightbox.closeTitle")}
              >
                <CloseIcon />
              </Dialog.Close>
            </div>
          </div>
          <div className="lightbox-stage">
            {count > 1 && (
              <button
                type="button"
                className="icon-btn lightbox-nav prev"
                aria-label={t("lightbox.previous")}
                data-testid="lightbox-prev"
                disabled={!wrap && index === 0}
                onClick={() => step(-1)}
              >
                <ChevronLeftIcon size={20} />
              </button>
            )}
            <div
              className={`lightbox-canvas${zoom.zoomed ? " is-zoomed" : ""}`}
              onWheel={zoom.onWheel}
              onPointerDown={zoom.onPointerDown}
              onPointerMove={zoom.onPointerMove}
              onPointerUp={zoom.onPointerUp}
              onPointerCancel={zoom.onPointerUp}
              onDoubleClick={() => zoom.toggleActual(naturalRatio())}
            >
              {item ? (
                <img
                  ref={img}
                  src={item.src}
                  alt={item.label}
                  data-testid="lightbox-image"
                  draggable={false}
                  // No transform at fit: WebKitGTK paints a transformed <img> as its own layer,
                  // which some GPU-less setups (and WebDriver screenshots) show as blank.
                  style={
                    zoom.zoomed
                      ? { transform: `translate(${zoom.x}px, ${zoom.y}px) scale(${zoom.scale})` }
                      : undefined
                  }
                />
              ) : (
                <Spinner label={t("lightbox.loading")} />
              )}
            </div>
            {count > 1 && (
              <button
                type="button"
                className="icon-btn lightbox-nav next"
                aria-label={t("lightbox.next")}
                data-testid="lightbox-next"
                disabled={!wrap && index === count - 1}
                onClick={() => step(1)}
              >
                <ChevronRightIcon size={20} />
              </button>
            )}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
