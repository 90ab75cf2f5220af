import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { CopyButton } from "../../components/CopyButton";
import { Details } from "../../components/Details";
import { RetryIcon } from "../../components/Icons";
import { InlineError } from "../../components/States";
import { StatusPill } from "../../components/StatusPill";
import { useBackend } from "../../lib/backend/context";
import type { Inputs, OutputRecord, RunRecord } from "../../lib/backend/types";
import { isInFlight, useStartRun } from "../../lib/queries";
import { useUi } from "../../lib/store";
import { clockTime } from "../../lib/time";
import { PublishButton, canPublish, publishItem } from "../publishing/PublishButton";
import { startOutputDrag } from "../uploads/PhotoField";
import { Lightbox, type LightboxItem } from "./Lightbox";
import { elapsedMs, failureDetails, failureMessage, formatElapsed } from "./status";

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const tick = () => setNow(Date.now());
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function aspect(run: RunRecord, output?: OutputRecord): string {
  const f = output?.file;
  if (f?.width && f.height) return `${f.width} / ${f.height}`;
  const ratio = run.inputs["Aspect Ratio"];
  const m = ratio?.match(/^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/);
  return m ? `${m[1]} / ${m[2]}` : "1 / 1";
}

function timeOfDay(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : clockTime(d);
}

