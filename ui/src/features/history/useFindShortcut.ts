import { useEffect, type RefObject } from "react";

/** Ctrl/Cmd+F puts the cursor in this screen's search box (instead of the web view's find). */
export function useFindShortcut(input: RefObject<HTMLInputElement | null>): void {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "f") {
        // A lightbox or dialog on top keeps the keyboard.
        if (document.querySelector('[role="dialog"]')) return;
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [input]);
}
