// Batches in the in-memory workspace: a small mirror of lamina-core's batch engine (table
// parsing, auto-mapping by header, every row checked before anything starts, names from a
// pattern) so Vitest and the browser demo can drive the batch screen. The desktop app uses
// the Rust engine; keep the messages' shape (row, column, message) the same.
import { validateInputs } from "../inputs";
import { appError, clone } from "./memory-demo";
import { placeholderName, type MemoryBatchFiles } from "./memory-batch-files";
import type {
  App,
  BatchDetail,
  BatchExportRequest,
  BatchExportResult,
  BatchListItem,
  BatchPreview,
  BatchProgress,
  BatchRow,
  BatchRowState,
  BatchState,
  BatchSummary,
  ExportFormat,
  Inputs,
  Mapping,
  RowProblem,
  RunRecord,
  TableRow,
} from "./types";

const PREVIEW_ROWS = 50;
const BUILT_INS = ["app", "label", "n", "row", "date", "run", "ext"];

/** Header and parameter names compare without case, spaces, `_` or `-`. */
export function normalize(name: string): string {
  return name.replace(/[\s_-]/g, "").toLowerCase();
}

export interface ParsedTable {
  headers: string[];
  rows: TableRow[];
}

/** CSV or a pasted (tab-separated) table; the delimiter is the one the header line uses most. */
export function parseTable(text: string): ParsedTable | { problems: RowProblem[] } {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = body.split(/\r?\n/, 1)[0] ?? "";
  const delimiter =
    [",", "\t", ";"]
      .map((d) => [d, firstLine.split(d).length - 1] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])[0]?.[0] ?? ",";
  const records = splitRecords(body, delimiter);
  const header = records.shift();
  if (!header || header.cells.every((c) => c === "")) {
    return {
      problems: [problem(null, null, "the table is empty: the first row must name the columns")],
    };
  }
  const headers = header.cells;
  const problems: RowProblem[] = [];
  headers.forEach((h, i) => {
    if (h === "") problems.push(problem(1, null, `column ${i + 1} has no name in the header row`));
    else if (headers.slice(0, i).some((o) => o.toLowerCase() === h.toLowerCase())) {
      problems.push(problem(1, h, "appears twice in the header row"));
    }
  });
  const rows: TableRow[] = [];
  for (const record of records) {
    if (record.cells.every((c) => c === "")) continue;
    if (record.cells.length !== headers.length) {
      problems.push(
        problem(
          record.line,
          null,
          `has ${record.cells.length} cells but the header row has ${headers.length} columns`,
        ),
      );
      continue;
    }
    rows.push({ line: record.line, cells: record.cells });
  }
  if (rows.length === 0 && problems.length === 0) {
    problems.push(problem(null, null, "the table has a header row but no rows"));
  }
  return problems.length > 0 ? { problems } : { headers, rows };
}

function splitRecords(text: string, delimiter: string): { line: number; cells: string[] }[] {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n") line += 1;
        cell += c;
      }
    } else if (c === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (c === delimiter) {
      cells.push(cell.trim());
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i += 1;
      cells.push(cell.trim());
      records.push({ line: start, cells });
      cells = [];
      cell = "";
      line += 1;
      start = line;
    } else cell += c;
  }
  if (cell !== "" || cells.length > 0) {
    cells.push(cell.trim());
    records.push({ line: start, cells });
  }
  return records;
}

function problem(row: number | null, column: string | null, message: string): RowProblem {
  return { row, column, message };
}

/** Auto-mapping by header, then the person's choices for columns they made one for. */
export function mergedMapping(app: App, headers: string[], choices: Mapping | null): Mapping {
  const find = (h: string) =>
    app.parameters.find(
      (p) => normalize(p.name) === normalize(h) || (p.id && normalize(p.id) === normalize(h)),
    );
  const columns = headers.map((column) => {
    const chosen = choices?.columns.find((c) => c.column === column);
    if (chosen) return { column, target: chosen.target };
    const p = find(column);
    return { column, target: p ? { kind: "parameter" as const, name: p.name } : null };
  });
  const fed = new Set(
    columns.flatMap((c) => (c.target?.kind === "parameter" ? [c.target.name] : [])),
  );
  const constants: Inputs = {};
  for (const [name, value] of Object.entries(choices?.constants ?? {})) {
    if (value !== undefined && value.trim() !== "" && !fed.has(name)) constants[name] = value;
  }
  return { columns, constants };
}

