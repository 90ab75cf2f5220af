import { useTranslation } from "react-i18next";
import type { ChannelOutcome, PublishState, PublishView } from "../../lib/backend/types";

/** Plain words for where a post is; "unconfirmed" says honestly that we are still checking. */
export function stateLabel(
  t: ReturnType<typeof useTranslation<"publishing">>["t"],
  state: PublishState,
) {
  return t(`state.${state}`);
}

/** Each channel's result of one publish, with the post's link once there is one. */
export function PublishOutcome({
  view,
  onOpen,
}: {
  view: PublishView;
  onOpen: (url: string) => void;
}) {
  return (
    <ul className="publish-outcome" data-testid="publish-outcome">
      {view.channels.map((c) => (
        <ChannelLine key={c.channelId} outcome={c} onOpen={onOpen} />
      ))}
    </ul>
  );
}

export function ChannelLine({
  outcome: c,
  onOpen,
}: {
  outcome: ChannelOutcome;
  onOpen: (url: string) => void;
}) {
  const { t } = useTranslation("publishing");
  return (
    <li
      className={`publish-line publish-${c.state}`}
      data-testid="publish-line"
      data-state={c.state}
    >
      <span className="publish-line-channel">{c.channelName}</span>
      <span className={`badge publish-badge publish-badge-${c.state}`} data-testid="publish-state">
        {stateLabel(t, c.state)}
      </span>
      {c.state === "unconfirmed" && (
        <span className="muted publish-line-note">{t("state.unconfirmedNote")}</span>
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
