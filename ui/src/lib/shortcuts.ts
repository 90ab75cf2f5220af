// The app's keyboard shortcuts in one place: what they are (for the help dialog), how a key press
// is matched, and the window-wide ones (search, help). Screen-local keys (arrows in the gallery and
// the lightbox, Esc in dialogs) live with their screens and are listed here for the help.
import { useEffect } from "react";
import { create } from "zustand";

export const isMac =
  typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.userAgent);

/** One row of the help: its key combinations ("Mod" is ⌘ on macOS, Ctrl elsewhere). */
export interface Shortcut {
  id:
    | "generate"
    | "search"
    | "help"
    | "close"
    | "nextImage"
    | "previousImage"
    | "openImage"
    | "star"
    | "zoom"
    | "moveList";
  combos: string[][];
}

export const SHORTCUTS: readonly Shortcut[] = [
  { id: "generate", combos: [["Mod", "Enter"]] },
  { id: "search", combos: [["Mod", "K"], ["/"], ["Mod", "F"]] },
  { id: "nextImage", combos: [["→"]] },
  { id: "previousImage", combos: [["←"]] },
  { id: "openImage", combos: [["Enter"]] },
  { id: "star", combos: [["S"]] },
  { id: "zoom", combos: [["+"], ["−"], ["0"]] },
  { id: "moveList", combos: [["↑"], ["↓"]] },
  { id: "close", combos: [["Esc"]] },
  { id: "help", combos: [["?"]] },
];

/** "Mod" → "⌘" on macOS, "Ctrl" elsewhere; other keys as they are. */
export function keyLabel(key: string): string {
  return key === "Mod" ? (isMac ? "⌘" : "Ctrl") : key;
}

/** The aria-keyshortcuts value of the search boxes. */
export const SEARCH_KEYS = isMac ? "Meta+K /" : "Control+K /";

type KeyLike = Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">;

function mod(e: KeyLike): boolean {
  return (e.ctrlKey || e.metaKey) && !e.altKey;
}

/** Ctrl/Cmd+Enter: Generate (in the app's form). */
export function isGenerate(e: KeyLike): boolean {
  return e.key === "Enter" && mod(e);
}

/** Where the keyboard is writing text, where "/" and "?" are characters, not shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;
  return !["button", "checkbox", "radio", "range", "submit", "reset", "color", "file"].includes(
    target.type,
  );
}

/** Ctrl/Cmd+K, Ctrl/Cmd+F, or "/" outside a text field: go to this screen's search box. */
export function isSearch(e: KeyLike, target: EventTarget | null): boolean {
  const letter = e.key.toLowerCase();
  if (mod(e) && (letter === "k" || letter === "f")) return true;
  return e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(target);
}

/** "?" outside a text field: the shortcuts help. */
export function isHelp(e: KeyLike, target: EventTarget | null): boolean {
  return e.key === "?" && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(target);
}

/** Whether the shortcuts help is open ("?" or the button in Settings), and where focus goes back. */
export const useShortcutsHelp = create<{
  open: boolean;
  returnTo: HTMLElement | null;
  setOpen: (open: boolean) => void;
}>()((set) => ({
  open: false,
  returnTo: null,
  setOpen: (open) =>
    set(
      open
        ? {
            open,
            returnTo: document.activeElement instanceof HTMLElement ? document.activeElement : null,
          }
        : { open },
    ),
}));

/** The search box of the screen on show: the one marked `data-shortcut="search"`. */
export function focusSearch(root: ParentNode = document): boolean {
  const input = root.querySelector<HTMLInputElement>('[data-shortcut="search"]');
  if (!input) return false;
  input.focus();
  input.select();
  return true;
}

/** Window-wide shortcuts, for as long as the caller (the shell) is mounted. */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      // A lightbox or dialog on top keeps the keyboard.
      if (document.querySelector('[role="dialog"], [role="alertdialog"]')) return;
      if (isSearch(e, e.target)) {
        if (focusSearch()) e.preventDefault();
      } else if (isHelp(e, e.target)) {
        e.preventDefault();
        useShortcutsHelp.getState().setOpen(true);
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}
