// "Describe what you need" and publishing in the in-memory workspace: a brief picks one of the
// demo apps from its words and platform, fills its inputs and starts an ordinary run; two demo
// channels take posts. Test hooks: `offered` (false: the service has none of it), `loseNextAnswer`
// (the next publish's answer is lost in transit: "unconfirmed" until the history settles it),
// `publishRequests` (how many publishes were sent) and `opened` (post links opened).
import { appError, clone, hash } from "./memory-demo";
import type {
  App,
  BrandView,
  ChannelView,
  ContentBrief,
  ContentRunView,
  ContentScores,
  DescribeBatchItem,
  Inputs,
  PublishView,
  PublishingHistory,
  RunRecord,
  TemplateView,
} from "./types";

export interface ContentDeps {
  app: (appId: string) => App;
  startRun: (appId: string, inputs: Inputs) => Promise<RunRecord>;
  run: (localId: string) => RunRecord | undefined;
  baseUrl: () => string;
  sleep: (ms: number) => Promise<void>;
  stepMs: number;
}

export const MEMORY_TEMPLATES: TemplateView[] = [
  {
    id: "tmpl-product-launch",
    name: "Product Launch Hero",
    description: "A bold hero image and a short caption to announce a new product.",
    category: "launch",
    suggestedPlatforms: ["instagram", "facebook"],
    suggestedModalities: ["image"],
    produces: [
      { role: "hero", modality: "image", description: "The product, centred, on a clean set" },
      { role: "caption", modality: "text", description: "Two lines announcing the launch" },
    ],
    directives: ["Show the product large and sharp", "One clear call to action"],
    avoid: ["busy backgrounds"],
    builtIn: true,
  },
  {
    id: "tmpl-seasonal-sale",
    name: "Seasonal Sale",
    description: "Feed post, story and banner for a limited-time offer.",
    category: "promotion",
    suggestedPlatforms: ["instagram", "tiktok", "shopify"],
    suggestedModalities: ["image"],
    produces: [
      { role: "feed", modality: "image", description: "Square post with the offer" },
      { role: "story", modality: "image", description: "Vertical story" },
      { role: "banner", modality: "image", description: "Wide store banner" },
    ],
    directives: ["Say the discount in the first words"],
    avoid: [],
    builtIn: true,
  },
  {
    id: "tmpl-listing-copy",
    name: "Listing Description",
    description: "A product description for your store listing, in your brand's voice.",
    category: "listing",
    suggestedPlatforms: ["shopify"],
    suggestedModalities: ["text"],
    produces: [{ role: "description", modality: "text", description: "Three short paragraphs" }],
    directives: ["Lead with what the customer gets"],
    avoid: ["jargon"],
    builtIn: true,
  },
];

export const MEMORY_BRAND: BrandView = {
  profileId: "brand-demo",
  name: "Demo Linen Co.",
  voice: ["warm", "plain-spoken", "confident"],
  tonePrimary: "friendly",
  toneSecondary: "premium",
  toneAvoid: ["corporate", "pushy"],
  visualIdentity: [
    { label: "Deep teal", value: "#1F4E5F", color: "#1F4E5F" },
    { label: "Linen", value: "#F2E8DA", color: "#F2E8DA" },
    { label: "Terracotta", value: "#E07A5F", color: "#E07A5F" },
    { label: "Style", value: "natural light, linen textures", color: null },
  ],
  contentPillars: ["Slow fashion", "Summer living"],
  audience: ["25–45, city dwellers"],
  guardrails: ["No discounts above 30%", "Never show a competitor's logo"],
  directives: [],
  avoid: [],
};

export const MEMORY_CHANNELS: ChannelView[] = [
  { id: "ch-demo-instagram", name: "Demo Instagram", platform: "instagram" },
  { id: "ch-demo-shopify", name: "Demo Shopify", platform: "shopify" },
];

const RATIO_FOR: Record<string, string> = { instagram: "1:1", tiktok: "9:16", shopify: "4:3" };