export interface PlannedRow {
  line: number;
  cells: Record<string, string>;
  inputs: Inputs;
}

/** Every row checked against the app's parameters; all problems, of columns and rows, at once.
 * A column that feeds nothing is kept for names (a notice: see `keptColumns`). */
export function planRows(
  app: App,
  table: ParsedTable,
  mapping: Mapping,
): { rows: PlannedRow[] } | { problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const fedBy = new Map<string, string>();
  for (const c of mapping.columns) {
    if (c.target?.kind === "parameter") {
      const other = fedBy.get(c.target.name);
      if (other) {
        problems.push(
          problem(
            null,
            c.column,
            `feeds "${c.target.name}", which column "${other}" already feeds`,
          ),
        );
      } else fedBy.set(c.target.name, c.column);
    }
  }
  const rows: PlannedRow[] = [];
  for (const row of table.rows) {
    const cells: Record<string, string> = {};
    const values: Record<string, string> = { ...(mapping.constants as Record<string, string>) };
    table.headers.forEach((h, i) => {
      const cell = row.cells[i] ?? "";
      cells[h] = cell;
      const target = mapping.columns.find((c) => c.column === h)?.target;
      if (target?.kind === "parameter") values[target.name] = cell;
    });
    const checked = validateInputs(app.parameters, values, app.name);
    if (checked.ok) {
      rows.push({ line: row.line, cells, inputs: checked.inputs });
      continue;
    }
    for (const p of checked.problems) {
      const param = p.field ?? "";
      const column = fedBy.get(param) ?? null;
      const value = (values[param] ?? "").trim();
      const message =
        column && value === ""
          ? `a value is required ("${param}" has no default)`
          : column
            ? `'${value}' ${p.reason}`
            : value === ""
              ? `"${param}" is required and has no default, but no column feeds it and no constant is set`
              : `the constant for "${param}", '${value}', ${p.reason}`;
      problems.push(problem(row.line, column, message));
    }
  }
  return problems.length > 0 ? { problems } : { rows };
}

export function previewTable(
  app: App,
  text: string,
  choices: Mapping | null,
  files?: { store: MemoryBatchFiles; source: string | null },
): BatchPreview {
  const table = parseTable(text);
  if ("problems" in table) {
    return {
      headers: [],
      rows: [],
      rowCount: 0,
      mapping: { columns: [], constants: {} },
      problems: table.problems,
      keptColumns: [],
      runs: 0,
      localFiles: 0,
    };
  }
  const mapping = mergedMapping(app, table.headers, choices);
  const shown = clone(table.rows.slice(0, PREVIEW_ROWS));
  const local = takeLocalFiles(app, table, mapping, files);
  const plan = planRows(app, table, mapping);
  const problems = [...local.problems, ...("problems" in plan ? plan.problems : [])].sort(
    (a, b) => (a.row ?? 0) - (b.row ?? 0),
  );
  return {
    headers: table.headers,
    rows: shown,
    rowCount: table.rows.length,
    mapping,
    problems,
    keptColumns: mapping.columns.filter((c) => !c.target).map((c) => c.column),
    runs: "rows" in plan && problems.length === 0 ? plan.rows.length : 0,
    localFiles: problems.length === 0 ? local.files : 0,
  };
}

/** Local paths become placeholder links (checked against the pretend computer's files). */
function takeLocalFiles(
  app: App,
  table: ParsedTable,
  mapping: Mapping,
  files?: { store: MemoryBatchFiles; source: string | null },
): { problems: RowProblem[]; files: number } {
  if (!files) return { problems: [], files: 0 };
  return files.store.take(app, table.headers, table.rows, mapping, files.source);
}

