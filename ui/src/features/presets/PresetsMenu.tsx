import * as Dialog from "@radix-ui/react-dialog";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { ChevronDownIcon, CloseIcon, EditIcon } from "../../components/Icons";
import { usePopover } from "../../components/usePopover";
import { BackendError } from "../../lib/backend";
import type { App, AppliedPreset, Inputs, Preset } from "../../lib/backend/types";
import { toast } from "../../lib/toasts";
import { inputsSummary } from "../runs/summary";
import { PresetNameDialog } from "./PresetNameDialog";
import { usePresetActions, usePresets } from "./queries";
import "./presets.css";

type Dialogs =
  { kind: "save" } | { kind: "rename"; preset: Preset } | { kind: "delete"; preset: Preset } | null;

/**
 * "Presets" above an app's form: save the form as a named preset, apply one (what no longer fits
 * the app is listed, the rest applied), save the form into one, rename, delete (confirmed).
 */
export function PresetsMenu({
  app,
  values,
  onApply,
}: {
  app: App;
  /** The form as it is now. */
  values: Readonly<Record<string, string>>;
  /** Fill the form with these values (parameters not listed take their defaults). */
  onApply: (values: Inputs) => void;
}) {
  const { t } = useTranslation("presets");
  const { t: tc } = useTranslation("common");
  const presets = usePresets(app.appId);
  const actions = usePresetActions(app.appId);
  const { open, setOpen, close, id: menuId, anchorProps, triggerProps } = usePopover();
  const [dialog, setDialog] = useState<Dialogs>(null);
  const [applied, setApplied] = useState<AppliedPreset | null>(null);
  const fail = (error: unknown) => toast(BackendError.from(error).message, "error");
  const inputs = (): Inputs => ({ ...values });

  const apply = (preset: Preset) => {
    close();
    actions.apply.mutate(preset.presetId, {
      onSuccess: (result) => {
        onApply(result.values);
        setApplied(result.issues.length > 0 ? result : null);
        toast(t("toast.applied", { name: result.preset.name }));
      },
      onError: fail,
    });
  };
  const update = (preset: Preset) => {
    close();
    actions.update.mutate(
      { presetId: preset.presetId, inputs: inputs() },
      { onSuccess: (p) => toast(t("toast.updated", { name: p.name })), onError: fail },
    );
  };

  const list = presets.data ?? [];
  return (
    <div className="presets" data-testid="presets">
      <div {...anchorProps}>
        <button
          {...triggerProps}
          type="button"
          className="btn btn-small"
          data-testid="presets-open"
          onClick={() => setOpen(!open)}
        >
          {t("menu.button")}
          {list.length > 0 && <span className="presets-count">{list.length}</span>}
          <ChevronDownIcon size={14} />
        </button>
        {open && (
          <div
            id={menuId}
            className="popover popover-down presets-popover"
            role="dialog"
            aria-label={t("menu.label", { app: app.name })}
            data-testid="presets-menu"
          >
            {presets.isError ? (
              <p className="popover-hint">{t("menu.loadFailed")}</p>
            ) : list.length === 0 ? (
              <p className="popover-hint" data-testid="presets-empty">
                {t("menu.empty")}
              </p>
            ) : (
              <ul className="presets-list">
                {list.map((preset) => (
                  <PresetRow
                    key={preset.presetId}
                    preset={preset}
                    onApply={() => apply(preset)}
                    onRename={() => {
                      setOpen(false);
                      setDialog({ kind: "rename", preset });
                    }}
                    onUpdate={() => update(preset)}
                    onDelete={() => {
                      setOpen(false);
                      setDialog({ kind: "delete", preset });
                    }}
                  />
                ))}
              </ul>
            )}
            <button
              type="button"
              className="btn btn-block"
              data-testid="preset-save-as"
              autoFocus={list.length === 0}
              onClick={() => {
                setOpen(false);
                setDialog({ kind: "save" });
              }}
            >
              {t("menu.saveAs")}
            </button>
          </div>
        )}
      </div>

      {applied && <PresetIssues applied={applied} onDismiss={() => setApplied(null)} />}

      {(dialog?.kind === "save" || dialog?.kind === "rename") && (
        <PresetNameDialog
          open
          onOpenChange={(o) => !o && setDialog(null)}
          title={t(dialog?.kind === "rename" ? "nameDialog.renameTitle" : "nameDialog.saveTitle")}
          description={
            dialog?.kind === "rename"
              ? t("nameDialog.renameDescription", { name: dialog.preset.name })
              : t("nameDialog.saveDescription", { app: app.name })
          }
          confirmLabel={t(dialog?.kind === "rename" ? "nameDialog.rename" : "nameDialog.save")}
          initialName={dialog?.kind === "rename" ? dialog.preset.name : ""}
          onConfirm={async (name) => {
            if (dialog?.kind === "rename") {
              const p = await actions.rename.mutateAsync({
                presetId: dialog.preset.presetId,
                name,
              });
              toast(t("toast.renamed", { name: p.name }));
            } else {
              const p = await actions.save.mutateAsync({ name, inputs: inputs() });
              toast(t("toast.saved", { name: p.name }));
            }
          }}
        />
      )}

      <Dialog.Root open={dialog?.kind === "delete"} onOpenChange={(o) => !o && setDialog(null)}>
        <Dialog.Portal>
          <Dialog.Overlay className="preset-overlay" />
          <Dialog.Content className="preset-dialog" data-testid="preset-delete-dialog">
            <Dialog.Title className="preset-dialog-title">
              {t("deleteDialog.title", {
                name: dialog?.kind === "delete" ? dialog.preset.name : "",
              })}
            </Dialog.Title>
            <Dialog.Description className="preset-dialog-text">
              {t("deleteDialog.description")}
            </Dialog.Description>
            <div className="preset-dialog-actions">
              <Dialog.Close className="btn">{tc("actions.cancel")}</Dialog.Close>
              <button
                type="button"
                className="btn btn-danger"
                data-testid="preset-delete-confirm"
                onClick={() => {
                  if (dialog?.kind !== "delete") return;
                  const { preset } = dialog;
                  setDialog(null);
                  actions.remove.mutate(preset.presetId, {
                    onSuccess: (p) => toast(t("toast.deleted", { name: p.name })),
                    onError: fail,
                  });
                }}
              >
                {t("deleteDialog.confirm")}
              </button>
            </div>
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>
    </div>
  );
}

