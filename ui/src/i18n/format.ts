// Numbers, sizes and dates formatted by the user's locale (Intl), never by hand.
import { locale } from "./index";

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(locale(), options).format(value);
}

const BYTE_UNITS = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;

/** "1.2 MB", "980 kB", "12 bytes": decimal units, as the OS file managers show them. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return new Intl.NumberFormat(locale(), {
    style: "unit",
    unit: BYTE_UNITS[unit],
    unitDisplay: unit === 0 ? "long" : "short",
    maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0,
  }).format(value);
}

export function formatDate(date: Date, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(locale(), options).format(date);
}

/** "5 min. ago", "yesterday": a relative time in the user's locale. */
export function formatRelative(value: number, unit: Intl.RelativeTimeFormatUnit): string {
  return new Intl.RelativeTimeFormat(locale(), { numeric: "auto", style: "short" }).format(
    value,
    unit,
  );
}

/** "1:1, 16:9, 4:5": a plain list (no "and"/"or") in the user's locale. */
export function formatList(items: readonly string[]): string {
  return new Intl.ListFormat(locale(), { type: "unit", style: "short" }).format(items);
}
