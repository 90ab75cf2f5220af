import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useBackend } from "../lib/backend/context";
import { CheckIcon, CopyIcon } from "./Icons";

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useTranslation();
  const backend = useBackend();
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 1600);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className="btn btn-ghost btn-small"
      onClick={() => {
        backend
          .copyText(text)
          .then(() => setCopied("yes"))
          .catch(() => setCopied("failed"));
      }}
    >
      {copied === "yes" ? <CheckIcon size={14} /> : <CopyIcon size={14} />}
      {copied === "yes"
        ? t("copy.done")
        : copied === "failed"
          ? t("copy.failed")
          : (label ?? t("actions.copy"))}
    </button>
  );
}
