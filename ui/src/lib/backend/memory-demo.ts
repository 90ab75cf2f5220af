// The in-memory workspace's content: the demo catalog, and the helpers that make its results
// (SVG placeholder images, product copy). Only the memory backend uses this.
import { BackendError } from "./index";
import type { App, AppError, Inputs, Parameter } from "./types";

export interface MemoryOutputDef {
  label: string;
  type: "image" | "text";
  /** Shape used when the run has no "Aspect Ratio" input. */
  ratio: string;
  /** This output fails with the given message (the run still completes). */
  failsWith?: string;
}

export interface MemoryAppDef {
  app: App;
  isPublic: boolean;
  outputs: MemoryOutputDef[];
  /** The whole run fails with this raw message. */
  failsWith?: string;
}

export const RATIOS = ["1:1", "4:3", "3:4", "16:9", "9:16"];
export const SAMPLE = "https://example.com/lamina-samples";

// Absent keys rather than nulls: the service omits what it does not set.
function text(name: string, required: boolean): Parameter {
  return { name, type: "text", required, options: [], accept: [] };
}
function options(name: string, choices: string[], def: string): Parameter {
  return { name, type: "options", required: true, options: choices, default: def, accept: [] };
}
function imageUrl(name: string, required: boolean, def?: string): Parameter {
  const p: Parameter = { name, type: "url", required, options: [], accept: ["image"] };
  return def === undefined ? p : { ...p, default: def };
}
function image(label: string, ratio: string, failsWith?: string): MemoryOutputDef {
  return failsWith ? { label, type: "image", ratio, failsWith } : { label, type: "image", ratio };
}

/** The demo catalog: the same apps as the Rust sandbox's demo workspace. */
export const DEMO_APPS: MemoryAppDef[] = [
  {
    app: {
      appId: "hero-image",
      name: "Hero Image",
      description:
        "Turn a one-line idea into a polished hero shot for your storefront banner or product page. Optionally add a reference photo to match your product's look.",
      parameters: [
        text("Prompt", true),
        options("Aspect Ratio", RATIOS, "1:1"),
        imageUrl("Reference Image", false),
      ],
    },
    isPublic: true,
    outputs: [image("Hero Image", "1:1")],
  },
  {
    app: {
      appId: "full-set-catalog",
      name: "Full Set Catalog Generation",
      description:
        "Upload a front and a back photo of a garment and get a consistent four-shot catalog set (front, back, detail close-up and lifestyle) on the background and style of your choice.",
      parameters: [
        imageUrl("Front Image", true, `${SAMPLE}/front.png`),
        imageUrl("Back Image", true, `${SAMPLE}/back.png`),
        options("Background", ["Studio", "Urban", "Park"], "Studio"),
        options("Style", ["Clean", "Editorial", "Warm"], "Clean"),
        options("Aspect Ratio", RATIOS, "3:4"),
      ],
    },
    isPublic: false,
    outputs: ["Front", "Back", "Detail", "Lifestyle"].map((l) => image(l, "3:4")),
  },
  {
    app: {
      appId: "lifestyle-scene",
      name: "Lifestyle Scene",
      description:
        "Place your product in a believable everyday setting. Three passes (composition, lighting, final render) take about a minute, so it's ideal for queuing up and coming back to.",
      parameters: [
        text("Prompt", true),
        options("Setting", ["Living Room", "Kitchen", "Outdoor Café", "Beach"], "Living Room"),
      ],
    },
    isPublic: false,
    outputs: ["Scene Composition", "Lighting Pass", "Final Render"].map((l) => image(l, "16:9")),
  },
  {
    app: {
      appId: "virtual-try-on",
      name: "Virtual Try-On",
      description:
        "Show a garment on a model photo without a photo shoot. Provide a model photo and a flat-lay of the garment.",
      parameters: [
        imageUrl("Model Image", true, `${SAMPLE}/person.png`),
        imageUrl("Garment Image", true, `${SAMPLE}/garment.png`),
      ],
    },
    isPublic: false,
    outputs: [image("Try-On Result", "3:4")],
    failsWith: "Model capacity exceeded, please retry later",
  },
  {
    app: {
      appId: "social-ad-pack",
      name: "Social Ad Pack",
      description:
        "Three ready-to-post ad creatives for one product: a square feed post, a vertical story and a wide banner, in the tone you choose.",
      parameters: [
        text("Product Description", true),
        options("Tone", ["Playful", "Premium", "Minimal"], "Premium"),
      ],
    },
    isPublic: true,
    outputs: [
      image("Feed Post", "1:1"),
      image("Story", "9:16", "Safety filter blocked the story layout; try a different description"),
      image("Banner", "16:9"),
    ],
  },
  {
    app: {
      appId: "product-copy",
      name: "Product Copy",
      description:
        "Write a product description for your listing from the product name and a few key features, in your brand's tone.",
      parameters: [
        text("Product Name", true),
        text("Key Features", false),
        options("Tone", ["Friendly", "Luxury", "Technical"], "Friendly"),
      ],
    },
    isPublic: true,
    outputs: [{ label: "Product Description", type: "text", ratio: "1:1" }],
  },
];

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** `fields` is always present, as the Rust side always sends it. */
export function appError(
  error: Omit<AppError, "fields"> & { fields?: AppError["fields"] },
): BackendError {
  return new BackendError({ ...error, fields: error.fields ?? [] } as AppError);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function sizeFor(ratio: string): { width: number; height: number } {
  const [w, h] = ratio.split(":").map(Number);
  if (!w || !h) return { width: 768, height: 768 };
  const long = 768;
  return w >= h
    ? { width: long, height: Math.round((long * h) / w) }
    : { width: Math.round((long * w) / h), height: long };
}

/** A soft gradient card with the output's label: a stand-in for a generated image. */
export function placeholderImage(seed: string, label: string, width: number, height: number) {
  const hue = hash(seed) % 360;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
    `<stop offset="0" stop-color="hsl(${hue},70%,78%)"/><stop offset="1" stop-color="hsl(${(hue + 50) % 360},60%,48%)"/>` +
    `</linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>` +
    `<circle cx="${width * 0.62}" cy="${height * 0.42}" r="${Math.min(width, height) * 0.22}" fill="rgba(255,255,255,0.35)"/>` +
    `<rect x="${width * 0.18}" y="${height * 0.55}" width="${width * 0.34}" height="${height * 0.22}" rx="12" fill="rgba(255,255,255,0.28)"/>` +
    `<text x="24" y="${height - 28}" font-family="system-ui, sans-serif" font-size="${Math.round(Math.min(width, height) / 18)}" fill="white">${escapeXml(label)}</text>` +
    `</svg>`;
  const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  return { url, bytes: svg.length };
}

export function productCopy(inputs: Inputs): string {
  const name = inputs["Product Name"] ?? "Your product";
  const features = inputs["Key Features"];
  const tone = inputs["Tone"] ?? "Friendly";
  const opening =
    tone === "Luxury"
      ? `Crafted for those who notice the details, ${name} brings quiet refinement to every day.`
      : tone === "Technical"
        ? `${name}: engineered for reliable, everyday performance.`
        : `Meet ${name}, the little upgrade your day has been waiting for.`;
  return features ? `${opening}\n\nWhat you'll love: ${features}.` : opening;
}
