import { useTranslation } from "react-i18next";
import { formatNumber } from "../../i18n/format";

/** "1,204 runs" / "12 matching images" beside a page title; empty while the total is unknown. */
export function ResultCount({
  total,
  filtered,
  noun,
  testId,
}: {
  total: number | undefined;
  filtered: boolean;
  noun: "run" | "image";
  testId: string;
}) {
  const { t } = useTranslation("history");
  const key =
    noun === "run"
      ? filtered
        ? "count.matchingRun"
        : "count.run"
      : filtered
        ? "count.matchingImage"
        : "count.image";
  return (
    <span className="history-count" data-testid={testId} aria-live="polite">
      {total === undefined ? "" : t(key, { count: total, formatted: formatNumber(total) })}
    </span>
  );
}
