// One form for every app, generated from its parameters in the service's order.
import {
  useCallback,
  useId,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import { useTranslation } from "react-i18next";
import { i18n } from "../../i18n";
import type { Inputs, Parameter } from "../../lib/backend/types";
import {
  NO_ERRORS,
  acceptsImages,
  isMandatory,
  isWebUrl,
  problemsToErrors,
  validateInputs,
  type FormErrors,
} from "../../lib/inputs";
import { LinkPreview } from "../uploads/LinkPreview";
import { LinkThumb, PhotoField } from "../uploads/PhotoField";
import type { PhotoUploads } from "../uploads/usePhotoUploads";
import { isGenerate, isMac } from "../../lib/shortcuts";

export { droppedUrl } from "../uploads/PhotoField";

/** The note under an image field: what it takes. */
export function photoFieldNote(): string {
  return i18n.t("uploads:help");
}

/** Segmented control for a few short labels; a select for anything longer. */
export function usesSegmentedControl(options: readonly string[]): boolean {
  const total = options.reduce((n, o) => n + o.length, 0);
  return (
    options.length > 0 && options.length <= 5 && options.every((o) => o.length <= 18) && total <= 48
  );
}

/** Form values and errors; kept by the page so runs can refill the form. */
export function useDynamicFormState(initial: () => Record<string, string>) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const change = useCallback((name: string, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    setErrors((e) => {
      if (!(name in e.fields)) return e;
      const fields = { ...e.fields };
      delete fields[name];
      return { ...e, fields };
    });
  }, []);
  return { values, setValues, errors, setErrors, change };
}

export interface DynamicFormProps {
  appName: string;
  parameters: readonly Parameter[];
  values: Readonly<Record<string, string>>;
  errors: FormErrors;
  onChange: (name: string, value: string) => void;
  /** Client-side validation failed; nothing was sent. */
  onInvalid: (errors: FormErrors) => void;
  /** Valid inputs: keyed by parameter name, blank optional values left out. */
  onSubmit: (inputs: Inputs) => void;
  submitting?: boolean;
  /** Address for previewing a pasted image link (null: no preview). */
  previewSrc?: (url: string) => string | null;
  /** Shown above the Generate button (e.g. a refused start). */
  message?: ReactNode;
  /** The person's own photos for image fields (absent: links only). */
  photos?: PhotoUploads;
}

export function DynamicForm({
  appName,
  parameters,
  values,
  errors,
  onChange,
  onInvalid,
  onSubmit,
  submitting = false,
  previewSrc = () => null,
  message,
  photos,
}: DynamicFormProps) {
  const { t } = useTranslation("apps");
  const formRef = useRef<HTMLFormElement>(null);
  const baseId = useId();

  const uploading = photos?.busy ?? false;
  const submit = () => {
    if (submitting || uploading) return;
    // Never start a run whose photo did not make it: the field says why.
    const failedPhotos = photos?.failed ?? [];
    if (failedPhotos.length > 0) {
      const fields: Record<string, string> = {};
      for (const name of failedPhotos) fields[name] = t("form.photoFailed", { field: name });
      onInvalid({ fields, general: [] });
      return;
    }
    const result = validateInputs(parameters, values, appName);
    if (!result.ok) {
      const formErrors = problemsToErrors(parameters, result.problems);
      onInvalid(formErrors);
      focusField(formRef.current, Object.keys(formErrors.fields)[0]);
      return;
    }
    onSubmit(result.inputs);
  };

  const handleSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit();
  };

  const handleKeyDown = (e: KeyboardEvent) => {
    if (isGenerate(e)) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form
      ref={formRef}
      className="dynamic-form"
      data-testid="dynamic-form"
      noValidate
      onSubmit={handleSubmit}
      onKeyDown={handleKeyDown}
    >
      {parameters.length === 0 && <p className="muted">{t("form.noParameters")}</p>}
      {parameters.map((p, i) => (
        <Field
          key={p.id ?? p.name}
          id={`${baseId}-${i}`}
          parameter={p}
          value={values[p.name] ?? ""}
          error={errors.fields[p.name]}
          onChange={(v) => onChange(p.name, v)}
          previewSrc={previewSrc}
          photos={photos}
        />
      ))}

      {errors.general.length > 0 && (
        <div className="form-problems" role="alert">
          {errors.general.map((g) => (
            <p key={g}>{g}</p>
          ))}
        </div>
      )}
      {message}

      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary btn-large"
          data-testid="generate"
          aria-keyshortcuts={isMac ? "Meta+Enter" : "Control+Enter"}
          disabled={submitting || uploading}
        >
          {submitting ? t("form.starting") : uploading ? t("form.uploading") : t("form.generate")}
        </button>
        <span className="shortcut" aria-hidden="true">
          {isMac ? t("form.shortcutMac") : t("form.shortcut")}
        </span>
      </div>
    </form>
  );
}

function focusField(form: HTMLFormElement | null, name: string | undefined) {
  if (!form || !name) return;
  const wrapper = Array.from(form.querySelectorAll<HTMLElement>("[data-field]")).find(
    (el) => el.dataset.field === name,
  );
  const target = wrapper?.querySelector<HTMLElement>(
    'textarea, select, input:not([type="hidden"]), [role="radio"][tabindex="0"]',
  );
  target?.focus();
}