export function RunCard({ run, onReuse }: { run: RunRecord; onReuse?: (inputs: Inputs) => void }) {
  const { t } = useTranslation("runs");
  const backend = useBackend();
  const inFlight = isInFlight(run);
  const now = useNow(inFlight);
  const rerun = useStartRun();
  const openRun = useUi((s) => s.openRun);
  const [lightbox, setLightbox] = useState<number | null>(null);

  const failure = failureMessage(run);
  const missing = run.outputs.filter((o) => o.status === "error" || o.fileError).length;
  const partial =
    !failure && run.status === "completed" && missing > 0
      ? t("card.partial", { count: missing, total: run.outputs.length })
      : null;
  const outputs = [...run.outputs].sort((a, b) => a.index - b.index);
  const images: { output: OutputRecord; item: LightboxItem }[] = outputs
    .filter((o) => o.type === "image" && o.status === "completed" && o.file)
    .map((o) => ({
      output: o,
      item: {
        src: backend.mediaUrl(run.localId, o.index),
        label: o.label ?? t("card.imageLabel", { number: o.index + 1 }),
      },
    }));

  const entries = Object.entries(run.inputs).filter(([, v]) => v !== undefined && v !== "");
  // A long free-text value (a prompt, a description) reads as the run's title; the rest are chips.
  const title = entries.find(([, v]) => (v ?? "").length > 20 && !/^https?:\/\//i.test(v ?? ""));
  const chips = entries.filter((e) => e !== title);

  const startAgain = () => rerun.mutate({ appId: run.appId, inputs: run.inputs });

  return (
    <article
      className={`run-card status-${run.status}`}
      data-testid="run-card"
      data-status={run.status}
      data-local-id={run.localId}
    >
      <header className="run-head">
        <StatusPill status={run.status} />
        <span className="run-elapsed" title={t("card.elapsedTitle")}>
          {formatElapsed(elapsedMs(run, now))}
        </span>
        <span className="run-time">{timeOfDay(run.createdAt)}</span>
      </header>

      {(title || chips.length > 0) && (
        <div className="run-inputs">
          {title && <p className="run-title">{title[1]}</p>}
          {chips.length > 0 && (
            <ul className="chips">
              {chips.map(([k, v]) => (
                <li key={k} className="chip" title={t("card.chip", { key: k, value: v })}>
                  <span className="chip-key">{k}</span> {v}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      {failure && (
        <div className="run-failure" role="alert">
          <p data-testid="run-error">{failure}</p>
          <Details text={failureDetails(run)} />
        </div>
      )}

      {partial && (
        <div className="run-failure run-partial" role="status">
          <p data-testid="run-warning">{partial}</p>
          <Details text={failureDetails(run)} />
        </div>
      )}

      {(inFlight || outputs.some((o) => o.status !== "error")) && (
        <div className="outputs" data-count={Math.max(1, outputs.length)}>
          {outputs.length === 0 && (
            <div
              className="output-tile skeleton"
              style={{ aspectRatio: aspect(run) }}
              aria-label={t("card.waiting")}
            />
          )}
          {outputs.map((o) => (
            <OutputView
              key={o.index}
              run={run}
              output={o}
              src={o.file ? backend.mediaUrl(run.localId, o.index) : null}
              onOpen={() => setLightbox(images.findIndex((i) => i.output.index === o.index))}
            />
          ))}
        </div>
      )}

      <footer className="run-actions">
        {run.status === "unknown" && (
          // Never re-sent blindly: it may have started (and been charged) already.
          <button
            type="button"
            className="btn"
            data-testid="check-run"
            onClick={() => openRun(run.localId)}
          >
            {t("card.checkRun")}
          </button>
        )}
        {(run.status === "failed" || run.status === "cancelled") && (
          <button
            type="button"
            className="btn"
            data-testid="try-again"
            onClick={startAgain}
            disabled={rerun.isPending}
          >
            <RetryIcon size={14} />
            {rerun.isPending ? t("card.starting") : t("card.tryAgain")}
          </button>
        )}
        {run.status === "completed" && (
          <button
            type="button"
            className="btn btn-ghost"
            data-testid="run-again"
            onClick={startAgain}
            disabled={rerun.isPending}
          >
            <RetryIcon size={14} />
            {rerun.isPending ? t("card.starting") : t("card.generateAgain")}
          </button>
        )}
        {canPublish(run) && <PublishButton items={[publishItem(run)]} />}
        {onReuse && entries.length > 0 && (
          <button
            type="button"
            className="btn btn-ghost"
            data-testid="reuse-inputs"
            onClick={() => onReuse(run.inputs)}
          >
            {t("card.reuse")}
          </button>
        )}
      </footer>
      {rerun.isError && <InlineError error={rerun.error} />}

      <Lightbox
        count={images.length}
        item={lightbox !== null ? images[lightbox]?.item : undefined}
        index={lightbox !== null && lightbox >= 0 ? lightbox : null}
        onIndexChange={setLightbox}
        onClose={() => setLightbox(null)}
      />
    </article>
  );
}

function OutputView({
  run,
  output: o,
  src,
  onOpen,
}: {
  run: RunRecord;
  output: OutputRecord;
  src: string | null;
  onOpen: () => void;
}) {
  const { t } = useTranslation("runs");
  const label = o.label ?? t("card.resultLabel", { number: o.index + 1 });

  if (o.status === "error") {
    return (
      <div className="output-tile output-problem" style={{ aspectRatio: aspect(run, o) }}>
        <strong>{t("card.notMade", { label })}</strong>
        <span>{t("card.reasonBelow")}</span>
      </div>
    );
  }
  if (o.status === "cancelled") {
    return (
      <div className="output-tile output-problem" style={{ aspectRatio: aspect(run, o) }}>
        <strong>{t("card.stopped", { label })}</strong>
      </div>
    );
  }
  if (o.status !== "completed") {
    return (
      <div
        className="output-tile skeleton"
        style={{ aspectRatio: aspect(run, o) }}
        aria-label={t("card.onItsWay", { label })}
      />
    );
  }

  if (o.type === "text") {
    return (
      <div className="output-text">
        <div className="output-text-head">
          <span>{label}</span>
          <CopyButton text={o.value ?? ""} />
        </div>
        <p>{o.value}</p>
      </div>
    );
  }

  if (o.type === "image" || o.type === "video" || o.type === "audio") {
    if (o.fileError) {
      return (
        <div className="output-tile output-problem" style={{ aspectRatio: aspect(run, o) }}>
          <strong>{t("card.notDownloaded", { label })}</strong>
          <span>{t("card.tryGenerating")}</span>
        </div>
      );
    }
    if (!o.file || !src) {
      return (
        <div
          className="output-tile skeleton"
          style={{ aspectRatio: aspect(run, o) }}
          aria-label={t("card.saving", { label })}
        />
      );
    }
    if (o.type === "image") {
      return (
        <figure className="output">
          <button
            type="button"
            className="output-tile output-image-btn"
            style={{ aspectRatio: aspect(run, o) }}
            onClick={onOpen}
            aria-label={t("card.open", { label })}
          >
            <img
              src={src}
              alt={label}
              data-testid="output-image"
              loading="lazy"
              title={t("card.dragHint")}
              onDragStart={(e) => startOutputDrag(e, { localId: run.localId, index: o.index })}
            />
          </button>
          <figcaption>{label}</figcaption>
        </figure>
      );
    }
    if (o.type === "video") {
      return (
        <figure className="output">
          <video
            className="output-tile"
            controls
            preload="metadata"
            src={src}
            style={{ aspectRatio: aspect(run, o) }}
          />
          <figcaption>{label}</figcaption>
        </figure>
      );
    }
    return (
      <figure className="output output-wide">
        <audio controls preload="metadata" src={src} />
        <figcaption>{label}</figcaption>
      </figure>
    );
  }

  return (
    <div className="output-tile output-problem">
      <strong>{label}</strong>
      <span>{t("card.cantShow")}</span>
    </div>
  );
}
