// Dates for people: "5 min ago" in lists, the full date and time on hover and in details.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "just now", "5 min ago", "3 h ago", "14:05", "yesterday", "Mon 3 Nov", "3 Nov 2025". */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  const d = parse(iso);
  if (!d) return "";
  const ago = now - d.getTime();
  if (ago < MINUTE) return "just now";
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (d.getTime() >= today.getTime())
    return ago < 6 * HOUR ? `${Math.floor(ago / HOUR)} h ago` : time;
  if (d.getTime() >= today.getTime() - DAY) return "yesterday";
  if (d.getTime() >= today.getTime() - 6 * DAY) {
    return d.toLocaleDateString([], { weekday: "short", day: "numeric", month: "short" });
  }
  const sameYear = d.getFullYear() === today.getFullYear();
  return d.toLocaleDateString([], {
    day: "numeric",
    month: "short",
    year: sameYear ? undefined : "numeric",
  });
}

/** "26 Nov 2026, 14:05:09". */
export function absoluteTime(iso: string | null | undefined): string {
  const d = parse(iso);
  return d
    ? d.toLocaleString([], {
        day: "numeric",
        month: "short",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      })
    : "";
}

/** "840 KB", "2.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
