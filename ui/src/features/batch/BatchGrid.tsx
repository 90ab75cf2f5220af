import { useTranslation } from "react-i18next";
import { useBackend } from "../../lib/backend/context";
import type { BatchRow } from "../../lib/backend/types";
import { useUi } from "../../lib/store";

/** The finished batch's images, row by row, as thumbnails (each opens its run). */
export function BatchGrid({ rows, columns }: { rows: BatchRow[]; columns: string[] }) {
  const { t } = useTranslation("batch");
  const backend = useBackend();
  const openRun = useUi((s) => s.openRun);
  const tiles = rows.flatMap((row) =>
    (row.run?.outputs ?? [])
      .filter((o) => o.file)
      .map((o) => ({ row, output: o, localId: row.run?.localId ?? "" })),
  );
  return (
    <section className="batch-grid-section" aria-labelledby="batch-grid-title">
      <h2 id="batch-grid-title" className="batch-section-heading">
        {t("grid.title")}
      </h2>
      {tiles.length === 0 ? (
        <p className="muted">{t("grid.empty")}</p>
      ) : (
        <ul className="batch-grid" data-testid="batch-grid">
          {tiles.map(({ row, output, localId }) => {
            const label = output.label ?? "";
            const cells = row.cells as Record<string, string | undefined>;
            const first = cells[columns[0] ?? ""] ?? "";
            return (
              <li key={`${localId}/${output.index}`}>
                <button
                  type="button"
                  className="batch-tile"
                  data-testid="batch-tile"
                  aria-label={t("grid.tileLabel", { label: label || first, row: row.line })}
                  onClick={() => openRun(localId)}
                >
                  <img
                    src={backend.mediaUrl(localId, output.index, "thumb")}
                    alt=""
                    loading="lazy"
                    decoding="async"
                  />
                  <span className="batch-tile-caption">
                    <span className="batch-tile-key">{first}</span>
                    <span className="muted">{label}</span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
