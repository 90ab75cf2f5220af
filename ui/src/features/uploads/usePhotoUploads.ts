// The photos of one form: per url field, the upload in flight (or done, or failed), its local
// preview and progress. Uploads run in Rust; the field's value becomes the link once it is ready.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { BackendError } from "../../lib/backend";
import { useBackend } from "../../lib/backend/context";
import type { DraggedOutput, UploadProgress, UploadTicket } from "../../lib/backend/types";

export interface FieldPhoto {
  ticket: UploadTicket;
  /** Shown at once: an object URL of the dropped file, or Rust's thumbnail. */
  preview: string | null;
  sent: number;
  total: number;
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
  clear: (field: string) => void;
}

const TERMINAL = new Set(["done", "failed"]);

function objectUrl(file: File): string | null {
  return typeof URL.createObjectURL === "function" ? URL.createObjectURL(file) : null;
}

function failedTicket(fileName: string, error: unknown): UploadTicket {
  const e = BackendError.from(error);
  return {
    id: `failed-${Date.now()}`,
    fileName,
    state: "failed",
    link: null,
    metadataRemoved: false,
    thumbnail: null,
    error: e.message,
    errorKind: e.kind === "storage" ? "storage" : "other",
  };
}

export function usePhotoUploads(onLink: (field: string, link: string) => void): PhotoUploads {
  const backend = useBackend();
  const [byField, setByField] = useState<Record<string, FieldPhoto>>({});
  // Progress may arrive before the ticket (events race the command's answer): keep the last.
  const lastProgress = useRef(new Map<string, UploadProgress>());
  const fieldOf = useRef(new Map<string, string>());
  const onLinkRef = useRef(onLink);
  useEffect(() => {
    onLinkRef.current = onLink;
  }, [onLink]);
  const previews = useRef(new Set<string>());

  const settle = useCallback(
    (id: string) => {
      void backend
        .uploadStatus(id)
        .catch((error: unknown) => failedTicket("", error))
        .then((ticket) => {
          const field = fieldOf.current.get(id);
          if (!field) return;
          setByField((all) => {
            const current = all[field];
            if (!current || current.ticket.id !== id) return all;
            const merged = { ...ticket, fileName: ticket.fileName || current.ticket.fileName };
            return { ...all, [field]: { ...current, ticket: merged, sent: current.total } };
          });
          if (ticket.state === "done" && ticket.link) onLinkRef.current(field, ticket.link);
        });
    },
    [backend],
  );

  useEffect(
    () =>
      backend.onUploadProgress((p) => {
        lastProgress.current.set(p.id, p);
        const field = fieldOf.current.get(p.id);
        if (!field) return;
        setByField((all) => {
          const current = all[field];
          if (!current || current.ticket.id !== p.id) return all;
          const state = p.stage === "done" ? "uploading" : p.stage; // "done" once the link is in
          return {
            ...all,
            [field]: {
              ...current,
              ticket: { ...current.ticket, state },
              sent: p.sent,
              total: p.total,
            },
          };
        });
        if (TERMINAL.has(p.stage)) settle(p.id);
      }),
    [backend, settle],
  );

  useEffect(() => {
    const urls = previews.current;
    return () => {
      for (const url of urls) URL.revokeObjectURL(url);
    };
  }, []);

  const track = useCallback(
    (field: string, ticket: UploadTicket, preview: string | null, total: number) => {
      fieldOf.current.set(ticket.id, field);
      setByField((all) => ({
        ...all,
        [field]: { ticket, preview: preview ?? ticket.thumbnail, sent: 0, total },
      }));
      if (ticket.state === "done" && ticket.link) {
        onLinkRef.current(field, ticket.link);
        return;
      }
      const seen = lastProgress.current.get(ticket.id);
      if (ticket.state !== "failed" && seen && TERMINAL.has(seen.stage)) settle(ticket.id);
    },
    [settle],
  );

  const begin = useCallback(
    (field: string, fileName: string, preview: string | null, total: number) => {
      const pending: UploadTicket = {
        id: `pending-${field}-${Date.now()}`,
        fileName,
        state: "preparing",
        link: null,
        metadataRemoved: false,
        thumbnail: null,
        error: null,
        errorKind: null,
      };
      setByField((all) => ({ ...all, [field]: { ticket: pending, preview, sent: 0, total } }));
      onLinkRef.current(field, "");
    },
    [],
  );

  const addFile = useCallback(
    (field: string, file: File) => {
      const preview = objectUrl(file);
      if (preview) previews.current.add(preview);
      const name = file.name || "pasted-image.png";
      begin(field, name, preview, file.size);
      void readBytes(file)
        .then((bytes) => backend.uploadFileBytes(name, bytes))
        .then(
          (ticket) => track(field, ticket, preview, file.size),
          (error: unknown) => track(field, failedTicket(name, error), preview, file.size),
        );
    },
    [backend, begin, track],
  );

  const choose = useCallback(
    (field: string) => {
      void backend.chooseUploadFile().then(
        (ticket) => {
          if (ticket) track(field, ticket, null, 0);
        },
        (error: unknown) => track(field, failedTicket("", error), null, 0),
      );
    },
    [backend, track],
  );

  const addOutput = useCallback(
    (field: string, output: DraggedOutput) => {
      const thumb = backend.mediaUrl(output.localId, output.index, "thumb");
      begin(field, "", thumb, 0);
      void backend.inputFromOutput(output.localId, output.index).then(
        (ticket) => track(field, ticket, thumb, 0),
        (error: unknown) => track(field, failedTicket("", error), thumb, 0),
      );
    },
    [backend, begin, track],
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
      busy: photos.some(([, p]) => !TERMINAL.has(p.ticket.state)),
      failed: photos.filter(([, p]) => p.ticket.state === "failed").map(([f]) => f),
      addFile,
      choose,
      addOutput,
      clear,
    };
  }, [byField, addFile, choose, addOutput, clear]);
}

/** The file's bytes (File.arrayBuffer where the web view has it, FileReader otherwise). */
async function readBytes(file: Blob): Promise<Uint8Array> {
  if (typeof file.arrayBuffer === "function") return new Uint8Array(await file.arrayBuffer());
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error("could not read the file"));
    reader.readAsArrayBuffer(file);
  });
}
