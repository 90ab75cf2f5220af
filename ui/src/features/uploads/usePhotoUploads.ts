// The photos of one form: per url field, the upload in flight (or done, or failed), its local
// preview and progress. Uploads run in Rust: the field holds the upload's reference
// (`lamina-upload:<id>`), which Rust swaps for the link when the run starts.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { BackendError } from "../../lib/backend";
import { useBackend } from "../../lib/backend/context";
import type {
  DraggedOutput,
  UploadProgress,
  UploadStage,
  UploadState,
  UploadTicket,
} from "../../lib/backend/types";

export interface FieldPhoto {
  /** Unknown until Rust answered (`id` empty meanwhile). */
  id: string;
  fileName: string;
  state: UploadState;
  /** Shown at once: an object URL of the dropped file, or Rust's thumbnail. */
  preview: string | null;
  sent: number;
  total: number;
  metadataRemoved: boolean;
  error: string | null;
  /** The failure is about storage (none set up, or it refused): Settings → Storage helps. */
  storageProblem: boolean;
}

export interface PhotoUploads {
  byField: Readonly<Record<string, FieldPhoto>>;
  /** Some upload is still on its way (Generate waits). */
  busy: boolean;
  /** Fields whose upload failed (Generate refuses until they are fixed). */
  failed: string[];
  addFile: (field: string, file: File) => void;
  choose: (field: string) => void;
  addOutput: (field: string, output: DraggedOutput) => void;
  /** A value that names an upload (last inputs, a preset, a rerun): show that upload. */
  adopt: (field: string, uploadId: string) => void;
  clear: (field: string) => void;
}

const TERMINAL: ReadonlySet<UploadState> = new Set(["done", "failed"]);

function stateOf(stage: UploadStage): UploadState {
  return stage === "checking" || stage === "sending" ? "uploading" : stage;
}

function objectUrl(file: File): string | null {
  return typeof URL.createObjectURL === "function" ? URL.createObjectURL(file) : null;
}

function fromTicket(ticket: UploadTicket, preview: string | null): FieldPhoto {
  return {
    id: ticket.id,
    fileName: ticket.fileName,
    state: ticket.state,
    preview: preview ?? ticket.preview,
    sent: 0,
    total: 0,
    metadataRemoved: ticket.metadataRemoved,
    error: ticket.error,
    storageProblem: false,
  };
}

