// A picture from History or the Gallery can be dragged onto an image field although the form is
// on another screen: held over "Apps" for a moment, the drag opens the last app's form (the
// catalog if none was open), and the picture is dropped on the field there.
import { useEffect, useRef, useState, type DragEvent } from "react";
import { OUTPUT_DRAG_TYPE } from "../../lib/backend/types";
import { useUi } from "../../lib/store";

/** How long a dragged picture is held over "Apps" before the form opens. */
export const HOLD_TO_OPEN_MS = 600;

function carriesOutput(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes(OUTPUT_DRAG_TYPE);
}

export function useHoldToOpenForm() {
  const timer = useRef<number | null>(null);
  const [holding, setHolding] = useState(false);
  const cancel = () => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
    setHolding(false);
  };
  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
    },
    [],
  );
  return {
    holding,
    handlers: {
      onDragEnter: (e: DragEvent) => {
        if (!carriesOutput(e) || timer.current !== null) return;
        setHolding(true);
        timer.current = window.setTimeout(() => {
          timer.current = null;
          setHolding(false);
          const { lastAppId, navigate } = useUi.getState();
          navigate(lastAppId ? { page: "app", appId: lastAppId } : { page: "apps" });
        }, HOLD_TO_OPEN_MS);
      },
      onDragLeave: cancel,
      onDragEnd: cancel,
    },
  };
}