/** Which demo app a brief goes to, why, and the inputs it fills. */
export function chooseApp(request: ContentBrief): {
  appId: string;
  reason: string;
  inputs: Inputs;
} {
  const brief = request.brief.trim();
  const words = brief.toLowerCase();
  if (request.modality === "text" || /\b(copy|description|caption|listing text)\b/.test(words)) {
    return {
      appId: "product-copy",
      reason: "The brief asks for words, and Product Copy writes listing text.",
      inputs: { "Product Name": brief.split(/[,.]/)[0] ?? brief, Tone: "Friendly" },
    };
  }
  if (/\b(ad|ads|campaign|story|banner)\b/.test(words)) {
    return {
      appId: "social-ad-pack",
      reason: "The brief asks for ads, and Social Ad Pack makes a post, a story and a banner.",
      inputs: { "Product Description": brief, Tone: "Premium" },
    };
  }
  const ratio = RATIO_FOR[request.platform ?? ""] ?? "1:1";
  const on = request.platform ? ` for ${request.platform}` : "";
  return {
    appId: "hero-image",
    reason: `An image${on}: Hero Image turns a one-line idea into a polished product shot.`,
    inputs: { Prompt: brief, "Aspect Ratio": ratio },
  };
}

export class MemoryContent {
  /** False: the service offers none of this (every call is "unsupported"). */
  offered = true;
  /** The next publish is stored by the "service" but its answer never arrives. */
  loseNextAnswer = false;
  /** Publish requests the "service" received. */
  publishRequests = 0;
  /** Post links opened, in order. */
  readonly opened: string[] = [];
  private readonly views = new Map<string, ContentRunView>();
  private readonly publishes: PublishView[] = [];
  private readonly listeners = new Set<(publish: PublishView) => void>();
  private counter = 0;

  constructor(private readonly deps: ContentDeps) {}

  dispose(): void {
    this.listeners.clear();
  }

  private require(what: string): void {
    if (this.offered) return;
    throw appError({
      kind: "unsupported",
      message: `Your Lamina service doesn't offer ${what}. You can still pick an app from the catalog.`,
      detail: `${what}: HTTP 404 Not Found`,
    });
  }

  async create(request: ContentBrief): Promise<ContentRunView> {
    this.require("content creation");
    if (request.brief.trim() === "") {
      throw appError({
        kind: "invalidInput",
        message: "Write what you need first.",
        detail: "brief: required",
      });
    }
    await this.deps.sleep(this.deps.stepMs / 4);
    const choice = chooseApp(request);
    const inputs = { ...choice.inputs, ...request.inputs };
    const run = await this.deps.startRun(choice.appId, inputs);
    const view: ContentRunView = {
      run,
      content: {
        request: { ...request, brief: request.brief.trim() },
        reason: choice.reason,
        mappedInputs: inputs,
        scores: null,
      },
    };
    this.views.set(run.localId, view);
    return clone(view);
  }

  async batch(requests: ContentBrief[]): Promise<DescribeBatchItem[]> {
    this.require("content creation");
    if (requests.length === 0 || requests.length > 10) {
      throw appError({
        kind: "invalidInput",
        message: "Write between 1 and 10 briefs, one per line.",
        detail: `items: ${requests.length}`,
      });
    }
    const items: DescribeBatchItem[] = [];
    for (const [index, request] of requests.entries()) {
      try {
        const content = await this.create(request);
        items.push({ index, brief: request.brief, content, error: null });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        items.push({ index, brief: request.brief, content: null, error: message });
      }
    }
    return items;
  }

  async scores(localId: string): Promise<ContentScores | null> {
    this.require("content scores");
    const run = this.deps.run(localId);
    if (!run || run.status !== "completed") return null;
    const seed = hash(`${run.appId}/${JSON.stringify(run.inputs)}`);
    const dims: [string, string][] = [
      ["brandAlignment", "Brand fit"],
      ["predictedEngagement", "Likely engagement"],
      ["visualQuality", "Image quality"],
      ["platformFitness", "Platform fit"],
    ];
    const dimensions = dims.map(([key, label], i) => ({
      key,
      label,
      value: 62 + ((seed >> (i * 3)) % 35),
    }));
    const overall = dimensions.reduce((sum, d) => sum + (d.value ?? 0), 0) / dimensions.length;
    return { overall: Math.round(overall * 10) / 10, dimensions, feedback: null };
  }

