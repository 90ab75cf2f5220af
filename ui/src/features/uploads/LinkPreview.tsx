// The preview of a pasted image link. The web view loads nothing remote (SECURITY.md: the CSP has
// no https: image source), so Rust fetches a small thumbnail (`link_preview`) and hands back a
// data: URL; the memory backend draws its own stand-ins synchronously (`previewSrc`).
import { useQuery } from "@tanstack/react-query";
import { BackendError } from "../../lib/backend";
import { useBackend } from "../../lib/backend/context";
import type { AppErrorKind } from "../../lib/backend/types";
import { friendlyError } from "../../lib/errors";
import { useDebounced } from "../../lib/useDebounced";
import { LinkThumb } from "./PhotoField";

/** Answers that refuse the link itself (not a web address, a local address, not a picture). */
const REFUSED = new Set<AppErrorKind>(["forbidden", "invalidInput"]);

export function LinkPreview({
  url,
  alt,
  previewSrc,
}: {
  url: string;
  alt: string;
  previewSrc: (url: string) => string | null;
}) {
  const backend = useBackend();
  const local = previewSrc(url);
  const settled = useDebounced(url, 300);
  const remote = useQuery({
    queryKey: ["linkPreview", settled],
    queryFn: () => backend.linkPreview(settled),
    enabled: local === null && settled === url,
    retry: false,
    staleTime: Infinity,
  });
  if (local !== null) return <LinkThumb src={local} alt={alt} />;
  if (remote.isPending) return null;
  // A refused address says why in Rust's words; a link that merely failed to load keeps the
  // plain "no preview" (Lamina may still reach what this computer could not).
  const refused =
    remote.isError && REFUSED.has(BackendError.from(remote.error).kind)
      ? friendlyError(remote.error).message
      : null;
  return <LinkThumb src={remote.data?.thumbnail ?? null} alt={alt} reason={refused} />;
}
