import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useFormReply } from "~/components/ui/form-reply";
import { ConsultationForm } from "~/components/consultations/ConsultationForm";
import { useT } from "~/i18n/use-t";
import { actorOf, requireUser } from "~/modules/auth/guard.server";
import { formStrings } from "~/modules/forms";
import { createConsultationForm } from "~/modules/consultations/consultations.server";
import { CONSULTATION_FIELDS, EMPTY_CONSULTATION_FORM, type ConsultationFormValues } from "~/modules/consultations/schema";
import { getDb } from "~/modules/db.server";
import { invalidForm, readForm } from "~/modules/http.server";
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
  if (!result.ok) return invalidForm(result.errors, result.values);
  return redirect(`/consultations/${result.value}?created=1`);
}

export default function NewConsultation() {
  const { today } = useLoaderData<typeof loader>();
  const failed = useFormReply<ConsultationFormValues>();
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
        errors={failed?.fieldErrors}
        today={today}
        submitLabel={t("consultations.create")}
        cancelTo="/consultations"
      />
    </section>
  );
}
