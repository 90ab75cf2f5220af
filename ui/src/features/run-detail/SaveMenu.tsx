import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { usePopover } from "../../components/usePopover";
import type { ExportFormat } from "../../lib/backend/types";
import { useSaveOutputs } from "../../lib/run-actions";
import { usePrefs } from "../../lib/store";

type FormatName = ExportFormat["format"];

const FORMATS: readonly FormatName[] = ["png", "jpeg", "webp", "original"];

function toFormat(name: FormatName, quality: number): ExportFormat {
  return name === "jpeg" || name === "webp" ? { format: name, quality } : { format: name };
}

/** "Save…" with a small menu: format (PNG / JPEG / WebP / Original) and quality, then the
 *  native save dialog (one image: "Save as"; several: a folder). */
export function SaveMenu({
  localId,
  indexes,
  testId,
  placement = "down",
  className = "btn",
  children,
}: {
  localId: string;
  indexes: number[];
  testId: string;
  placement?: "up" | "down";
  className?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation("runDetail");
  const { open, setOpen, close, id, anchorProps, triggerProps } = usePopover();
  const preferred = usePrefs((s) => s.exportFormat);
  const setPreferred = usePrefs((s) => s.setExportFormat);
  const [name, setName] = useState<FormatName>(preferred.format);
  const [quality, setQuality] = useState("quality" in preferred ? preferred.quality : 90);
  const save = useSaveOutputs();
  const confirm = () => {
    const format = toFormat(name, quality);
    setPreferred(format);
    save.mutate({ localId, indexes, format });
    close();
  };
  const lossy = name === "jpeg" || name === "webp";
  const many = indexes.length > 1;

  return (
    <div {...anchorProps}>
      <button
        {...triggerProps}
        type="button"
        className={className}
        data-testid={testId}
        disabled={save.isPending || indexes.length === 0}
        onClick={() => {
          // Each opening starts from the format chosen last (in any Save menu).
          if (!open) {
            setName(preferred.format);
            if ("quality" in preferred) setQuality(preferred.quality);
          }
          setOpen(!open);
        }}
      >
        {children}
      </button>
      {open && (
        <div
          id={id}
          className={`popover popover-${placement}`}
          role="dialog"
          aria-label={many ? t("save.menuMany", { count: indexes.length }) : t("save.menuOne")}
          data-testid="save-menu"
        >
          <div className="segmented" role="radiogroup" aria-label={t("save.format")}>
            {FORMATS.map((f) => (
              <button
                key={f}
                type="button"
                role="radio"
                className="segment"
                aria-checked={name === f}
                data-testid={`save-format-${f}`}
                autoFocus={name === f}
                onClick={() => setName(f)}
              >
                {t(`save.formats.${f}`)}
              </button>
            ))}
          </div>
          <p className="popover-hint">{t(`save.hints.${name}`)}</p>
          {lossy && (
            <label className="quality-field">
              <span>{t("save.quality")}</span>
              <input
                type="range"
                min={40}
                max={100}
                step={1}
                value={quality}
                data-testid="save-quality"
                onChange={(e) => setQuality(Number(e.target.value))}
              />
              <output>{quality}</output>
            </label>
          )}
          <button
            type="button"
            className="btn btn-primary btn-block"
            data-testid="save-confirm"
            onClick={confirm}
          >
            {many ? t("save.confirmMany", { count: indexes.length }) : t("save.confirmOne")}
          </button>
        </div>
      )}
    </div>
  );
}
