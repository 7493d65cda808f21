import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ConsultationForm } from "~/components/consultations/ConsultationForm";
import { useT } from "~/i18n/use-t";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { formStrings } from "~/modules/auth/schema";
import { createConsultationForm } from "~/modules/consultations/consultations.server";
import { CONSULTATION_FIELDS, EMPTY_CONSULTATION_FORM } from "~/modules/consultations/schema";
import { getDb } from "~/modules/db.server";
import { readForm } from "~/modules/http.server";
import { todayInTokyo } from "~/modules/incidents/dates";
import type { PageHandle } from "~/root";
import { messages } from "~/i18n";

export const handle: PageHandle = { titleKey: "consultations.newTitle" };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "consultations.manage");
  return { today: todayInTokyo(), messages: messages(request, ["consultations", "auth", "incidentForm"]) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, "consultations.manage");
  const values = formStrings(await readForm(request), CONSULTATION_FIELDS);
  const result = createConsultationForm(getDb(), values, todayInTokyo(), actorOf(user, context));
  if (!result.ok) return data({ errors: result.errors, values: result.values }, { status: 422 });
  return redirect(`/consultations/${result.value}?created=1`);
}

export default function NewConsultation() {
  const { today } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const { t } = useT();
  return (
    <section>
      <p>
        <Link to="/consultations">← {t("consultations.back")}</Link>
      </p>
      <h1>{t("consultations.newTitle")}</h1>
      <p className="muted">{t("consultations.intro")}</p>
      <ConsultationForm
        values={failed?.values ?? { ...EMPTY_CONSULTATION_FORM, receivedOn: today }}
        errors={failed?.errors}
        today={today}
        submitLabel={t("consultations.create")}
        cancelTo="/consultations"
      />
    </section>
  );
}
