// Local photos in memory batches: a pretend computer of folders (tests and the browser demo
// fill it), "Choose a folder…" and the check of every path a url column names, mirroring
// lamina-core's storage/batch_files.rs (same messages). Paths stay here: the screen only gets a
// `source` token back, as from the desktop app.
import type { App, BatchFolder, Mapping, RowProblem, SkippedFile } from "./types";

const PICTURE = /\.(jpe?g|png|webp|gif|tiff?|bmp|heic)$/i;
const PLACEHOLDER = "https://local-file.invalid/";

export class MemoryBatchFiles {
  /** Folders on the pretend computer: folder name → file names in it. */
  readonly folders = new Map<string, string[]>();
  /** The folder "Choose a folder…" picks next (`null`: the dialog is cancelled). */
  pickedFolder: string | null = null;
  private readonly sources = new Map<string, string>();

  /** Remembers the folder a table came from; the screen passes the token back. */
  register(folder: string): string {
    const token = `table-${this.sources.size + 1}`;
    this.sources.set(token, folder);
    return token;
  }

  pick(parameter: string): BatchFolder | null {
    const folder = this.pickedFolder;
    if (folder === null) return null;
    const names = [...(this.folders.get(folder) ?? [])]
      .filter((n) => !n.startsWith("."))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const photos = names.filter((n) => PICTURE.test(n));
    const skipped: SkippedFile[] = names
      .filter((n) => !PICTURE.test(n))
      .map((name) => ({ name, reason: "not a photo: it is a text file" }));
    const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    return {
      name: folder,
      text: [parameter, ...photos].map(quote).join("\n") + "\n",
      source: this.register(folder),
      photos: photos.length,
      skipped,
    };
  }

  /** Why a cell's file can't be used (`null`: it can). */
  problem(source: string | null, value: string): string | null {
    const folder = source ? this.sources.get(source) : undefined;
    if (folder === undefined && !value.startsWith("/")) {
      return `${value} is not a web address or a full path to a photo; choose the table as a file so its folder is known, or write the whole path`;
    }
    const [dir, name] =
      folder !== undefined
        ? [folder, value]
        : [value.split("/").slice(-2, -1)[0] ?? "", value.split("/").pop() ?? ""];
    if (!(this.folders.get(dir) ?? []).includes(name)) return `the file ${value} isn't there`;
    if (!PICTURE.test(name)) return `the file ${value} isn't a photo: it is a text file`;
    return null;
  }

  /** Local paths in url columns become placeholder links (so the rows check as usual); returns
   * the problems and how many distinct files the batch would upload. */
  take(
    app: App,
    headers: string[],
    rows: { line: number; cells: string[] }[],
    mapping: Mapping,
    source: string | null,
  ): { problems: RowProblem[]; files: number } {
    const urlColumns = headers.flatMap((h, i) => {
      const target = mapping.columns.find((c) => c.column === h)?.target;
      const param =
        target?.kind === "parameter" ? app.parameters.find((p) => p.name === target.name) : null;
      return param?.type === "url" ? [i] : [];
    });
    const problems: RowProblem[] = [];
    const seen = new Map<string, string>();
    for (const row of rows) {
      for (const i of urlColumns) {
        const value = (row.cells[i] ?? "").trim();
        if (value === "" || /^https?:\/\//.test(value)) continue;
        const known = seen.get(value);
        if (known) {
          row.cells[i] = known;
          continue;
        }
        const problem = this.problem(source, value);
        if (problem) {
          // Said once, here (not again as "not a web address" by the row check).
          row.cells[i] = `${PLACEHOLDER}unusable`;
          problems.push({ row: row.line, column: headers[i] ?? null, message: problem });
          continue;
        }
        const placeholder = `${PLACEHOLDER}${seen.size}?name=${encodeURIComponent(value)}`;
        seen.set(value, placeholder);
        row.cells[i] = placeholder;
      }
    }
    return { problems, files: seen.size };
  }
}

/** The file name a placeholder stands for (the memory "upload" keeps only the name). */
export function placeholderName(value: string): string | null {
  if (!value.startsWith(PLACEHOLDER)) return null;
  return decodeURIComponent(value.split("?name=")[1] ?? "");
}
