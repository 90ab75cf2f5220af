import { useEffect, useState } from "react";
import { useBackend } from "../lib/backend/context";
import { CheckIcon, CopyIcon } from "./Icons";

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const backend = useBackend();
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(null), 1600);
    return () => clearTimeout(t);
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
      {copied === "yes" ? "Copied" : copied === "failed" ? "Couldn't copy" : label}
    </button>
  );
}