export function usePhotoUploads(onValue: (field: string, value: string) => void): PhotoUploads {
  const backend = useBackend();
  const [byField, setByField] = useState<Record<string, FieldPhoto>>({});
  // Progress may arrive before the ticket (events race the command's answer): keep the last.
  const lastProgress = useRef(new Map<string, UploadProgress>());
  const fieldOf = useRef(new Map<string, string>());
  const previews = useRef(new Set<string>());

  const change = useCallback((field: string, id: string, edit: (p: FieldPhoto) => FieldPhoto) => {
    setByField((all) => {
      const current = all[field];
      if (!current || current.id !== id) return all;
      return { ...all, [field]: edit(current) };
    });
  }, []);

  const applyProgress = useCallback(
    (field: string, p: UploadProgress) => {
      change(field, p.id, (current) => ({
        ...current,
        state: stateOf(p.stage),
        sent: p.sent,
        total: p.total,
        error: p.message ?? current.error,
        // Failing after the photo was prepared means storage said no.
        storageProblem:
          p.stage === "failed" ? current.state === "uploading" : current.storageProblem,
      }));
      if (p.stage === "done") {
        // The final word (metadata removed, link) comes with the ticket.
        void backend.uploadStatus(p.id).then(
          (ticket) =>
            change(field, p.id, (current) => ({
              ...current,
              metadataRemoved: ticket.metadataRemoved,
            })),
          () => undefined,
        );
      }
    },
    [backend, change],
  );

  useEffect(
    () =>
      backend.onUploadProgress((p) => {
        lastProgress.current.set(p.id, p);
        const field = fieldOf.current.get(p.id);
        if (field) applyProgress(field, p);
      }),
    [backend, applyProgress],
  );

  useEffect(() => {
    const urls = previews.current;
    return () => {
      for (const url of urls) URL.revokeObjectURL(url);
    };
  }, []);

  const pending = useCallback(
    (field: string, fileName: string, preview: string | null) => {
      setByField((all) => ({
        ...all,
        [field]: {
          id: "",
          fileName,
          state: "queued",
          preview,
          sent: 0,
          total: 0,
          metadataRemoved: false,
          error: null,
          storageProblem: false,
        },
      }));
      onValue(field, "");
    },
    [onValue],
  );

  const track = useCallback(
    (field: string, ticket: UploadTicket, preview: string | null) => {
      fieldOf.current.set(ticket.id, field);
      setByField((all) => ({ ...all, [field]: fromTicket(ticket, preview) }));
      onValue(field, ticket.inputValue);
      const seen = lastProgress.current.get(ticket.id);
      if (seen && !TERMINAL.has(ticket.state)) applyProgress(field, seen);
    },
    [onValue, applyProgress],
  );

  const refused = useCallback((field: string, fileName: string, error: unknown) => {
    const e = BackendError.from(error);
    setByField((all) => ({
      ...all,
      [field]: {
        ...(all[field] ?? fromTicket(emptyTicket(fileName), null)),
        state: "failed",
        error: e.message || e.detail,
        // "conflict": no storage is set up for this workspace.
        storageProblem: e.kind === "conflict" || e.kind === "storage",
      },
    }));
  }, []);

  const addFile = useCallback(
    (field: string, file: File) => {
      const preview = objectUrl(file);
      if (preview) previews.current.add(preview);
      const name = file.name || "pasted-image.png";
      pending(field, name, preview);
      void readDataUrl(file)
        .then((data) => backend.uploadFileBytes(name, data))
        .then(
          (ticket) => track(field, ticket, preview),
          (error: unknown) => refused(field, name, error),
        );
    },
    [backend, pending, track, refused],
  );

  const choose = useCallback(
    (field: string) => {
      void backend.chooseUploadFile().then(
        (ticket) => {
          if (ticket) track(field, ticket, null);
        },
        (error: unknown) => refused(field, "", error),
      );
    },
    [backend, track, refused],
  );

  const addOutput = useCallback(
    (field: string, output: DraggedOutput) => {
      const thumb = backend.mediaUrl(output.localId, output.index, "thumb");
      pending(field, "", thumb);
      void backend.inputFromOutput(output.localId, output.index).then(
        (answer) => {
          if (answer.upload) {
            track(field, answer.upload, thumb);
            return;
          }
          setByField((all) => ({
            ...all,
            [field]: { ...fromTicket(emptyTicket(""), thumb), state: "done" },
          }));
          onValue(field, answer.value);
        },
        (error: unknown) => refused(field, "", error),
      );
    },
    [backend, pending, track, refused, onValue],
  );

  const adopt = useCallback(
    (field: string, uploadId: string) => {
      pending(field, "", null);
      void backend.uploadStatus(uploadId).then(
        (ticket) => track(field, ticket, null),
        (error: unknown) => refused(field, "", error),
      );
    },
    [backend, pending, track, refused],
  );

  const clear = useCallback((field: string) => {
    setByField((all) => {
      const next = { ...all };
      delete next[field];
      return next;
    });
  }, []);

  return useMemo(() => {
    const photos = Object.entries(byField);
    return {
      byField,
      busy: photos.some(([, p]) => !TERMINAL.has(p.state)),
      failed: photos.filter(([, p]) => p.state === "failed").map(([f]) => f),
      addFile,
      choose,
      addOutput,
      adopt,
      clear,
    };
  }, [byField, addFile, choose, addOutput, adopt, clear]);
}

function emptyTicket(fileName: string): UploadTicket {
  return {
    id: "",
    fileName,
    state: "queued",
    inputValue: "",
    preview: null,
    metadataRemoved: false,
    link: null,
    error: null,
  };
}

/** The file as a data: URL: one JSON string over IPC (far cheaper than an array of numbers). */
function readDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error("could not read the file"));
    reader.readAsDataURL(file);
  });
}
