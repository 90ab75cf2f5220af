import type { Inputs } from "../../lib/backend/types";

function isLink(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/** A link as its file name: "https://x.com/a/front.png?x=1" → "front.png". */
export function shortLink(value: string): string {
  try {
    const url = new URL(value);
    const name = url.pathname.split("/").filter(Boolean).pop();
    return name ? decodeURIComponent(name) : url.host;
  } catch {
    return value;
  }
}

/** One line for a list row: free text first (the prompt), then the choices, then links. */
export function inputsSummary(inputs: Inputs): string {
  const entries = Object.entries(inputs).filter(
    (e): e is [string, string] => typeof e[1] === "string" && e[1].trim() !== "",
  );
  const rank = ([, v]: [string, string]) => (isLink(v) ? 2 : v.length > 20 ? 0 : 1);
  return [...entries]
    .sort((a, b) => rank(a) - rank(b))
    .map(([, v]) => (isLink(v) ? shortLink(v) : v.replace(/\s+/g, " ")))
    .join(" · ");
}
