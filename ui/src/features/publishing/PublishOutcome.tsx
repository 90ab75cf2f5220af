import { useTranslation } from "react-i18next";
import type { ChannelResult, PublishView } from "../../lib/backend/types";

/** Each channel's result of one publish, with the post's link once there is one. */
export function PublishOutcome({
  view,
  onOpen,
}: {
  view: PublishView;
  onOpen: (url: string) => void;
}) {
  const { t } = useTranslation("publishing");
  return (
    <div className="publish-outcome-block">
      <ul className="publish-outcome" data-testid="publish-outcome" data-state={view.state}>
        {view.channels.map((c) => (
          <ChannelLine key={c.channelId} result={c} onOpen={onOpen} />
        ))}
      </ul>
      {view.problem && (
        <p className="field-error" data-testid="publish-problem">
          {view.problem.message}
        </p>
      )}
      {view.state === "intent" && <p className="muted">{t("state.intent")}</p>}
    </div>
  );
}

/** One channel: where the post is ("unconfirmed" says honestly that we are still checking). */
export function ChannelLine({
  result: c,
  onOpen,
}: {
  result: ChannelResult;
  onOpen: (url: string) => void;
}) {
  const { t } = useTranslation("publishing");
  return (
    <li
      className={`publish-line publish-${c.outcome}`}
      data-testid="publish-line"
      data-state={c.outcome}
    >
      <span className="publish-line-channel">{c.channelName}</span>
      <span
        className={`badge publish-badge publish-badge-${c.outcome}`}
        data-testid="publish-state"
      >
        {t(`outcome.${c.outcome}`)}
      </span>
      {c.outcome === "unconfirmed" && (
        <span className="muted publish-line-note">{t("outcome.unconfirmedNote")}</span>
      )}
      {c.postUrl && (
        <a
          className="publish-link"
          data-testid="publish-post-link"
          href={c.postUrl}
          onClick={(e) => {
            // The system browser opens it; the app's window never navigates away.
            e.preventDefault();
            onOpen(c.postUrl ?? "");
          }}
        >
          {t("viewPost")}
        </a>
      )}
      {c.error && (
        <span className="field-error publish-line-error" data-testid="publish-error">
          {c.error}
        </span>
      )}
    </li>
  );
}
