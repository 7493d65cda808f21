/** The fields of a user (e-mail, name, role, department), shared by the add and edit forms of the user admin. */
import { SelectField, TextField } from "~/components/ui/fields";
import type { Message } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { ROLES } from "~/modules/auth/permissions";

export function UserFields({
  values,
  errors = {},
  departments,
}: {
  values: Partial<Record<"email" | "displayName" | "role" | "department", string>>;
  errors?: Record<string, Message>;
  /** The department master's choices: the active ones, and the user's own if it was retired since. */
  departments: { name: string; retired: boolean }[];
}) {
  const { t } = useT();
  const err = (f: string) => (errors[f] ? t(errors[f].key, errors[f].params) : undefined);
  return (
    <div className="grid">
      <TextField name="email" type="email" label={t("users.email")} value={values.email ?? ""} error={err("email")} required requiredLabel={t("form.required")} autoComplete="off" />
      <TextField name="displayName" label={t("users.displayName")} value={values.displayName ?? ""} error={err("displayName")} maxLength={100} />
      <SelectField
        name="role"
        label={t("users.role")}
        value={values.role ?? ""}
        error={err("role")}
        required
        requiredLabel={t("form.required")}
        emptyLabel={t("common.select")}
        hint={t("users.roleHint")}
        options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
      />
      <SelectField
        name="department"
        label={t("field.department")}
        value={values.department ?? ""}
        error={err("department")}
        hint={t("users.departmentHint")}
        emptyLabel={t("users.noDepartment")}
        options={departments.map((d) => ({ value: d.name, label: d.retired ? t("common.retiredDepartment", { name: d.name }) : d.name }))}
      />
    </div>
  );
}
