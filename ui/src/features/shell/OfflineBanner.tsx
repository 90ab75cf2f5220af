import { useTranslation } from "react-i18next";
import { OfflineIcon } from "../../components/Icons";
import { useOnline, useReconnect } from "../../lib/connection";

/** A calm note while the service can't be reached; History and Gallery keep working. */
export function OfflineBanner() {
  const { t } = useTranslation(["shell", "common"]);
  const online = useOnline();
  const reconnect = useReconnect();
  if (online) return null;
  const stillOffline = reconnect.isSuccess && reconnect.data === false;
  return (
    <div className="banner offline-banner" role="status" data-testid="offline-banner">
      <OfflineIcon />
      <span>
        {t("offline.message")}
        {stillOffline && !reconnect.isPending && (
          <span className="muted"> {t("offline.still")}</span>
        )}
      </span>
      <button
        type="button"
        className="btn btn-small"
        data-testid="offline-retry"
        disabled={reconnect.isPending}
        onClick={() => reconnect.mutate()}
      >
        {reconnect.isPending ? t("offline.checking") : t("common:actions.retry")}
      </button>
    </div>
  );
}