/** A file name from a pattern such as `{sku}_{label}_{n}.{ext}` (see lamina-core naming.rs). */
export function renderName(
  pattern: string,
  columns: string[],
  values: {
    cells: Record<string, string>;
    app: string;
    label: string;
    n: number;
    row: number;
    date: string;
    run: string;
    ext: string;
  },
): string {
  const unknown: string[] = [];
  let fields = 0;
  let name = pattern.replace(/\{([^}]*)\}/g, (_, raw: string) => {
    fields += 1;
    const key = normalize(raw);
    const builtIn: Record<string, string> = {
      app: values.app,
      label: values.label,
      n: String(values.n),
      row: String(values.row),
      date: values.date,
      run: values.run,
      ext: values.ext,
    };
    if (BUILT_INS.includes(key)) return safe(builtIn[key] ?? "");
    const column = columns.find((c) => normalize(c) === key);
    if (!column) {
      unknown.push(`{${raw}}`);
      return "";
    }
    return safe(values.cells[column] ?? "");
  });
  if (pattern.split("{").length - 1 !== pattern.split("}").length - 1) {
    throw appError({
      kind: "invalidInput",
      message: `the name pattern "${pattern}" has a '{' without its '}'`,
      detail: pattern,
    });
  }
  if (unknown.length > 0) {
    throw appError({
      kind: "invalidInput",
      message: `the name pattern uses ${unknown.join(", ")} which is neither a column of the table (${columns.join(", ")}) nor one of ${BUILT_INS.map((b) => `{${b}}`).join(", ")}`,
      detail: pattern,
    });
  }
  if (fields === 0) name = `${safe(name)}_${values.n}`;
  const spelledOut = name.toLowerCase().endsWith(`.${values.ext.toLowerCase()}`);
  if (!/\{ext\}/i.test(pattern) && values.ext && !spelledOut) name = `${name}.${values.ext}`;
  return name.replace(/^[.\s]+|[.\s]+$/g, "") || `output_${values.n}`;
}

