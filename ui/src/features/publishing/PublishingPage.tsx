import { useTranslation } from "react-i18next";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { PublishIcon } from "../../components/Icons";
import { useBackend } from "../../lib/backend/context";
import { absoluteTime } from "../../lib/time";
import { NotOffered } from "../describe/NotOffered";
import { isNotOffered } from "../describe/queries";
import { ChannelLine } from "./PublishOutcome";
import { usePublishEvents, usePublishingHistory } from "./queries";
import "../batch/batch.css";
import "../presets/presets.css";
import "./publishing.css";

/** Everything published: status, channel, time, post link and errors, newest first. */
export function PublishingPage() {
  const { t } = useTranslation("publishing");
  const backend = useBackend();
  const history = usePublishingHistory();
  usePublishEvents();
  let body;
  if (history.isPending) body = <LoadingState label={t("page.loading")} />;
  else if (isNotOffered(history.error)) body = <NotOffered what={t("notOffered")} />;
  else if (history.isError)
    body = (
      <ErrorState
        error={history.error}
        title={t("page.failed")}
        onRetry={() => void history.refetch()}
      />
    );
  else if (history.data.entries.length === 0)
    body = (
      <EmptyState icon={<PublishIcon size={22} />} title={t("page.empty")}>
        <p>{t("page.emptyBody")}</p>
      </EmptyState>
    );
  else
    body = (
      <ul className="publishing-list" data-testid="publishing-list">
        {history.data.entries.map((view) => (
          <li key={view.id} className="card-panel publishing-item" data-testid="publishing-item">
            {view.runLocalId && view.outputIndexes.length > 0 && (
              <img
                className="publishing-thumb"
                src={backend.mediaUrl(view.runLocalId, view.outputIndexes[0] ?? 0, "thumb")}
                alt={t("page.thumb")}
              />
            )}
            <div className="publishing-item-head">
              <time dateTime={view.createdAt}>{absoluteTime(view.createdAt)}</time>
              {view.caption && <p className="publishing-caption">{view.caption}</p>}
            </div>
            <ul className="publish-outcome">
              {view.channels.map((c) => (
                <ChannelLine
                  key={c.channelId}
                  result={c}
                  onOpen={(url) => void backend.openPostLink(url)}
                />
              ))}
            </ul>
            {view.problem && <p className="field-error">{view.problem.message}</p>}
          </li>
        ))}
      </ul>
    );
  return (
    <div className="page publishing-page" data-testid="publishing-page">
      <header className="page-header">
        <h1>{t("page.title")}</h1>
        <p className="page-lede">{t("page.lede")}</p>
      </header>
      {body}
    </div>
  );
}
