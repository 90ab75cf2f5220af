import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CopyIcon } from "../../components/Icons";
import { useBackend } from "../../lib/backend/context";
import type { OutputRecord, RunRecord } from "../../lib/backend/types";
import { useFileActions, useStar } from "../../lib/run-actions";
import { Lightbox } from "../runs/Lightbox";
import { ImageTile } from "./OutputTile";

function isKeptImage(o: OutputRecord): boolean {
  return o.type === "image" && o.status === "completed" && o.file !== null;
}

/** Every output of the run, in order: images (→ lightbox), text, and what went wrong. */
export function DetailOutputs({ run }: { run: RunRecord }) {
  const { t } = useTranslation("runDetail");
  const backend = useBackend();
  const star = useStar();
  const files = useFileActions();
  const [open, setOpen] = useState<number | null>(null);
  const outputs = [...run.outputs].sort((a, b) => a.index - b.index);
  const images = outputs.filter(isKeptImage);
  const current = open !== null ? images[open] : undefined;

  if (outputs.length === 0) return null;
  return (
    <section className="detail-section" aria-labelledby="detail-outputs">
      <h3 id="detail-outputs" className="detail-heading">
        {t("outputs.title")}
      </h3>
      <div className="detail-outputs">
        {outputs.map((o) => {
          const label = o.label ?? t("outputs.resultLabel", { number: o.index + 1 });
          if (isKeptImage(o)) {
            return (
              <ImageTile
                key={o.index}
                run={run}
                output={o}
                onOpen={() => setOpen(images.indexOf(o))}
              />
            );
          }
          if (o.status === "error" || o.fileError) {
            return (
              <div key={o.index} className="detail-problem" data-testid="output-error">
                <strong>
                  {o.status === "error"
                    ? t("outputs.notMade", { label })
                    : t("outputs.notDownloaded", { label })}
                </strong>
                <span className="detail-raw">{o.error ?? o.fileError}</span>
              </div>
            );
          }
          if (o.status === "cancelled") {
            return (
              <div key={o.index} className="detail-problem">
                <strong>{t("outputs.stopped", { label })}</strong>
              </div>
            );
          }
          if (o.status !== "completed") {
            return (
              <div
                key={o.index}
                className="detail-pending skeleton"
                aria-label={t("outputs.onItsWay", { label })}
              />
            );
          }
          if (o.type === "text") {
            return (
              <div key={o.index} className="output-text detail-text">
                <div className="output-text-head">
                  <span>{label}</span>
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    onClick={() => void files.copyText(o.value ?? "", t("outputs.textCopied"))}
                  >
                    <CopyIcon size={14} /> {t("outputs.copy")}
                  </button>
                </div>
                <p>{o.value}</p>
              </div>
            );
          }
          if ((o.type === "video" || o.type === "audio") && o.file) {
            const src = backend.mediaUrl(run.localId, o.index);
            return o.type === "video" ? (
              <video key={o.index} className="detail-media" controls preload="metadata" src={src} />
            ) : (
              <audio key={o.index} className="detail-media" controls preload="metadata" src={src} />
            );
          }
          return (
            <div key={o.index} className="detail-problem">
              <strong>{label}</strong>
              <span>{t("outputs.cantShow")}</span>
            </div>
          );
        })}
      </div>
      <Lightbox
        count={images.length}
        index={open}
        item={
          current && {
            src: backend.mediaUrl(run.localId, current.index),
            label: current.label ?? t("outputs.imageLabel", { number: current.index + 1 }),
            caption: run.appName,
            starred: current.starred,
          }
        }
        onIndexChange={setOpen}
        onClose={() => setOpen(null)}
        onToggleStar={() =>
          current &&
          star.mutate({ localId: run.localId, index: current.index, starred: !current.starred })
        }
      />
    </section>
  );
}
