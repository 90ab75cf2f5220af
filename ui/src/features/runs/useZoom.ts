// Zoom and pan for the lightbox. Scale 1 = the image fitted to the window; the state belongs
// to one image (`key`) so stepping to the next one starts fitted again.
import { useRef, useState, type PointerEvent, type WheelEvent } from "react";

export const MAX_SCALE = 8;
const STEP = 1.25;

interface ZoomState {
  key: string;
  scale: number;
  x: number;
  y: number;
}

export interface Zoom {
  scale: number;
  x: number;
  y: number;
  zoomed: boolean;
  zoomIn: () => void;
  zoomOut: () => void;
  fit: () => void;
  /** Fit ↔ actual pixels (100%); `naturalRatio` = natural width ÷ fitted width. */
  toggleActual: (naturalRatio: number) => void;
  onWheel: (e: WheelEvent<HTMLElement>) => void;
  onPointerDown: (e: PointerEvent<HTMLElement>) => void;
  onPointerMove: (e: PointerEvent<HTMLElement>) => void;
  onPointerUp: (e: PointerEvent<HTMLElement>) => void;
}

function clamp(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(1, scale));
}

export function useZoom(key: string): Zoom {
  const [state, setState] = useState<ZoomState>({ key, scale: 1, x: 0, y: 0 });
  const drag = useRef<{ id: number; x: number; y: number } | null>(null);
  const current = state.key === key ? state : { key, scale: 1, x: 0, y: 0 };

  const set = (scale: number, x = current.x, y = current.y) => {
    const s = clamp(scale);
    // Back at fit: centred again. Otherwise pan shrinks with the scale so the image stays put.
    if (s === 1) setState({ key, scale: 1, x: 0, y: 0 });
    else setState({ key, scale: s, x, y });
  };
  /** Zooms keeping the point (px, py), relative to the stage centre, where it is. */
  const zoomAt = (scale: number, px: number, py: number) => {
    const s = clamp(scale);
    const k = s / current.scale;
    set(s, px - (px - current.x) * k, py - (py - current.y) * k);
  };

  return {
    scale: current.scale,
    x: current.x,
    y: current.y,
    zoomed: current.scale > 1,
    zoomIn: () => zoomAt(current.scale * STEP, 0, 0),
    zoomOut: () => zoomAt(current.scale / STEP, 0, 0),
    fit: () => set(1),
    toggleActual: (ratio) => {
      if (current.scale > 1) set(1);
      else set(ratio > 1.05 ? ratio : 2, 0, 0);
    },
    onWheel: (e) => {
      if (e.deltaY === 0) return;
      const rect = e.currentTarget.getBoundingClientRect();
      const px = e.clientX - (rect.left + rect.width / 2);
      const py = e.clientY - (rect.top + rect.height / 2);
      zoomAt(current.scale * (e.deltaY < 0 ? STEP : 1 / STEP), px, py);
    },
    onPointerDown: (e) => {
      if (current.scale <= 1 || e.button !== 0) return;
      drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY };
      e.currentTarget.setPointerCapture?.(e.pointerId);
    },
    onPointerMove: (e) => {
      const d = drag.current;
      if (!d || d.id !== e.pointerId) return;
      const dx = e.clientX - d.x;
      const dy = e.clientY - d.y;
      drag.current = { id: d.id, x: e.clientX, y: e.clientY };
      setState((s) => ({ ...s, x: s.x + dx, y: s.y + dy }));
    },
    onPointerUp: (e) => {
      if (drag.current?.id === e.pointerId) drag.current = null;
    },
  };
}
