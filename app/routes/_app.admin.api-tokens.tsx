/** Issuing and revoking API tokens (issue 20, docs/decisions/0031-json-api.md): admins only. */
import { type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { useActionResult } from "~/components/ui/form-reply";
import { CheckboxGroup, SelectField, TextField } from "~/components/ui/fields";
import { useT } from "~/i18n/use-t";
import { messages } from "~/i18n";
import { getDb } from "~/modules/db.server";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { fieldErrorsOf } from "~/modules/forms";
import { fail, formFailure, readForm, replyWithError } from "~/modules/http.server";
import { invalidReply } from "~/modules/forms";
import { displayInstant, shiftDay, todayInTokyo } from "~/modules/incidents/dates";
import { API_SCOPES } from "~/modules/api/scopes";
import { issueToken, issueTokenSchema, listTokens, maxExpiry, revokeToken, tokenUserChoices } from "~/modules/api/tokens.server";
import type { PageHandle } from "~/root";

export const handle: PageHandle = { titleKey: "api.tokens.title" };

type Values = { clientName?: string; userId?: string; scopes?: string[]; expiresOn?: string };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "users.manage");
  const db = getDb();
  const today = todayInTokyo();
  return {
    tokens: listTokens(db, today),
    users: tokenUserChoices(db),
    minExpiry: shiftDay(today, 1),
    maxExpiry: maxExpiry(today),
    defaultExpiry: shiftDay(today, 90),
    messages: messages(request, ["api", "users", "common"]),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = await requireUser(request, "users.manage");
  const db = getDb();
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "revoke") {
    const id = Number(form.get("id"));
    if (!Number.isSafeInteger(id) || id < 1 || !revokeToken(db, id, actorOf(me, context))) fail(404, "api.errors.tokenNotFound");
    return { revoked: id };
  }
  // Anything but a revoke is read as the issue form, whose every field is checked (nothing is issued unless all are valid).
  const values: Values = {
    clientName: String(form.get("clientName") ?? ""),
    userId: String(form.get("userId") ?? ""),
    scopes: form.getAll("scopes").map(String),
    expiresOn: String(form.get("expiresOn") ?? ""),
  };
  const parsed = issueTokenSchema.safeParse(values);
  if (!parsed.success) return formFailure(invalidReply(fieldErrorsOf(parsed.error.issues), values));
  try {
    const { id, secret } = issueToken(db, parsed.data, actorOf(me, context), todayInTokyo());
    return { issued: { id, secret, clientName: parsed.data.clientName } };
  } catch (e) {
    return replyWithError(e, values, 422);
  }
}

export default function ApiTokensPage() {
  const { tokens, users, minExpiry, maxExpiry: latest, defaultExpiry } = useLoaderData<typeof loader>();
  const { done, failed } = useActionResult<typeof action, Values>();
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  const issued = done && "issued" in done ? done.issued : null;
  const values = failed?.values ?? {};
  return (
    <section>
      <h1>{t("api.tokens.title")}</h1>
      <p className="lead">{t("api.tokens.intro")}</p>
      <p>
        <a href="/api/v1/openapi.json">{t("api.tokens.docs")}</a>
      </p>
      {done && "revoked" in done ? (
        <p className="flash" role="status">
          {t("api.tokens.revokedFlash")}
        </p>
      ) : null}
      {issued ? (
        <div className="otp-box" role="status">
          <h2>{t("api.tokens.secretHeading")}</h2>
          <p>{t("api.tokens.secretOnce")}</p>
          <dl>
            <dt>{t("api.tokens.clientName")}</dt>
            <dd>{issued.clientName}</dd>
            <dt>Bearer</dt>
            <dd>
              <code className="otp">{issued.secret}</code>
            </dd>
          </dl>
        </div>
      ) : null}

      <h2>{t("api.tokens.list")}</h2>
      {tokens.length === 0 ? (
        <p className="muted">{t("api.tokens.none")}</p>
      ) : (
        <div className="table-wrap">
          <table className="grid-table">
            <thead>
              <tr>
                <th scope="col">{t("api.tokens.clientName")}</th>
                <th scope="col">{t("api.tokens.user")}</th>
                <th scope="col">{t("api.tokens.scopes")}</th>
                <th scope="col">{t("api.tokens.expiresOn")}</th>
                <th scope="col">{t("api.tokens.createdAt")}</th>
                <th scope="col">{t("api.tokens.state")}</th>
                <th scope="col">{t("api.tokens.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((k) => (
                <tr key={k.id}>
                  <td>{k.clientName}</td>
                  <td>
                    {k.user} <span className={`role role-${k.role}`}>{t(`role.${k.role}`)}</span>
                  </td>
                  <td>
                    {k.scopes.map((s) => (
                      <code key={s} className="code">
                        {s}{" "}
                      </code>
                    ))}
                  </td>
                  <td className="nowrap">{k.expiresOn}</td>
                  <td className="nowrap">{displayInstant(k.createdAt)}</td>
                  <td>{t(`api.tokens.${k.state}`)}</td>
                  <td>
                    {k.state === "revoked" ? null : (
                      <Form method="post">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="id" value={k.id} />
                        <button type="submit" className="danger" disabled={busy} aria-label={`${t("api.tokens.revoke")}: ${k.clientName}`}>
                          {t("api.tokens.revoke")}
                        </button>
                      </Form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t("api.tokens.issue")}</h2>
      <Form method="post" className="card stack" noValidate key={issued ? `issued-${issued.id}` : "issue"}>
        <input type="hidden" name="intent" value="issue" />
        {failed?.summary ? (
          <p className="error-summary" role="alert">
            {failed.summary}
          </p>
        ) : null}
        <TextField name="clientName" label={t("api.tokens.clientName")} required value={values.clientName} maxLength={200} error={failed?.fieldError("clientName")} />
        <SelectField
          name="userId"
          label={t("api.tokens.user")}
          required
          value={values.userId}
          emptyLabel=""
          options={users.map((u) => ({ value: String(u.id), label: u.label }))}
          error={failed?.fieldError("userId")}
        />
        <CheckboxGroup
          name="scopes"
          label={t("api.tokens.scopes")}
          required
          values={values.scopes ?? []}
          options={API_SCOPES.map((s) => ({ value: s, label: t(`api.tokens.scope.${s}`) }))}
          error={failed?.fieldError("scopes")}
        />
        <TextField
          name="expiresOn"
          type="date"
          label={t("api.tokens.expiresOn")}
          required
          value={values.expiresOn ?? defaultExpiry}
          max={latest}
          hint={`${t("api.tokens.expiryHint")} (${minExpiry} – ${latest})`}
          error={failed?.fieldError("expiresOn")}
        />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {t("api.tokens.issueSubmit")}
          </button>
        </div>
      </Form>
    </section>
  );
}