function safe(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[/\\:*?"<>|\u0000-\u001f]/g, "_");
}

function extension(format: ExportFormat): string {
  return format.format === "jpeg" ? "jpg" : format.format === "webp" ? "webp" : "png";
}

interface MemoryBatch {
  summary: BatchSummary;
  rows: {
    index: number;
    line: number;
    cells: Record<string, string>;
    inputs: Inputs;
    localId: string | null;
    cancelled: boolean;
    attempts: number;
  }[];
  /** Local photos "uploaded" (in memory: at once). */
  photos: number;
  driving: boolean;
}

/** What the batch engine needs from the rest of the memory workspace. */
export interface BatchHost {
  files: MemoryBatchFiles;
  app(appId: string): App;
  startRun(appId: string, inputs: Inputs): Promise<RunRecord>;
  run(localId: string): RunRecord | undefined;
  onRunUpdated(callback: (run: RunRecord) => void): () => void;
  sleep(ms: number): Promise<void>;
  stepMs: number;
}

export class MemoryBatches {
  private readonly batches = new Map<string, MemoryBatch>();
  private readonly listeners = new Set<(progress: BatchProgress) => void>();
  private counter = 0;
  /** Where the last export went (tests read it). */
  lastExport: BatchExportResult | null = null;

  constructor(private readonly host: BatchHost) {
    host.onRunUpdated((run) => {
      for (const batch of this.batches.values()) {
        if (batch.rows.some((r) => r.localId === run.localId)) this.changed(batch);
      }
    });
  }

  preview(
    appId: string,
    text: string,
    mapping: Mapping | null,
    source: string | null = null,
  ): BatchPreview {
    return previewTable(this.host.app(appId), text, mapping, { store: this.host.files, source });
  }

  start(
    appId: string,
    name: string,
    text: string,
    mapping: Mapping,
    source: string | null = null,
  ): BatchSummary {
    const app = this.host.app(appId);
    const table = parseTable(text);
    let plan: { rows: PlannedRow[] } | { problems: RowProblem[] } = table as {
      problems: RowProblem[];
    };
    let photos = 0;
    if (!("problems" in table)) {
      const merged = mergedMapping(app, table.headers, mapping);
      const local = takeLocalFiles(app, table, merged, { store: this.host.files, source });
      photos = local.files;
      plan =
        local.problems.length > 0 ? { problems: local.problems } : planRows(app, table, merged);
    }
    if ("problems" in plan) {
      throw appError({
        kind: "invalidInput",
        message: `The table has ${plan.problems.length} problems to fix first; nothing was sent.`,
        detail: plan.problems
          .map((p) => `row ${p.row ?? "-"}, column ${p.column ?? "-"}: ${p.message}`)
          .join("\n"),
      });
    }
    this.counter += 1;
    const summary: BatchSummary = {
      batchId: `batch-${this.counter}`,
      appId,
      appName: app.name,
      name: name.trim() || `${app.name} batch`,
      columns: "headers" in table ? table.headers : [],
      state: "active",
      reason: null,
      createdAt: new Date().toISOString(),
    };
    const batch: MemoryBatch = {
      summary,
      rows: plan.rows.map((r, index) => ({
        index,
        line: r.line,
        cells: withNames(r.cells),
        inputs: withUploads(r.inputs),
        localId: null,
        cancelled: false,
        attempts: 0,
      })),
      photos,
      driving: false,
    };
    this.batches.set(summary.batchId, batch);
    void this.drive(batch);
    return clone(summary);
  }

  list(): BatchListItem[] {
    return [...this.batches.values()]
      .reverse()
      .map((b) => ({ batch: clone(b.summary), progress: this.progress(b) }));
  }

  detail(batchId: string): BatchDetail {
    const batch = this.must(batchId);
    return {
      batch: clone(batch.summary),
      progress: this.progress(batch),
      rows: batch.rows.map((r): BatchRow => {
        const run = r.localId ? this.host.run(r.localId) : undefined;
        return {
          index: r.index,
          line: r.line,
          cells: clone(r.cells),
          inputs: clone(r.inputs),
          state: rowState(r.cancelled, run),
          attempts: r.attempts,
          run: run ? clone(run) : null,
        };
      }),
      uploads: batch.photos > 0 ? { total: batch.photos, done: batch.photos, failed: 0 } : null,
    };
  }

  setState(batchId: string, state: BatchState): BatchProgress {
    const batch = this.must(batchId);
    if (batch.summary.state === "finished" || batch.summary.state === "cancelled") {
      throw appError({
        kind: "conflict",
        message: "This batch is already cancelled or finished; retry its failed rows instead.",
        detail: `batch ${batchId} is ${batch.summary.state}`,
      });
    }
    batch.summary.state = state;
    this.changed(batch);
    if (state === "active") void this.drive(batch);
    return this.progress(batch);
  }

  cancelRest(batchId: string): BatchProgress {
    const batch = this.must(batchId);
    batch.summary.state = "cancelled";
    for (const r of batch.rows) if (!r.localId) r.cancelled = true;
    this.changed(batch);
    return this.progress(batch);
  }

  retryFailed(batchId: string): BatchProgress {
    const batch = this.must(batchId);
    let n = 0;
    for (const r of batch.rows) {
      const run = r.localId ? this.host.run(r.localId) : undefined;
      if (run?.status === "failed") {
        r.localId = null;
        n += 1;
      }
    }
    if (n > 0) {
      batch.summary.state = "active";
      this.changed(batch);
      void this.drive(batch);
    }
    return this.progress(batch);
  }

  exportName(batchId: string, pattern: string, format: ExportFormat): string {
    const batch = this.must(batchId);
    const first = batch.rows[0];
    const run = first?.localId ? this.host.run(first.localId) : undefined;
    return renderName(pattern, batch.summary.columns, {
      cells: first?.cells ?? {},
      app: batch.summary.appName,
      label: run?.outputs[0]?.label ?? batch.summary.appName,
      n: 1,
      row: first?.line ?? 2,
      date: batch.summary.createdAt.slice(0, 10),
      run: run?.runId ?? "",
      ext: extension(format),
    });
  }

  export(batchId: string, request: BatchExportRequest, cancelled: boolean): BatchExportResult {
    const batch = this.must(batchId);
    if (cancelled && request.chooseFolder) {
      return { cancelled: true, location: null, paths: [], files: 0, skipped: 0 };
    }
    const root = request.chooseFolder
      ? "/home/you/Chosen"
      : `~/Pictures/Lamina/${batch.summary.name}`;
    const names: string[] = [];
    let skipped = 0;
    for (const r of batch.rows) {
      const run = r.localId ? this.host.run(r.localId) : undefined;
      const kept = run?.outputs.filter((o) => o.file) ?? [];
      if (!run || kept.length === 0) {
        skipped += 1;
        continue;
      }
      kept.forEach((o, i) =>
        names.push(
          renderName(request.pattern, batch.summary.columns, {
            cells: r.cells,
            app: run.appName,
            label: o.label ?? `output ${i + 1}`,
            n: i + 1,
            row: r.line,
            date: run.createdAt.slice(0, 10),
            run: run.runId ?? run.localId,
            ext: extension(request.format),
          }),
        ),
      );
    }
    const location = request.zip ? `${root}.zip` : root;
    const result: BatchExportResult = {
      cancelled: false,
      location,
      paths: request.zip ? [location] : ["manifest.csv", ...names].map((n) => `${root}/${n}`),
      files: names.length,
      skipped,
    };
    this.lastExport = result;
    return clone(result);
  }

  onUpdated(callback: (progress: BatchProgress) => void): () => void {
    this.listeners.add(callback);
    return () => {
      this.listeners.delete(callback);
    };
  }

  dispose(): void {
    this.listeners.clear();
    for (const b of this.batches.values()) b.summary.state = "paused";
  }

  private async drive(batch: MemoryBatch): Promise<void> {
    if (batch.driving) return;
    batch.driving = true;
    try {
      for (;;) {
        if (batch.summary.state !== "active") break;
        const next = batch.rows.find((r) => !r.localId && !r.cancelled);
        if (!next) break;
        next.attempts += 1;
        // Claimed before it is sent (as the Rust store does): "cancel the rest" skips it and
        // the batch is not over while its start is on the way.
        next.localId = `sending-${next.index}`;
        const run = await this.host.startRun(batch.summary.appId, next.inputs);
        next.localId = run.localId;
        this.changed(batch);
        await this.host.sleep(this.host.stepMs / 4);
      }
    } finally {
      batch.driving = false;
    }
  }

  private changed(batch: MemoryBatch): void {
    const p = this.progress(batch);
    if (
      p.waiting === 0 &&
      p.inFlight === 0 &&
      batch.summary.state !== "finished" &&
      batch.summary.state !== "paused"
    ) {
      batch.summary.state = "finished";
      p.state = "finished";
      p.etaS = null;
    }
    for (const listener of this.listeners) listener(clone(p));
  }

  private progress(batch: MemoryBatch): BatchProgress {
    const p: BatchProgress = {
      batchId: batch.summary.batchId,
      state: batch.summary.state,
      total: batch.rows.length,
      waiting: 0,
      inFlight: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
      unknown: 0,
      etaS: null,
      reason: batch.summary.reason,
    };
    for (const r of batch.rows) {
      const state = rowState(r.cancelled, r.localId ? this.host.run(r.localId) : undefined);
      if (state === "waiting") p.waiting += 1;
      else if (state === "starting" || state === "queued" || state === "running") p.inFlight += 1;
      else if (state === "completed") p.completed += 1;
      else if (state === "failed") p.failed += 1;
      else if (state === "cancelled") p.cancelled += 1;
      else p.unknown += 1;
    }
    if (p.waiting + p.inFlight > 0) {
      p.etaS = Math.ceil(((p.waiting + p.inFlight) * this.host.stepMs * 3) / 1000);
    }
    return p;
  }

  private must(batchId: string): MemoryBatch {
    const batch = this.batches.get(batchId);
    if (!batch) {
      throw appError({
        kind: "notFound",
        message: "That batch is not on this computer.",
        detail: `no batch ${batchId}`,
      });
    }
    return batch;
  }
}

/** A placeholder's file as the pretend storage's link (the memory "upload" is instant). */
function withUploads(inputs: Inputs): Inputs {
  const out: Inputs = {};
  for (const [k, v] of Object.entries(inputs)) {
    if (v === undefined) continue;
    const name = placeholderName(v);
    out[k] = name === null ? v : `https://storage.demo.invalid/${encodeURIComponent(name)}`;
  }
  return out;
}

/** Cells keep the path as written (for names and the manifest). */
function withNames(cells: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, placeholderName(v) ?? v]));
}

function rowState(cancelled: boolean, run: RunRecord | undefined): BatchRowState {
  if (!run) return cancelled ? "cancelled" : "waiting";
  switch (run.status) {
    case "starting":
    case "queued":
    case "running":
    case "completed":
    case "failed":
    case "cancelled":
    case "unknown":
      return run.status;
    default:
      return "unknown";
  }
}
