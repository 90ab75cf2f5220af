import { useTranslation } from "react-i18next";
import type { RunRecord } from "../../lib/backend/types";
import { shortLink } from "../runs/summary";

/** Every input as it was sent. Links show their file name and open nothing (they're remote). */
export function RunInputs({ run }: { run: RunRecord }) {
  const { t } = useTranslation("runDetail");
  const entries = Object.entries(run.inputs).filter(
    (e): e is [string, string] => typeof e[1] === "string",
  );
  return (
    <section className="detail-section" aria-labelledby="detail-inputs">
      <h3 id="detail-inputs" className="detail-heading">
        {t("inputs.title")}
      </h3>
      {entries.length === 0 ? (
        <p className="muted">{t("inputs.none")}</p>
      ) : (
        <dl className="detail-inputs" data-testid="run-inputs">
          {entries.map(([key, value]) => (
            <div key={key} className="detail-input">
              <dt>{key}</dt>
              <dd title={value}>{/^https?:\/\//i.test(value) ? shortLink(value) : value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
