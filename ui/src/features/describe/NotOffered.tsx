import { useTranslation } from "react-i18next";
import { useUi } from "../../lib/store";

/** The service has no such endpoint: say so in words and point to what still works. */
export function NotOffered({ what }: { what: string }) {
  const { t } = useTranslation("describe");
  const navigate = useUi((s) => s.navigate);
  return (
    <div className="state state-empty" role="status" data-testid="not-offered">
      <h3>{t("notOffered.title", { what })}</h3>
      <p>{t("notOffered.body")}</p>
      <button
        type="button"
        className="btn btn-primary"
        data-testid="not-offered-catalog"
        onClick={() => navigate({ page: "apps" })}
      >
        {t("notOffered.catalog")}
      </button>
    </div>
  );
}
