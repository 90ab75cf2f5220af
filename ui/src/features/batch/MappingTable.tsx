import { useTranslation } from "react-i18next";
import type { App, BatchPreview, ColumnTarget, Mapping } from "../../lib/backend/types";
import { isMandatory } from "../../lib/inputs";

const KEEP = "__keep__";

/** Header and parameter names compare without case, spaces, `_` or `-` (as in lamina-core). */
const normalize = (name: string) => name.replace(/[\s_-]/g, "").toLowerCase();

/** A column no one chose a field for is kept for file names (the notice below says so). */
function targetValue(target: ColumnTarget | null): string {
  return !target || target.kind === "keep" ? KEEP : `p:${target.name}`;
}

function parseTarget(value: string): ColumnTarget {
  if (value.startsWith("p:")) return { kind: "parameter", name: value.slice(2) };
  return { kind: "keep" };
}

/** Column → parameter (auto-mapped ones marked), and constants for the parameters no column
 * fills. Every change goes back through the preview, which checks every row again. */
export function MappingTable({
  app,
  preview,
  onChange,
}: {
  app: App;
  preview: BatchPreview;
  onChange: (mapping: Mapping) => void;
}) {
  const { t } = useTranslation("batch");
  const mapping = preview.mapping;
  const first = preview.rows[0];
  const fed = new Set(
    mapping.columns.flatMap((c) => (c.target?.kind === "parameter" ? [c.target.name] : [])),
  );
  const unfed = app.parameters.filter((p) => !fed.has(p.name));
  const constants = mapping.constants as Record<string, string | undefined>;

  const setTarget = (column: string, target: ColumnTarget | null) =>
    onChange({
      ...mapping,
      columns: mapping.columns.map((c) => (c.column === column ? { column, target } : c)),
    });
  const setConstant = (name: string, value: string) =>
    onChange({ ...mapping, constants: { ...mapping.constants, [name]: value } });

  return (
    <div className="batch-mapping" data-testid="batch-mapping">
      <h3 className="batch-subheading">{t("mapping.title")}</h3>
      <p className="field-help">{t("mapping.help")}</p>
      <table className="batch-table">
        <thead>
          <tr>
            <th scope="col">{t("mapping.column")}</th>
            <th scope="col">{t("mapping.example")}</th>
            <th scope="col">{t("mapping.fills")}</th>
          </tr>
        </thead>
        <tbody>
          {mapping.columns.map((c, i) => {
            const matched =
              c.target?.kind === "parameter" && normalize(c.target.name) === normalize(c.column);
            return (
              <tr key={c.column} data-testid="batch-mapping-row" data-column={c.column}>
                <th scope="row" className="batch-col-name">
                  {c.column}
                </th>
                <td className="batch-col-example">{first?.cells[i] ?? ""}</td>
                <td>
                  <div className="batch-target">
                    <select
                      className="input select"
                      aria-label={t("mapping.targetLabel", { column: c.column })}
                      data-testid={`batch-target-${c.column}`}
                      value={targetValue(c.target)}
                      onChange={(e) => setTarget(c.column, parseTarget(e.target.value))}
                    >
                      {app.parameters.map((p) => (
                        <option key={p.name} value={`p:${p.name}`}>
                          {p.name}
                        </option>
                      ))}
                      <option value={KEEP}>{t("mapping.keep")}</option>
                    </select>
                    {matched && <span className="badge batch-matched">{t("mapping.matched")}</span>}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <h3 className="batch-subheading">{t("mapping.constantsTitle")}</h3>
      {unfed.length === 0 ? (
        <p className="field-help">{t("mapping.noneLeft")}</p>
      ) : (
        <>
          <p className="field-help">{t("mapping.constantsHelp")}</p>
          <div className="batch-constants">
            {unfed.map((p) => {
              const id = `batch-const-${normalize(p.name)}`;
              const value = constants[p.name] ?? "";
              const placeholder =
                p.default != null
                  ? t("mapping.defaultValue", { value: p.default })
                  : isMandatory(p)
                    ? t("mapping.noDefault")
                    : t("mapping.optional");
              return (
                <div className="field" key={p.name}>
                  <label className="field-label" htmlFor={id}>
                    {p.name}
                  </label>
                  {p.type === "options" ? (
                    <select
                      id={id}
                      className="input select"
                      value={value}
                      onChange={(e) => setConstant(p.name, e.target.value)}
                    >
                      <option value="">{placeholder}</option>
                      {(p.options ?? []).map((o) => (
                        <option key={o} value={o}>
                          {o}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      id={id}
                      className="input"
                      value={value}
                      placeholder={placeholder}
                      onChange={(e) => setConstant(p.name, e.target.value)}
                    />
                  )}
                </div>
              );
            })}
          </div>
        </>
      )}
    </div>
  );
}
