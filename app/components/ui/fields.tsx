/** Labelled form controls with a hint and a field-level error, wired for screen readers. */
import type { ReactNode } from "react";
import { useT } from "~/i18n/use-t";

export interface Option {
  value: string;
  label: string;
  group?: string;
}

interface Common {
  name: string;
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
  requiredLabel?: string;
}

function describedBy(name: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${name}-hint` : "", error ? `${name}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function Frame({ name, label, error, hint, required, requiredLabel, children, asGroup }: Common & { children: ReactNode; asGroup?: boolean }) {
  const { t } = useT();
  // The badge always says 必須 in words (a red box alone was colour only, and empty to a screen reader).
  const heading = (
    <>
      {label}
      {required ? <span className="req">{requiredLabel || t("common.required")}</span> : null}
    </>
  );
  const tail = (
    <>
      {hint ? (
        <p className="hint" id={`${name}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${name}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
  if (asGroup) {
    return (
      <fieldset className={`field${error ? " has-error" : ""}`} aria-describedby={describedBy(name, hint, error)}>
        <legend>{heading}</legend>
        {children}
        {tail}
      </fieldset>
    );
  }
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={name}>{heading}</label>
      {children}
      {tail}
    </div>
  );
}

export function TextField(
  props: Common & {
    value?: string;
    type?: string;
    maxLength?: number;
    list?: string;
    min?: number;
    max?: string;
    inputMode?: "numeric";
    autoComplete?: string;
  },
) {
  const { name, value, type = "text", error, hint, required, maxLength, list, min, max, inputMode, autoComplete } = props;
  return (
    <Frame {...props}>
      <input
        id={name}
        name={name}
        type={type}
        defaultValue={value}
        maxLength={maxLength}
        list={list}
        min={min}
        max={max}
        inputMode={inputMode}
        autoComplete={autoComplete}
        required={required}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(name, hint, error)}
      />
    </Frame>
  );
}

export function TextArea(props: Common & { value?: string; rows?: number; maxLength?: number }) {
  const { name, value, error, hint, rows = 3, maxLength } = props;
  return (
    <Frame {...props}>
      <textarea
        id={name}
        name={name}
        defaultValue={value}
        rows={rows}
        maxLength={maxLength}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(name, hint, error)}
      />
    </Frame>
  );
}

export function SelectField(props: Common & { value?: string; options: Option[]; emptyLabel?: string }) {
  const { name, value, options, emptyLabel, error, hint, required } = props;
  return (
    <Frame {...props}>
      <select
        id={name}
        name={name}
        defaultValue={value ?? ""}
        required={required}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(name, hint, error)}
      >
        {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Frame>
  );
}

/** Yes / no / unknown as three radio buttons: unknown is a real answer (counted as "unknown" in reports). */
export function YesNoField(props: Common & { value?: string; labels: { yes: string; no: string; unknown: string } }) {
  const { name, value = "", labels } = props;
  const choices: [string, string][] = [
    ["yes", labels.yes],
    ["no", labels.no],
    ["", labels.unknown],
  ];
  return (
    <Frame {...props} asGroup>
      <div className="choices inline">
        {choices.map(([v, l]) => (
          <label key={v || "unknown"}>
            <input type="radio" name={name} value={v} defaultChecked={value === v} /> {l}
          </label>
        ))}
      </div>
    </Frame>
  );
}

/** A multi-select as checkboxes, optionally in sub-groups (MA / MB). */
export function CheckboxGroup(props: Common & { values?: string[]; options: Option[]; groupLabels?: Record<string, string> }) {
  const { name, values = [], options, groupLabels } = props;
  const groups = [...new Set(options.map((o) => o.group ?? ""))];
  return (
    <Frame {...props} asGroup>
      {groups.map((g) => (
        <div key={g || "all"} className="choice-group">
          {g && groupLabels?.[g] ? <p className="choice-group-title">{groupLabels[g]}</p> : null}
          <div className="choices">
            {options
              .filter((o) => (o.group ?? "") === g)
              .map((o) => (
                <label key={o.value}>
                  <input type="checkbox" name={name} value={o.value} defaultChecked={values.includes(o.value)} />{" "}
                  <span className="code">{o.value}</span> {o.label}
                </label>
              ))}
          </div>
        </div>
      ))}
    </Frame>
  );
}
