// PROVISIONAL: the shapes the Describe and Publishing screens use until s7-pcore's generated
// bindings land (then these become re-exports from ./bindings in types.ts and this file goes).
import type { Inputs, RunRecord } from "./types";

export interface DescribeRequest {
  brief: string;
  platform: string | null;
  modality: string | null;
  templateId: string | null;
  brandId: string | null;
  inputs: Inputs | null;
}

/** A brief turned into a run: the app Lamina chose, why, and the inputs it filled. */
export interface ContentRunView {
  brief: string;
  appId: string;
  appName: string;
  reason: string | null;
  mappedInputs: Inputs;
  run: RunRecord;
}

export interface DescribeBatchItem {
  index: number;
  brief: string;
  content: ContentRunView | null;
  error: string | null;
}

export interface ScoreDimension {
  /** brandAlignment, predictedEngagement, visualQuality, platformFitness, or another. */
  key: string;
  /** 0–100 as the service sends it. */
  score: number;
}

export interface ContentScores {
  overall: number | null;
  dimensions: ScoreDimension[];
  feedback: string | null;
}

export interface TemplatePart {
  role: string;
  modality: string;
  description: string | null;
}

export interface ContentTemplate {
  id: string;
  name: string;
  description: string | null;
  category: string | null;
  suggestedPlatforms: string[];
  suggestedModalities: string[];
  composition: TemplatePart[];
  directives: string[];
}

export interface BrandContext {
  /** The brand profile's id when the service names one. */
  id: string | null;
  name: string | null;
  voice: string[];
  tonePrimary: string | null;
  toneSecondary: string | null;
  toneAvoid: string[];
  /** Colours (#rrggbb) and other visual notes. */
  visualIdentity: string[];
  guardrails: string[];
}

export interface PublishingChannel {
  id: string;
  name: string;
  platform: string;
}

export type PublishState = "intent" | "sent" | "confirmed" | "failed" | "unconfirmed";

export interface ChannelOutcome {
  channelId: string;
  channelName: string;
  state: PublishState;
  postUrl: string | null;
  error: string | null;
}

export interface PublishView {
  publishId: string;
  localId: string;
  caption: string | null;
  imageUrl: string | null;
  createdAt: string;
  channels: ChannelOutcome[];
}
