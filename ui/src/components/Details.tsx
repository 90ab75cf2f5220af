import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { ChevronDownIcon, ChevronUpIcon } from "./Icons";

/** "Details" disclosure: the raw, technical text behind a friendly message. */
export function Details({ text, label }: { text: string; label?: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const id = useId();
  if (text.trim() === "") return null;
  return (
    <div className="details">
      <button
        type="button"
        className="details-toggle"
        data-testid="details-toggle"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        {label ?? t("details")}
        {open ? <ChevronUpIcon size={14} /> : <ChevronDownIcon size={14} />}
      </button>
      {open && (
        <pre id={id} className="details-text" data-testid="details">
          {text}
        </pre>
      )}
    </div>
  );
}
