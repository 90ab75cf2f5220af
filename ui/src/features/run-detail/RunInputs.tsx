import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useBackend } from "../../lib/backend/context";
import type { RunRecord } from "../../lib/backend/types";
import { shortLink } from "../runs/summary";

/**
 * Every input as it was sent. Links show their file name and open nothing (they're remote); a
 * photo from this computer shows its own file name, with the link it was given.
 */
export function RunInputs({ run }: { run: RunRecord }) {
  const { t } = useTranslation("runDetail");
  const backend = useBackend();
  const files = useQuery({
    queryKey: ["runInputFiles", run.localId],
    queryFn: () => backend.runInputFiles(run.localId),
    staleTime: Infinity,
    retry: false,
  });
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
          {entries.map(([key, value]) => {
            const file = files.data?.find((f) => f.field === key);
            const link = /^https?:\/\//i.test(value) ? shortLink(value) : value;
            return (
              <div key={key} className="detail-input">
                <dt>{key}</dt>
                {file ? (
                  <dd title={value} data-testid="input-file">
                    {t("inputs.yourFile", { name: file.fileName })}
                    <span className="muted"> · {link}</span>
                  </dd>
                ) : (
                  <dd title={value}>{link}</dd>
                )}
              </div>
            );
          })}
        </dl>
      )}
    </section>
  );
}