function PresetRow({
  preset,
  onApply,
  onRename,
  onUpdate,
  onDelete,
}: {
  preset: Preset;
  onApply: () => void;
  onRename: () => void;
  onUpdate: () => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation("presets");
  const [more, setMore] = useState(false);
  const summary = inputsSummary(preset.inputs);
  return (
    <li className="presets-item" data-testid="preset-item" data-name={preset.name}>
      <div className="presets-item-row">
        <button
          type="button"
          className="presets-apply"
          data-testid="preset-apply"
          aria-label={t("menu.apply", { name: preset.name })}
          onClick={onApply}
        >
          <span className="presets-name">{preset.name}</span>
          {summary && <span className="presets-summary">{summary}</span>}
        </button>
        <button
          type="button"
          className="icon-btn"
          data-testid="preset-more"
          aria-label={t("menu.more", { name: preset.name })}
          aria-expanded={more}
          onClick={() => setMore(!more)}
        >
          <EditIcon size={14} />
        </button>
      </div>
      {more && (
        <div className="presets-item-actions">
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="preset-update"
            onClick={onUpdate}
          >
            {t("menu.update")}
          </button>
          <button
            type="button"
            className="btn btn-small btn-ghost"
            data-testid="preset-rename"
            onClick={onRename}
          >
            {t("menu.rename")}
          </button>
          <button
            type="button"
            className="btn btn-small btn-danger-ghost"
            data-testid="preset-delete"
            onClick={onDelete}
          >
            {t("menu.delete")}
          </button>
        </div>
      )}
    </li>
  );
}

/** What of an applied preset no longer fits the app, field by field. */
function PresetIssues({ applied, onDismiss }: { applied: AppliedPreset; onDismiss: () => void }) {
  const { t } = useTranslation("presets");
  return (
    <div className="preset-issues" role="status" data-testid="preset-issues">
      <div className="preset-issues-head">
        <strong>{t("issues.title", { name: applied.preset.name })}</strong>
        <button
          type="button"
          className="icon-btn"
          aria-label={t("issues.dismiss")}
          onClick={onDismiss}
        >
          <CloseIcon size={14} />
        </button>
      </div>
      <ul>
        {applied.issues.map((issue) => (
          <li
            key={issue.field}
            data-testid="preset-issue"
            data-field={issue.field}
            data-kind={issue.kind}
          >
            {t("issues.line", { field: issue.field, reason: issue.reason })}{" "}
            <span className="preset-issue-outcome">
              ({t(issue.applied ? "issues.applied" : "issues.skipped")})
            </span>
          </li>
        ))}
      </ul>
      <p className="preset-issues-lead">{t("issues.lead")}</p>
    </div>
  );
}
