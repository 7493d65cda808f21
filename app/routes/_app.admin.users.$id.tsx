import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { UserFields } from "~/components/UserFields";
import { OneTimePassword } from "~/components/ui/OneTimePassword";
import { ConflictPanel, revalidateAfterConflict, VersionField } from "~/components/ui/ConflictPanel";
import { useT } from "~/i18n/use-t";
import { getDb } from "~/modules/db.server";
import { atVersion, conflictReply, fail, formFailure, idParam, readForm, replyWithError } from "~/modules/http.server";
import { formVersion, parseVersion, postedVersion, saveOrConflict, VERSION_FIELD } from "~/modules/concurrency";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { readUserForm, type UserFormValues } from "~/modules/auth/user-form.server";
import { getUser, resetPassword, storedUser, updateUser, userComparable } from "~/modules/auth/users.server";
import { displayInstant } from "~/modules/incidents/dates";
import { departmentOptions } from "~/modules/departments/lookup.server";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";
import { DraftKeeper } from "~/components/forms/DraftKeeper";

export const handle: PageHandle = { titleKey: "users.editTitle" };
export const shouldRevalidate = revalidateAfterConflict;

async function load(request: Request, idText: string | undefined) {
  const me = await requireUser(request, "users.manage");
  const id = idParam(idText, "auth.errors.userNotFound");
  const user = getUser(getDb(), id);
  if (!user) fail(404, "auth.errors.userNotFound");
  return { me, id, user };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { me, user } = await load(request, params.id);
  return { user, self: me.id === user.id, departments: departmentOptions(getDb(), user.departmentId), messages: messages(request, ["users", "auth", "field", "incidentForm", "concurrency"]) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { me, id, user } = await load(request, params.id);
  const form = await readForm(request);
  const actor = actorOf(me, context);
  if (form.get("intent") === "reset") {
    return { kind: "reset" as const, email: user.email, oneTimePassword: await resetPassword(getDb(), id, actor) };
  }
  const read = readUserForm(form);
  if (!read.ok) return atVersion(postedVersion(form), formFailure(read.reply));
  const version = parseVersion(form.get(VERSION_FIELD));
  const disabled = form.get("disabled") === "on";
  // The checkbox is kept with the typed values, so a form drawn again after a conflict shows it as it was posted.
  const values: UserFormValues & { disabled: string } = { ...read.values, disabled: disabled ? "on" : "" };
  try {
    const saved = saveOrConflict(
      () => updateUser(getDb(), id, { fields: read.data, disabled, version }, actor),
      () => userComparable({ ...read.data, disabled }),
      () => storedUser(getDb(), id),
    );
    if (!saved.ok) return conflictReply(values, saved.conflict);
    return { kind: "saved" as const, changed: saved.value };
  } catch (e) {
    // A taken e-mail (409) or an admin's own demotion: the form is to be corrected (422).
    return atVersion(version, replyWithError(e, values, 422));
  }
}

const USER_LABELS = {
  email: "users.email",
  displayName: "users.displayName",
  role: "users.role",
  department: "field.department",
  disabled: "users.state",
} as const;

export default function EditUser() {
  const { user, self, departments } = useLoaderData<typeof loader>();
  const { done: result, failed: invalid } = useActionResult<typeof action, UserFormValues & { disabled?: string }>();
  const { t } = useT();
  const version = formVersion(user.version, invalid);
  return (
    <section>
      <p>
        <Link to="/admin/users">← {t("users.back")}</Link>
      </p>
      <h1>
        {t("users.editTitle")} <small>{user.email}</small>
      </h1>
      {result?.kind === "saved" ? (
        <p className="flash" role="status">
          {result.changed.length ? t("users.saved") : t("users.noChange")}
        </p>
      ) : null}
      {result?.kind === "reset" ? <OneTimePassword email={result.email} password={result.oneTimePassword} intro={t("users.resetDone")} /> : null}
      <dl className="facts compact">
        <div>
          <dt>{t("users.createdAt")}</dt>
          <dd>{displayInstant(user.createdAt)}</dd>
        </div>
        <div>
          <dt>{t("users.passwordChangedAt")}</dt>
          <dd>
            {displayInstant(user.passwordChangedAt)}
            {user.mustChangePassword ? ` (${t("users.awaitingChange")})` : ""}
          </dd>
        </div>
        <div>
          <dt>{t("users.history")}</dt>
          <dd>
            <Link to={`/admin/audit?targetType=user&targetId=${user.id}`}>{t("users.historyLink")}</Link>
          </dd>
        </div>
      </dl>
      <ConflictPanel
        conflict={invalid?.conflict}
        label={(f) => t(USER_LABELS[f as keyof typeof USER_LABELS])}
        show={(f, v) => (f === "role" ? t(`role.${v as "admin"}`) : f === "disabled" ? t(v === "yes" ? "users.disabled" : "users.active") : v)}
        reloadTo={`/admin/users/${user.id}`}
      />
      <Form method="post" className="card stack" noValidate key={version}>
        <VersionField version={version} />
        <DraftKeeper />
        {invalid?.summary ? (
          <p className="error-summary" role="alert">
            {invalid.summary}
          </p>
        ) : null}
        <UserFields
          values={invalid?.values ?? { email: user.email, displayName: user.displayName ?? "", role: user.role, department: user.department ?? "" }}
          errors={invalid?.fieldErrors}
          departments={departments}
        />
        <label className="checkbox">
          <input
            type="checkbox"
            name="disabled"
            defaultChecked={invalid?.values?.disabled !== undefined ? invalid.values.disabled === "on" : user.disabledAt !== null}
            disabled={self}
          />{" "}
          {t("users.disableLabel")}
        </label>
        {self ? <p className="hint">{t("users.selfHint")}</p> : null}
        <div className="form-actions">
          <button type="submit" name="intent" value="save" className="primary">
            {t("common.save")}
          </button>
        </div>
      </Form>
      <h2>{t("users.resetTitle")}</h2>
      <Form method="post" className="card">
        <p>{t("users.resetIntro")}</p>
        <button type="submit" name="intent" value="reset" className="danger">
          {t("users.resetSubmit")}
        </button>
      </Form>
    </section>
  );
}
