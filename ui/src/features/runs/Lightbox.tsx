import * as Dialog from "@radix-ui/react-dialog";
import type { KeyboardEvent } from "react";
import { ChevronLeftIcon, ChevronRightIcon, CloseIcon } from "../../components/Icons";

export interface LightboxItem {
  src: string;
  label: string;
}

/** Full-window view of one image: Esc closes, ←/→ step through the run's images. */
export function Lightbox({
  items,
  index,
  onIndexChange,
  onClose,
}: {
  items: LightboxItem[];
  index: number | null;
  onIndexChange: (index: number) => void;
  onClose: () => void;
}) {
  const open = index !== null && items[index] !== undefined;
  const item = index !== null ? items[index] : undefined;
  const count = items.length;
  const step = (delta: number) => {
    if (index === null || count === 0) return;
    onIndexChange((index + delta + count) % count);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "ArrowRight") {
      e.preventDefault();
      step(1);
    } else if (e.key === "ArrowLeft") {
      e.preventDefault();
      step(-1);
    }
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
        >
          <div className="lightbox-bar">
            <Dialog.Title className="lightbox-title">{item?.label ?? "Image"}</Dialog.Title>
            {count > 1 && index !== null && (
              <span className="lightbox-count">
                {index + 1} of {count}
              </span>
            )}
            <Dialog.Close className="icon-btn" aria-label="Close">
              <CloseIcon />
            </Dialog.Close>
          </div>
          <div className="lightbox-stage">
            {count > 1 && (
              <button
                type="button"
                className="icon-btn lightbox-nav prev"
                aria-label="Previous image"
                onClick={() => step(-1)}
              >
                <ChevronLeftIcon size={20} />
              </button>
            )}
            {item && <img src={item.src} alt={item.label} data-testid="lightbox-image" />}
            {count > 1 && (
              <button
                type="button"
                className="icon-btn lightbox-nav next"
                aria-label="Next image"
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
