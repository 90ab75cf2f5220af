import { useTranslation } from "react-i18next";
import type { RowProblem } from "../../lib/backend/types";

const SHOWN = 50;

/** Every problem of the table, by row and column, before anything is sent. */
export function ProblemList({ problems }: { problems: RowProblem[] }) {
  const { t } = useTranslation("batch");
  const rest = problems.length - SHOWN;
  return (
    <div className="batch-problems" role="alert" data-testid="batch-problems">
      <h3 className="batch-subheading batch-problems-title">
        {t("problems.title", { count: problems.length })}
      </h3>
      <ul>
        {problems.slice(0, SHOWN).map((p, i) => (
          <li key={i} data-testid="batch-problem">
            <span className="batch-problem-where">
              {p.row != null && <span>{t("problems.row", { row: p.row })}</span>}
              {p.column != null && <span>{t("problems.column", { column: p.column })}</span>}
              {p.row == null && p.column == null && <span>{t("problems.table")}</span>}
            </span>
            <span className="batch-problem-message">{p.message}</span>
          </li>
        ))}
      </ul>
      {rest > 0 && <p className="muted">{t("problems.more", { count: rest })}</p>}
    </div>
  );
}

/** Columns that fill no field: not a problem, but worth a word (they are kept for file names
 * and the list of files only). */
export function KeptColumnsNotice({ columns, app }: { columns: string[]; app: string }) {
  const { t } = useTranslation("batch");
  return (
    <div className="batch-notices" role="status" data-testid="batch-notices">
      <h3 className="batch-subheading batch-notices-title">
        {t("notices.title", { count: columns.length })}
      </h3>
      <ul>
        {columns.map((column) => (
          <li key={column} data-testid="batch-notice">
            {t("notices.kept", { column, app })}
          </li>
        ))}
      </ul>
      <p className="field-help">{t("notices.hint")}</p>
    </div>
  );
}