interface FieldProps {
  id: string;
  parameter: Parameter;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  previewSrc: (url: string) => string | null;
  photos: PhotoUploads | undefined;
}

function Field({ id, parameter: p, value, error, onChange, previewSrc, photos }: FieldProps) {
  const { t } = useTranslation("apps");
  const mandatory = isMandatory(p);
  const errorId = `${id}-error`;
  const helpId = `${id}-help`;
  const segmented =
    p.type === "options" &&
    usesSegmentedControl(p.options ?? []) &&
    (mandatory || p.default != null);
  const control = {
    id,
    name: p.name,
    "aria-invalid": error ? true : undefined,
    "aria-required": mandatory || undefined,
    "aria-describedby":
      [error ? errorId : null, p.type === "url" ? helpId : null].filter(Boolean).join(" ") ||
      undefined,
  } as const;

  let input: ReactNode;
  switch (p.type) {
    case "text":
      input = (
        <textarea
          {...control}
          className="input textarea"
          rows={3}
          value={value}
          placeholder={mandatory ? t("form.describe") : t("form.optional")}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "options":
      input = segmented ? (
        <SegmentedControl
          id={id}
          name={p.name}
          options={p.options ?? []}
          value={value}
          onChange={onChange}
          invalid={!!error}
          labelledBy={`${id}-label`}
        />
      ) : (
        <select
          {...control}
          className="input select"
          value={value}
          onChange={(e) => onChange(e.target.value)}
        >
          {(value === "" || (!mandatory && p.default == null)) && (
            <option value="">{mandatory ? t("form.choose") : t("form.noPreference")}</option>
          )}
          {value !== "" && !(p.options ?? []).includes(value) && (
            <option value={value}>{value}</option>
          )}
          {(p.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case "url":
      input = (
        <UrlInput
          control={control}
          parameter={p}
          value={value}
          onChange={onChange}
          previewSrc={previewSrc}
          helpId={helpId}
          photos={photos}
        />
      );
      break;
    default:
      input = (
        <input
          {...control}
          className="input"
          type="text"
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }

  return (
    <div
      className={`field${error ? " has-error" : ""}`}
      data-testid={`field-${p.name}`}
      data-field={p.name}
      data-required={mandatory}
    >
      <div className="field-label-row">
        <label className="field-label" id={`${id}-label`} htmlFor={segmented ? undefined : id}>
          {p.name}
        </label>
        {mandatory ? (
          <span className="field-tag field-tag-required">{t("form.required")}</span>
        ) : (
          <span className="field-tag">{t("form.optional")}</span>
        )}
      </div>
      {input}
      {error && (
        <p className="field-error" id={errorId} data-testid="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function SegmentedControl({
  id,
  name,
  options,
  value,
  onChange,
  invalid,
  labelledBy,
}: {
  id: string;
  name: string;
  options: readonly string[];
  value: string;
  onChange: (value: string) => void;
  invalid: boolean;
  labelledBy: string;
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const selected = options.indexOf(value);
  const move = (from: number, delta: number) => {
    const next = (from + delta + options.length) % options.length;
    const option = options[next];
    if (option === undefined) return;
    onChange(option);
    refs.current[next]?.focus();
  };
  return (
    <div
      className={`segmented${invalid ? " invalid" : ""}`}
      role="radiogroup"
      aria-labelledby={labelledBy}
      aria-invalid={invalid || undefined}
      id={id}
    >
      <input type="hidden" name={name} value={value} />
      {options.map((o, i) => (
        <button
          key={o}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="radio"
          aria-checked={o === value}
          tabIndex={i === (selected === -1 ? 0 : selected) ? 0 : -1}
          data-option={o}
          className="segment"
          onClick={() => onChange(o)}
          onKeyDown={(e) => {
            if (e.key === "ArrowRight" || e.key === "ArrowDown") {
              e.preventDefault();
              move(i, 1);
            } else if (e.key === "ArrowLeft" || e.key === "ArrowUp") {
              e.preventDefault();
              move(i, -1);
            }
          }}
        >
          {o}
        </button>
      ))}
    </div>
  );
}

function UrlInput({
  control,
  parameter,
  value,
  onChange,
  previewSrc,
  helpId,
  photos,
}: {
  control: Record<string, unknown>;
  parameter: Parameter;
  value: string;
  onChange: (value: string) => void;
  previewSrc: (url: string) => string | null;
  helpId: string;
  photos: PhotoUploads | undefined;
}) {
  const { t } = useTranslation("apps");
  const images = acceptsImages(parameter);
  const url = value.trim();
  const alt = t("form.previewAlt", { name: parameter.name });
  const showPreview = images && isWebUrl(url);
  return (
    <PhotoField
      name={parameter.name}
      images={images}
      photos={photos}
      value={value}
      url={showPreview ? url : ""}
      helpId={helpId}
      onLink={onChange}
      preview={
        photos ? (
          <LinkPreview url={url} alt={alt} previewSrc={previewSrc} />
        ) : (
          <LinkThumb src={previewSrc(url)} alt={alt} />
        )
      }
      input={
        <input
          {...control}
          className="input"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder={images ? t("form.imagePlaceholder") : "https://"}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      }
    />
  );
}
