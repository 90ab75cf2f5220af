// A `url` field that also takes the person's own photo: dropped from the file manager, pasted
// from the clipboard, chosen in the system's dialog, or a kept result dragged from a run.
// The upload itself runs in Rust (usePhotoUploads); this shows it.
import { useEffect, useState, type ClipboardEvent, type DragEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ImageIcon } from "../../components/Icons";
import { OUTPUT_DRAG_TYPE, UPLOAD_REF_PREFIX, type DraggedOutput } from "../../lib/backend/types";
import { isWebUrl } from "../../lib/inputs";
import { useUi } from "../../lib/store";
import type { FieldPhoto, PhotoUploads } from "./usePhotoUploads";
import "./uploads.css";

/** First address of a drop: `text/uri-list` (comments skipped), else plain text that is a link. */
export function droppedUrl(data: Pick<DataTransfer, "getData">): string | null {
  const list = data.getData("text/uri-list");
  const fromList = list
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("#"));
  if (fromList && isWebUrl(fromList)) return fromList;
  const plain = data.getData("text/plain").trim();
  return isWebUrl(plain) ? plain : null;
}

/** The kept output a drag carries, if it carries one. */
export function draggedOutput(data: Pick<DataTransfer, "getData">): DraggedOutput | null {
  try {
    const value = JSON.parse(data.getData(OUTPUT_DRAG_TYPE)) as Partial<DraggedOutput>;
    return typeof value.localId === "string" && typeof value.index === "number"
      ? { localId: value.localId, index: value.index }
      : null;
  } catch {
    return null;
  }
}

/** Starts a drag of a kept output (run cards, History, Gallery) that photo fields accept. */
export function startOutputDrag(e: DragEvent, output: DraggedOutput): void {
  e.dataTransfer.setData(OUTPUT_DRAG_TYPE, JSON.stringify(output));
  e.dataTransfer.effectAllowed = "copy";
}

function firstImage(files: FileList | null | undefined): File | null {
  return files && files.length > 0 ? (files[0] ?? null) : null;
}

export interface PhotoFieldProps {
  name: string;
  images: boolean;
  photos: PhotoUploads | undefined;
  /** The text input (its id, aria and value are the form's). */
  input: ReactNode;
  /** The field's value as it is. */
  value: string;
  /** The link typed or pasted (trimmed), for its preview. */
  url: string;
  preview: ReactNode;
  helpId: string;
  onLink: (value: string) => void;
}

export function PhotoField({
  name,
  images,
  photos,
  input,
  value,
  url,
  preview,
  helpId,
  onLink,
}: PhotoFieldProps) {
  const { t } = useTranslation("uploads");
  const [dragging, setDragging] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const photo = photos?.byField[name];
  const takesFiles = images && photos !== undefined;
  const adopt = photos?.adopt;
  // A value naming an upload (the last inputs, a preset): show that upload, not its reference.
  const uploadRef = !photo && value.startsWith(UPLOAD_REF_PREFIX) ? value : null;
  useEffect(() => {
    if (uploadRef && adopt) adopt(name, uploadRef.slice(UPLOAD_REF_PREFIX.length));
  }, [uploadRef, adopt, name]);

  const onDragOver = (e: DragEvent) => {
    const types = Array.from(e.dataTransfer.types);
    const accepted =
      types.includes("text/uri-list") ||
      types.includes("text/plain") ||
      types.includes("Files") ||
      (takesFiles && types.includes(OUTPUT_DRAG_TYPE));
    if (!accepted) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    setDragging(true);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    setNote(null);
    const output = takesFiles ? draggedOutput(e.dataTransfer) : null;
    const file = firstImage(e.dataTransfer.files);
    const link = droppedUrl(e.dataTransfer);
    if (output && photos) photos.addOutput(name, output);
    else if (file && takesFiles && photos) photos.addFile(name, file);
    else if (link) {
      photos?.clear(name);
      onLink(link);
    } else if (file) setNote(t("notHere"));
    else setNote(t("droppedOther"));
  };

  const onPaste = (e: ClipboardEvent) => {
    const file = firstImage(e.clipboardData.files);
    if (!file || !takesFiles || !photos) return; // a pasted link goes into the input as usual
    e.preventDefault();
    setNote(null);
    photos.addFile(name, file);
  };

  return (
    <div
      className={`url-field${dragging ? " dragging" : ""}`}
      data-testid={`photo-field-${name}`}
      onDragOver={onDragOver}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      onPaste={onPaste}
    >
      {photo ? (
        <PhotoCard
          photo={photo}
          onRemove={() => {
            photos?.clear(name);
            onLink("");
          }}
        />
      ) : (
        <div className="url-row">
          {input}
          {takesFiles && (
            <button
              type="button"
              className="btn"
              data-testid="choose-photo"
              onClick={() => photos.choose(name)}
            >
              {t("choose")}
            </button>
          )}
        </div>
      )}
      {!photo && url !== "" && preview}
      <p className="field-help" id={helpId}>
        {note ?? (takesFiles ? t("help") : images ? t("helpLinkOnly") : t("linkHelp"))}
      </p>
    </div>
  );
}

