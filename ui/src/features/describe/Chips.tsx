import { useId } from "react";

/** One optional choice among a few, as toggle chips (pressing the chosen one clears it). */
export function Chips({
  label,
  testid,
  values,
  labelOf,
  value,
  onChange,
}: {
  label: string;
  testid: string;
  values: readonly string[];
  labelOf: (value: string) => string;
  value: string | null;
  onChange: (value: string | null) => void;
}) {
  const labelId = useId();
  return (
    <div className="describe-chips" role="group" aria-labelledby={labelId}>
      <span id={labelId} className="describe-chips-label">
        {label}
      </span>
      {values.map((v) => (
        <button
          key={v}
          type="button"
          className="chip chip-toggle"
          data-testid={`${testid}-${v}`}
          aria-pressed={value === v}
          onClick={() => onChange(value === v ? null : v)}
        >
          {labelOf(v)}
        </button>
      ))}
    </div>
  );
}
