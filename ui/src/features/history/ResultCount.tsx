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
  return (
    <span className="history-count" data-testid={testId} aria-live="polite">
      {total === undefined
        ? ""
        : `${total.toLocaleString()} ${filtered ? "matching " : ""}${noun}${total === 1 ? "" : "s"}`}
    </span>
  );
}
