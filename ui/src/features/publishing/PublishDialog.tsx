import * as Dialog from "@radix-ui/react-dialog";
import { useCallback, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { InlineError } from "../../components/States";
import { useBackend } from "../../lib/backend/context";
import type { PublishView } from "../../lib/backend/types";
import { NotOffered } from "../describe/NotOffered";
import { isNotOffered } from "../describe/queries";
import { PublishOutcome } from "./PublishOutcome";
import { useCaption, useChannels, usePublish, usePublishEvents } from "./queries";
import "../batch/batch.css";
import "../presets/presets.css";
import "./publishing.css";

/** What goes out: one run's chosen outputs (a batch selection is several of these). */
export interface PublishItem {
  localId: string;
  /** The image (or video) to post; none: the caption alone. */
  index: number | null;
}

type Step = "compose" | "confirm" | "sent";

/**
 * Mounted only while open, so each opening starts from a blank form.
 * Publish…: pick channels and a caption, see how it goes out, confirm naming the channels,
 * then each channel's result. Nothing is sent before the explicit confirmation.
 */
export function PublishDialog({
  items,
  open,
  onOpenChange,
}: {
  items: PublishItem[];
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const { t } = useTranslation("publishing");
  const backend = useBackend();
  const channels = useChannels();
  const first = items[0];
  const suggested = useCaption(first?.localId ?? "");
  const publish = usePublish();
  const [step, setStep] = useState<Step>("compose");
  const [picked, setPicked] = useState<string[]>([]);
  const [caption, setCaption] = useState<string | null>(null);
  const [sent, setSent] = useState<PublishView[]>([]);
  const captionId = useId();
  const text = caption ?? suggested.data ?? "";

  // Each publish's later states (unconfirmed → confirmed) arrive as events.
  const onUpdate = useCallback((view: PublishView) => {
    setSent((old) => old.map((p) => (p.id === view.id ? view : p)));
  }, []);
  usePublishEvents(onUpdate);

  const names = (channels.data ?? []).filter((c) => picked.includes(c.id)).map((c) => c.name);
  const toggle = (id: string) =>
    setPicked((old) => (old.includes(id) ? old.filter((x) => x !== id) : [...old, id]));

  const send = async () => {
    const views: PublishView[] = [];
    for (const item of items) {
      const done = await publish.mutateAsync({
        localId: item.localId,
        indexes: item.index === null ? [] : [item.index],
        channelIds: picked,
        caption: text.trim() === "" ? null : text,
      });
      views.push(...done);
      setSent([...views]);
    }
    setStep("sent");
  };

  const canContinue =
    picked.length > 0 && (text.trim() !== "" || items.some((i) => i.index !== null));

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="preset-overlay" />
        <Dialog.Content className="preset-dialog publish-dialog" data-testid="publish-dialog">
          <Dialog.Title className="preset-dialog-title">
            {items.length > 1 ? t("dialog.titleMany", { count: items.length }) : t("dialog.title")}
          </Dialog.Title>
          <Dialog.Description className="preset-dialog-text">
            {step === "sent" ? t("dialog.sentLede") : t("dialog.lede")}
          </Dialog.Description>

          {isNotOffered(channels.error) ? (
            <NotOffered what={t("notOffered")} />
          ) : step === "compose" ? (
            <div className="publish-compose">
              <fieldset className="publish-channels">
                <legend>{t("dialog.channels")}</legend>
                {channels.isPending && <p className="muted">{t("dialog.loadingChannels")}</p>}
                {channels.isError && <InlineError error={channels.error} />}
                {channels.data?.length === 0 && <p className="muted">{t("dialog.noChannels")}</p>}
                {channels.data?.map((c) => (
                  <label key={c.id} className="publish-channel">
                    <input
                      type="checkbox"
                      data-testid={`publish-channel-${c.id}`}
                      checked={picked.includes(c.id)}
                      onChange={() => toggle(c.id)}
                    />
                    {c.name}
                  </label>
                ))}
              </fieldset>
              <label className="preset-dialog-label" htmlFor={captionId}>
                {t("dialog.caption")}
              </label>
              <textarea
                id={captionId}
                className="input"
                rows={3}
                data-testid="publish-caption"
                value={text}
                placeholder={t("dialog.captionPlaceholder")}
                onChange={(e) => setCaption(e.target.value)}
              />
              <Preview items={items} caption={text} channels={names} />
              <div className="preset-dialog-actions">
                <Dialog.Close className="btn">{t("dialog.cancel")}</Dialog.Close>
                <button
                  type="button"
                  className="btn btn-primary"
                  data-testid="publish-continue"
                  disabled={!canContinue}
                  onClick={() => setStep("confirm")}
                >
                  {t("dialog.continue")}
                </button>
              </div>
            </div>
          ) : step === "confirm" ? (
            <div className="publish-confirm" data-testid="publish-confirm-step">
              <p className="publish-question" data-testid="publish-question">
                {t("dialog.question", { channels: listOf(names) })}
              </p>
              <p className="muted">
                {items.length > 1
                  ? t("dialog.publicMany", { count: items.length })
                  : t("dialog.public")}
              </p>
              {publish.isError && <InlineError error={publish.error} />}
              <div className="preset-dialog-actions">
                <button
                  type="button"
                  className="btn"
                  data-testid="publish-back"
                  disabled={publish.isPending}
                  onClick={() => setStep("compose")}
                >
                  {t("dialog.back")}
                </button>
                <button
                  type="button"
                  className="btn btn-primary"
                  data-testid="publish-confirm"
                  disabled={publish.isPending}
                  onClick={() => void send().catch(() => undefined)}
                >
                  {publish.isPending
                    ? t("dialog.publishing")
                    : t("dialog.confirm", { channels: listOf(names) })}
                </button>
              </div>
            </div>
          ) : (
            <div className="publish-sent" data-testid="publish-sent">
              {sent.map((view) => (
                <PublishOutcome
                  key={view.id}
                  view={view}
                  onOpen={(url) => void backend.openPostLink(url)}
                />
              ))}
              <div className="preset-dialog-actions">
                <Dialog.Close className="btn btn-primary" data-testid="publish-done">
                  {t("dialog.done")}
                </Dialog.Close>
              </div>
            </div>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** "Demo Instagram and Demo Shopify" in the page's language. */
function listOf(names: string[]): string {
  try {
    return new Intl.ListFormat(undefined, { type: "conjunction" }).format(names);
  } catch {
    return names.join(", ");
  }
}

/** How the post will look: the picture, the caption, and where it goes. */
function Preview({
  items,
  caption,
  channels,
}: {
  items: PublishItem[];
  caption: string;
  channels: string[];
}) {
  const { t } = useTranslation("publishing");
  const backend = useBackend();
  const shown = items.filter((i) => i.index !== null).slice(0, 4);
  return (
    <figure
      className="publish-preview"
      data-testid="publish-preview"
      aria-label={t("dialog.preview")}
    >
      <figcaption className="publish-preview-head">
        {channels.length > 0
          ? t("dialog.previewOn", { channels: listOf(channels) })
          : t("dialog.preview")}
      </figcaption>
      {shown.length > 0 && (
        <div className="publish-preview-media" data-count={shown.length}>
          {shown.map((i) => (
            <img
              key={`${i.localId}/${i.index}`}
              src={backend.mediaUrl(i.localId, i.index ?? 0, "thumb")}
              alt={t("dialog.previewImage")}
            />
          ))}
        </div>
      )}
      <p className="publish-preview-caption">{caption.trim() || t("dialog.noCaption")}</p>
    </figure>
  );
}