  async templates(): Promise<TemplateView[]> {
    this.require("templates");
    return clone(MEMORY_TEMPLATES);
  }

  async template(templateId: string): Promise<TemplateView> {
    this.require("templates");
    const found = MEMORY_TEMPLATES.find((t) => t.id === templateId);
    if (!found) {
      throw appError({
        kind: "notFound",
        message: "That template no longer exists.",
        detail: `GET /v1/templates/${templateId} → 404`,
      });
    }
    return clone(found);
  }

  async brand(): Promise<BrandView> {
    this.require("brand context");
    return clone(MEMORY_BRAND);
  }

  async channels(): Promise<ChannelView[]> {
    this.require("publishing");
    return clone(MEMORY_CHANNELS);
  }

  async caption(localId: string): Promise<string | null> {
    const run = this.deps.run(localId);
    const text = run?.outputs.find((o) => o.type === "text" && o.status === "completed");
    return text?.value ?? null;
  }

  async publish(
    localId: string,
    outputIndexes: number[],
    channelIds: string[],
    caption: string | null,
  ): Promise<PublishView[]> {
    this.require("publishing");
    const run = this.deps.run(localId);
    const media = (run?.outputs ?? []).filter(
      (o) =>
        outputIndexes.includes(o.index) && (o.type === "image" || o.type === "video") && o.value,
    );
    const words = caption?.trim() ? caption.trim() : null;
    if (channelIds.length === 0 || (media.length === 0 && !words)) {
      throw appError({
        kind: "invalidInput",
        message:
          channelIds.length === 0
            ? "Pick at least one channel."
            : "Add a caption or pick an image to publish.",
        detail: "publish: needs a channel and an image, a video or a caption",
      });
    }
    // One post per image or video (the caption alone when there is none).
    const posts = media.length > 0 ? media : [null];
    const views: PublishView[] = [];
    for (const output of posts) {
      this.counter += 1;
      const id = `pub-${this.counter}`;
      const lost = this.loseNextAnswer;
      this.loseNextAnswer = false;
      this.publishRequests += 1;
      const now = new Date().toISOString();
      const view: PublishView = {
        id,
        runLocalId: localId,
        runId: run?.runId ?? null,
        outputIndexes: output ? [output.index] : [],
        imageUrl: output?.type === "image" ? output.value : null,
        videoUrl: output?.type === "video" ? output.value : null,
        caption: words,
        state: lost ? "unconfirmed" : "confirmed",
        problem: null,
        createdAt: now,
        sentAt: now,
        updatedAt: now,
        fromService: false,
        channels: channelIds.map((channelId) => {
          const channel = MEMORY_CHANNELS.find((c) => c.id === channelId);
          return {
            channelId,
            channelName: channel?.name ?? channelId,
            platform: channel?.platform ?? null,
            outcome: lost ? "unconfirmed" : "published",
            postUrl: lost ? null : this.postUrl(id, channelId),
            error: null,
          };
        }),
      };
      this.publishes.unshift(view);
      this.emit(view);
      views.push(clone(view));
    }
    return views;
  }

  /** The history: an unconfirmed publish is settled from the "service's" own record. */
  async history(): Promise<PublishingHistory> {
    this.require("publishing");
    for (const view of this.publishes) {
      if (view.state !== "unconfirmed") continue;
      view.state = "confirmed";
      view.updatedAt = new Date().toISOString();
      view.channels = view.channels.map((c) => ({
        ...c,
        outcome: "published",
        postUrl: this.postUrl(view.id, c.channelId),
      }));
      this.emit(view);
    }
    return { entries: clone(this.publishes), serviceHistory: true, serviceMessage: null };
  }

  async open(url: string): Promise<void> {
    this.opened.push(url);
  }

  onPublishUpdated(callback: (publish: PublishView) => void): () => void {
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  private postUrl(publishId: string, channelId: string): string {
    return `${this.deps.baseUrl()}/_sandbox/posts/${publishId}-${channelId}`;
  }

  private emit(view: PublishView): void {
    for (const listener of this.listeners) listener(clone(view));
  }
}
