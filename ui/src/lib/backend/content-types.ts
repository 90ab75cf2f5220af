// PROVISIONAL copies of s7-pcore's generated shapes (same names and fields) until its bindings
// are merged; then types.ts re-exports them from ./bindings and this file keeps only the
// UI's own DescribeBatchItem.
import type { RunRecord } from "./types";

type InputMap = { [key in string]: string };

export type ContentBrief = {
  brief: string;
  platform: string | null;
  modality: string | null;
  templateId: string | null;
  brandId: string | null;
  inputs: InputMap;
};

export type ScoreDimension = { key: string; label: string; value: number | null };

export type ContentScores = {
  overall: number | null;
  dimensions: ScoreDimension[];
  feedback: string | null;
};

export type ContentInfo = {
  request: ContentBrief;
  reason: string | null;
  mappedInputs: InputMap | null;
  scores: ContentScores | null;
};

export type ContentRunView = { run: RunRecord; content: ContentInfo };

export type TemplatePart = { role: string; modality: string | null; description: string | null };

export type TemplateView = {
  id: string;
  name: string;
  description: string | null;
  category: string | null;
  suggestedPlatforms: string[];
  suggestedModalities: string[];
  produces: TemplatePart[];
  directives: string[];
  avoid: string[];
  builtIn: boolean;
};

export type BrandEntry = { label: string | null; value: string; color: string | null };

export type BrandView = {
  profileId: string | null;
  name: string | null;
  voice: string[];
  tonePrimary: string | null;
  toneSecondary: string | null;
  toneAvoid: string[];
  visualIdentity: BrandEntry[];
  contentPillars: string[];
  audience: string[];
  guardrails: string[];
  directives: string[];
  avoid: string[];
};

export type ChannelView = { id: string; name: string; platform: string | null };

export type ChannelOutcome = "pending" | "published" | "failed" | "unconfirmed";

export type ChannelResult = {
  channelId: string;
  channelName: string;
  platform: string | null;
  outcome: ChannelOutcome;
  postUrl: string | null;
  error: string | null;
};

export type PublishState = "intent" | "sent" | "confirmed" | "failed" | "unconfirmed";

export type PublishProblem = { message: string; detail: string };

export type PublishView = {
  id: string;
  runLocalId: string | null;
  runId: string | null;
  outputIndexes: number[];
  imageUrl: string | null;
  videoUrl: string | null;
  caption: string | null;
  channels: ChannelResult[];
  state: PublishState;
  problem: PublishProblem | null;
  createdAt: string;
  sentAt: string | null;
  updatedAt: string;
  fromService: boolean;
};

export type PublishingHistory = {
  entries: PublishView[];
  serviceHistory: boolean;
  serviceMessage: string | null;
};