function PhotoCard({ photo, onRemove }: { photo: FieldPhoto; onRemove: () => void }) {
  const { t } = useTranslation("uploads");
  const navigate = useUi((s) => s.navigate);
  const ticket = photo;
  const percent =
    ticket.state === "done"
      ? 100
      : photo.total > 0
        ? Math.min(99, Math.round((photo.sent / photo.total) * 100))
        : 0;
  const label = ticket.fileName || t("fromResult");
  return (
    <div
      className={`photo-card is-${ticket.state}`}
      data-testid="photo-card"
      data-state={ticket.state}
    >
      <div className="photo-thumb">
        {photo.preview ? (
          <img src={photo.preview} alt={t("previewAlt", { name: label })} />
        ) : (
          <ImageIcon size={20} />
        )}
      </div>
      <div className="photo-body">
        <div className="photo-name" title={label}>
          {label}
        </div>
        {ticket.state === "failed" ? (
          <p className="photo-error" role="alert" data-testid="photo-error">
            {ticket.error ?? t("failed")}{" "}
            {ticket.storageProblem && (
              <button
                type="button"
                className="link-btn"
                data-testid="open-storage-settings"
                onClick={() => navigate({ page: "settings" })}
              >
                {t("openStorage")}
              </button>
            )}
          </p>
        ) : ticket.state === "done" ? (
          <p className="photo-status" data-testid="photo-status">
            {t("ready")}
            {ticket.metadataRemoved && (
              <span className="photo-note" data-testid="metadata-removed">
                {" · "}
                {t("metadataRemoved")}
              </span>
            )}
          </p>
        ) : (
          <>
            <p className="photo-status" data-testid="photo-status">
              {ticket.state === "uploading" ? t("uploading", { percent }) : t("preparing")}
            </p>
            <progress
              className="photo-progress"
              data-testid="photo-progress"
              max={100}
              value={percent}
              aria-label={t("progressLabel", { name: label })}
            />
          </>
        )}
      </div>
      <button
        type="button"
        className="btn btn-ghost btn-small"
        data-testid="remove-photo"
        onClick={onRemove}
      >
        {ticket.state === "failed" ? t("tryAnother") : t("remove")}
      </button>
    </div>
  );
}

/** A pasted link's preview: the backend's own address when it has one, else Rust's thumbnail;
 * without one, why not (`reason`: Rust's words, e.g. a local address refused) or the plain
 * "no preview". */
export function LinkThumb({
  src,
  alt,
  reason,
}: {
  src: string | null;
  alt: string;
  reason?: string | null;
}) {
  const { t } = useTranslation("uploads");
  const [failed, setFailed] = useState<string | null>(null);
  if (!src || failed === src) {
    return (
      <div
        className="url-preview missing"
        data-testid="link-preview-missing"
        data-reason={reason ? "refused" : "none"}
      >
        <span className="url-preview-missing">
          <ImageIcon size={18} />
          {reason ?? t("noPreview")}
        </span>
      </div>
    );
  }
  return (
    <div className="url-preview" data-testid="link-preview">
      <img src={src} alt={alt} onError={() => setFailed(src)} />
    </div>
  );
}
