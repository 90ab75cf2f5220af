import { useTranslation } from "react-i18next";
import type { RunRecord, ScoreDimension } from "../../lib/backend/types";
import { useScores } from "./queries";

const KNOWN = ["brandAlignment", "predictedEngagement", "visualQuality", "platformFitness"];

/** 0–100 from the service as a mark out of 10. */
export function outOfTen(score: number): number {
  return Math.max(0, Math.min(10, Math.round(score / 10)));
}

/** The run's scores with plain labels ("Brand fit 9/10"), once it has finished. */
export function Scores({ run }: { run: RunRecord }) {
  const { t } = useTranslation("describe");
  const scores = useScores(run);
  if (run.status !== "completed") return null;
  if (scores.isPending) {
    return <p className="muted describe-scores">{t("scores.loading")}</p>;
  }
  if (scores.isError || !scores.data) {
    return (
      <p className="muted describe-scores" data-testid="scores-missing">
        {t("scores.none")}
      </p>
    );
  }
  const { overall, dimensions, feedback } = scores.data;
  // Our words for the dimensions we know; the service's label for any other.
  const label = (d: ScoreDimension) =>
    KNOWN.includes(d.key) ? t(`scores.${d.key as "brandAlignment"}`) : d.label || d.key;
  return (
    <div className="describe-scores" data-testid="scores">
      <h3 className="describe-subtitle">{t("scores.title")}</h3>
      <ul className="chips">
        {overall != null && (
          <li className="chip chip-score" data-testid="score-overall">
            {t("scores.overall", { score: outOfTen(overall) })}
          </li>
        )}
        {dimensions
          .flatMap((d) => (d.value == null ? [] : [d]))
          .map((d) => (
            <li key={d.key} className="chip chip-score" data-testid={`score-${d.key}`}>
              {t("scores.line", { label: label(d), score: outOfTen(d.value ?? 0) })}
            </li>
          ))}
      </ul>
      {feedback && <p className="muted">{feedback}</p>}
    </div>
  );
}
