import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useBackend } from "../../lib/backend/context";
import type { App, BatchFolder } from "../../lib/backend/types";
import { friendlyError } from "../../lib/errors";

/** "One image per photo in a folder": the folder is chosen in the system's dialog (opened by
 * Rust; the window gets the photos' names and a token, never the folder's path), and the table
 * fills with one row per photo for the chosen photo field. */
export function FolderPicker({
  app,
  onLoaded,
}: {
  app: App;
  onLoaded: (folder: BatchFolder) => void;
}) {
  const { t } = useTranslation("batch");
  const backend = useBackend();
  const photoFields = app.parameters.filter((p) => p.type === "url");
  const [field, setField] = useState(photoFields.find((p) => p.required)?.name ?? "");
  const [folder, setFolder] = useState<BatchFolder | null>(null);
  const [error, setError] = useState<unknown>(null);
  if (photoFields.length === 0) return null;
  const chosen = field || photoFields[0]!.name;

  const pick = async () => {
    setError(null);
    try {
      const picked = await backend.pickBatchFolder(chosen);
      if (!picked) return;
      setFolder(picked);
      if (picked.photos > 0) onLoaded(picked);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div className="batch-folder" data-testid="batch-folder">
      <p className="field-label">{t("folder.title")}</p>
      <p className="field-help">{t("folder.help")}</p>
      <div className="batch-folder-row">
        {photoFields.length > 1 && (
          <label className="batch-folder-field">
            <span>{t("folder.fieldLabel")}</span>
            <select
              className="input select"
              data-testid="batch-folder-field"
              value={chosen}
              onChange={(e) => setField(e.target.value)}
            >
              {photoFields.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button
          type="button"
          className="btn btn-small"
          data-testid="batch-pick-folder"
          onClick={() => void pick()}
        >
          {t("folder.choose")}
        </button>
      </div>
      {folder && (
        <p className="batch-file" data-testid="batch-folder-loaded">
          {folder.photos > 0
            ? t("folder.loaded", { count: folder.photos, name: folder.name })
            : t("folder.none", { name: folder.name })}
        </p>
      )}
      {folder && folder.skipped.length > 0 && (
        <details className="batch-folder-skipped" data-testid="batch-folder-skipped">
          <summary>{t("folder.skipped", { count: folder.skipped.length })}</summary>
          <ul>
            {folder.skipped.map((s) => (
              <li key={s.name}>{t("folder.skippedItem", { name: s.name, reason: s.reason })}</li>
            ))}
          </ul>
        </details>
      )}
      {error !== null && (
        <p className="inline-error" role="alert">
          {friendlyError(error).message}
        </p>
      )}
    </div>
  );
}
