// Dates for people: "5 min. ago" in lists, the full date and time on hover and in details.
// Everything goes through Intl with the user's locale (ui/src/i18n/format.ts).
import { i18n } from "../i18n";
import { formatDate, formatRelative } from "../i18n/format";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "just now", "5 min. ago", "3 hr. ago", "14:05", "yesterday", "Mon, Nov 3", "Nov 3, 2025". */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  const d = parse(iso);
  if (!d) return "";
  const ago = now - d.getTime();
  if (ago < MINUTE) return i18n.t("time.justNow");
  if (ago < HOUR) return formatRelative(-Math.floor(ago / MINUTE), "minute");
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  if (d.getTime() >= today.getTime()) {
    return ago < 6 * HOUR
      ? formatRelative(-Math.floor(ago / HOUR), "hour")
      : formatDate(d, { hour: "2-digit", minute: "2-digit" });
  }
  if (d.getTime() >= today.getTime() - DAY) return formatRelative(-1, "day");
  if (d.getTime() >= today.getTime() - 6 * DAY) {
    return formatDate(d, { weekday: "short", day: "numeric", month: "short" });
  }
  const sameYear = d.getFullYear() === today.getFullYear();
  return formatDate(d, {
    day: "numeric",
    month: "short",
    year: sameYear ? undefined : "numeric",
  });
}

/** "Nov 26, 2026, 14:05:09" (in the user's locale). */
export function absoluteTime(iso: string | null | undefined): string {
  const d = parse(iso);
  return d
    ? formatDate(d, {
        day: "numeric",
        month: "short",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      })
    : "";
}

/** "14:05" (in the user's locale). */
export function clockTime(d: Date): string {
  return formatDate(d, { hour: "2-digit", minute: "2-digit" });
}
