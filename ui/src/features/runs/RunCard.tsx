import { useEffect, useState } from "react";
import { CopyButton } from "../../components/CopyButton";
import { Details } from "../../components/Details";
import { RetryIcon } from "../../components/Icons";
import { InlineError } from "../../components/States";
import { useBackend } from "../../lib/backend/context";
import type { Inputs, OutputRecord, RunRecord } from "../../lib/backend/types";
import { isInFlight, useStartRun } from "../../lib/queries";
import { useUi } from "../../lib/store";
import { Lightbox, type LightboxItem } from "./Lightbox";
import { STATUS_LABEL, elapsedMs, failureDetails, failureMessage, formatElapsed } from "./status";

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const tick = () => setNow(Date.now());
    const t = setInterval(tick, 1000);
    return () => clearInterval(t);
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
  return Number.isNaN(d.getTime())
    ? ""
    : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function RunCard({ run, onReuse }: { run: RunRecord; onReuse?: (inputs: Inputs) => void }) {
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
      ? `${missing} of ${run.outputs.length} results couldn't be made. Generate again for a new set.`
      : null;
  const outputs = [...run.outputs].sort((a, b) => a.index - b.index);
  const images: { output: OutputRecord; item: LightboxItem }[] = outputs
    .filter((o) => o.type === "image" && o.status === "completed" && o.file)
    .map((o) => ({
      output: o,
      item: {
        src: backend.mediaUrl(run.localId, o.index),
        label: o.label ?? `Image ${o.index + 1}`,
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
        <span className={`pill pill-${run.status}`} data-testid="run-status">
          {inFlight && <span className="pill-dot" aria-hidden="true" />}
          {STATUS_LABEL[run.status]}
        </span>
        <span className="run-elapsed" title="Time since you pressed Generate">
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
                <li key={k} className="chip" title={`${k}: ${v}`}>
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
              aria-label="Waiting for your image"
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
            Check this run
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
            {rerun.isPending ? "Starting…" : "Try again"}
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
            {rerun.isPending ? "Starting…" : "Generate again"}
          </button>
        )}
        {onReuse && entries.length > 0 && (
          <button
            type="button"
            className="btn btn-ghost"
            data-testid="reuse-inputs"
            onClick={() => onReuse(run.inputs)}
          >
            Use these details
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
  const label = o.label ?? `Result ${o.index + 1}`;

  if (o.status === "error") {
    return (
      <div className="output-tile output-problem" style={{ aspectRatio: aspect(run, o) }}>
        <strong>{label} couldn't be made</strong>
        <span>The reason is under Details.</span>
      </div>
    );
  }
  if (o.status === "cancelled") {
    return (
      <div className="output-tile output-problem" style={{ aspectRatio: aspect(run, o) }}>
        <strong>{label} was stopped</strong>
      </div>
    );
  }
  if (o.status !== "completed") {
    return (
      <div
        className="output-tile skeleton"
        style={{ aspectRatio: aspect(run, o) }}
        aria-label={`${label}: on its way`}
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
          <strong>{label} couldn't be downloaded</strong>
          <span>Try generating again.</span>
        </div>
      );
    }
    if (!o.file || !src) {
      return (
        <div
          className="output-tile skeleton"
          style={{ aspectRatio: aspect(run, o) }}
          aria-label={`${label}: saving`}
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
            aria-label={`Open ${label}`}
          >
            <img src={src} alt={label} data-testid="output-image" loading="lazy" />
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
      <span>This result can't be shown here yet.</span>
    </div>
  );
}
