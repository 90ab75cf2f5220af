// Settings → Connection: a button that runs the connection check and lists its lines, each
// with an icon, the sentence from the check, and its raw detail behind "Details".
import { useTranslation } from "react-i18next";
import { Details } from "../../../components/Details";
import { AlertIcon, CheckIcon, CloseIcon } from "../../../components/Icons";
import { InlineError, Spinner } from "../../../components/States";
import type { CheckLine, CheckStatus, DoctorReport } from "../../../lib/backend/types";
import { useConnectionCheck } from "./useConnectionCheck";
import "./connection.css";

function StatusIcon({ status }: { status: CheckStatus }) {
  switch (status) {
    case "ok":
      return <CheckIcon size={16} />;
    case "warning":
      return <AlertIcon size={16} />;
    case "problem":
      return <CloseIcon size={16} />;
    case "skipped":
      return <span className="connection-dash" aria-hidden="true" />;
  }
}

function Line({ line }: { line: CheckLine }) {
  const { t } = useTranslation("connection");
  return (
    <li
      className={`connection-line connection-${line.status}`}
      data-testid={`connection-line-${line.check}`}
      data-status={line.status}
    >
      <span className="connection-icon" role="img" aria-label={t(`status.${line.status}`)}>
        <StatusIcon status={line.status} />
      </span>
      <div className="connection-text">
        <div className="connection-title">{t(`checks.${line.check}`)}</div>
        <p className="connection-message">{line.message}</p>
        <Details text={line.detail} />
      </div>
    </li>
  );
}

function Report({ report }: { report: DoctorReport }) {
  const { t } = useTranslation("connection");
  return (
    <div
      className="connection-report"
      data-testid="connection-report"
      data-verdict={report.verdict}
    >
      <p className="connection-verdict" role="status" data-testid="connection-verdict">
        {t(`verdict.${report.verdict}`)}
      </p>
      <ul className="connection-lines" aria-label={t("results")}>
        {report.lines.map((line) => (
          <Line key={line.check} line={line} />
        ))}
      </ul>
    </div>
  );
}

export function ConnectionCheck() {
  const { t } = useTranslation("connection");
  const check = useConnectionCheck();
  return (
    <section
      className="settings-section"
      aria-labelledby="connection-heading"
      data-testid="connection-check"
    >
      <h2 id="connection-heading">{t("heading")}</h2>
      <div className="setting-row">
        <div>
          <div className="setting-name">{t("name")}</div>
          <div className="muted">{t("help")}</div>
        </div>
        <button
          type="button"
          className="btn"
          data-testid="connection-check-button"
          disabled={check.isPending}
          onClick={() => check.mutate()}
        >
          {check.isPending ? t("checking") : check.data ? t("again") : t("button")}
        </button>
      </div>
      {check.isPending && (
        <div className="connection-pending">
          <Spinner label={t("checking")} />
        </div>
      )}
      {check.isError && <InlineError error={check.error} />}
      {check.data && !check.isPending && <Report report={check.data} />}
    </section>
  );
}
