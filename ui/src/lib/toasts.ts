// Short confirmations ("Saved 3 images to …") and action failures, shown bottom-right.
import { create } from "zustand";

export interface Toast {
  id: number;
  message: string;
  tone: "info" | "error";
}

interface ToastState {
  toasts: Toast[];
  show: (message: string, tone?: Toast["tone"]) => void;
  dismiss: (id: number) => void;
}

let next = 1;
const LIFETIME_MS = 4500;

export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  show: (message, tone = "info") => {
    const id = next++;
    // Newest last; at most three on screen.
    set((s) => ({ toasts: [...s.toasts.slice(-2), { id, message, tone }] }));
    setTimeout(() => get().dismiss(id), tone === "error" ? LIFETIME_MS * 2 : LIFETIME_MS);
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));

/** For event handlers: `toast("Copied")`. */
export function toast(message: string, tone?: Toast["tone"]): void {
  useToasts.getState().show(message, tone);
}
