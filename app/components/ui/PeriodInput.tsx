import { useT } from "~/i18n/use-t";

/** A period typed in the reports.md syntax (FY2025, 2025-Q2, 2025-04, ranges) with the common choices suggested. */
export function PeriodInput({
  id,
  defaultValue,
  periods,
  required,
}: {
  id: string;
  defaultValue: string;
  periods: { key: string; label: string }[];
  required?: boolean;
}) {
  const { t } = useT();
  return (
    <div className="filter period">
      <label htmlFor={id}>{t("list.period")}</label>
      <input id={id} name="period" list={`${id}-options`} defaultValue={defaultValue} placeholder={t("list.periodHint")} required={required} />
      <datalist id={`${id}-options`}>
        {periods.map((p) => (
          <option key={p.key} value={p.key}>
            {p.label}
          </option>
        ))}
      </datalist>
    </div>
  );
}
