// Start-up marks: where the page's first second goes (navigation, script, first answers, paint).
// The catalog sends them with its first-paint report; the footprint benchmark prints them.

export interface StartupTimings {
  /** `performance.timeOrigin`: ms since the epoch when navigation started. */
  timeOriginMs: number;
  /** In order, ms since the time origin. */
  marks: { name: string; atMs: number }[];
}

const PREFIX = "lamina:";

/** Records a named moment of start-up (cheap; a no-op where the Performance API is missing). */
export function markStartup(name: string): void {
  performance.mark?.(PREFIX + name);
}

/** The navigation's own milestones and every `markStartup`, sorted by time. */
export function startupTimings(): StartupTimings {
  const marks: { name: string; atMs: number }[] = [];
  const navigation = performance.getEntriesByType?.("navigation")[0] as
    PerformanceNavigationTiming | undefined;
  if (navigation) {
    marks.push(
      { name: "html", atMs: navigation.responseEnd },
      { name: "dom-interactive", atMs: navigation.domInteractive },
      { name: "dom-content-loaded", atMs: navigation.domContentLoadedEventStart },
    );
  }
  for (const entry of performance.getEntriesByType?.("resource") ?? []) {
    if (entry.name.endsWith(".js")) {
      const file = entry.name.slice(entry.name.lastIndexOf("/") + 1);
      marks.push({
        name: `loaded ${file}`,
        atMs: (entry as PerformanceResourceTiming).responseEnd,
      });
    }
  }
  for (const entry of performance.getEntriesByType?.("mark") ?? []) {
    if (entry.name.startsWith(PREFIX)) {
      marks.push({ name: entry.name.slice(PREFIX.length), atMs: entry.startTime });
    }
  }
  marks.push({ name: "painted", atMs: performance.now() });
  marks.sort((a, b) => a.atMs - b.atMs);
  return { timeOriginMs: performance.timeOrigin, marks };
}
