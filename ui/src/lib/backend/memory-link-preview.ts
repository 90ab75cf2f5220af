// Link previews in the in-memory backend: the same refusals as the Rust side (only http/https,
// no local or private addresses), and a drawn stand-in instead of a download.
import { SAMPLE, appError, placeholderImage } from "./memory-demo";
import type { LinkPreview } from "./types";

/** Hosts the Rust side refuses without a request (a representative subset, for UI tests). */
function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return (
    h === "localhost" ||
    h.endsWith(".localhost") ||
    h === "::1" ||
    h === "0.0.0.0" ||
    /^127\./.test(h) ||
    /^10\./.test(h) ||
    /^192\.168\./.test(h) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(h) ||
    /^169\.254\./.test(h) ||
    /^f[cd][0-9a-f]{2}:/.test(h) ||
    /^fe80:/.test(h)
  );
}

export function memoryLinkPreview(url: string): LinkPreview {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    parsed = new URL("invalid:");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw appError({
      kind: "invalidInput",
      message: "That isn't a web address (it should start with http:// or https://).",
      detail: `not http(s): ${url}`,
    });
  }
  if (!url.startsWith(`${SAMPLE}/`) && isPrivateHost(parsed.hostname)) {
    throw appError({
      kind: "forbidden",
      message: "That address points inside this computer or its network, so no preview is shown.",
      detail: `refused address ${parsed.hostname}`,
    });
  }
  const width = 480;
  const height = 640;
  return {
    thumbnail: placeholderImage(url, parsed.pathname.split("/").pop() || "Photo", 192, 256).url,
    width,
    height,
    contentType: "image/png",
  };
}
