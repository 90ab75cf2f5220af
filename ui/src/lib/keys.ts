// Query keys: one per resource.
export const keys = {
  account: ["account"] as const,
  catalog: (search: string) => ["catalog", search] as const,
  app: (appId: string) => ["app", appId] as const,
  lastInputs: (appId: string) => ["lastInputs", appId] as const,
  runs: ["runs"] as const,
  run: (localId: string) => ["run", localId] as const,
  /** Prefix of every History page; a page's key is [...historyAll, query, page]. */
  historyAll: ["history"] as const,
  galleryAll: ["gallery"] as const,
  historyApps: ["historyApps"] as const,
  connection: ["connection"] as const,
};
