import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";

/**
 * A button that opens a small dialog beside it (the Presets and Save menus): a press outside
 * closes it; Escape closes it and gives the keyboard back to the button. Spread `anchorProps` on
 * the element holding both, `triggerProps` on the button, and give the dialog the id `id`.
 */
export function usePopover() {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onDown);
    return () => document.removeEventListener("pointerdown", onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    trigger.current?.focus();
  };

  return {
    open,
    setOpen,
    close,
    id,
    anchorProps: {
      className: "popover-anchor",
      ref: root,
      onKeyDown: (e: KeyboardEvent) => {
        if (e.key === "Escape" && open) {
          e.stopPropagation();
          close();
        }
      },
    },
    triggerProps: {
      ref: trigger,
      "aria-expanded": open,
      "aria-controls": open ? id : undefined,
      "aria-haspopup": "dialog" as const,
    },
  };
}
