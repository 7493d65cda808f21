import { useT } from "~/i18n/use-t";

/** A one-time password shown once, after it was made: to hand to the user, who must change it at first sign-in. */
export function OneTimePassword({ email, password, intro }: { email: string; password: string; intro: string }) {
  const { t } = useT();
  return (
    <div className="otp-box" role="status">
      <p>{intro}</p>
      <dl>
        <dt>{t("users.email")}</dt>
        <dd>{email}</dd>
        <dt>{t("users.oneTimePassword")}</dt>
        <dd>
          <code className="otp">{password}</code>
        </dd>
      </dl>
      <p className="hint">{t("users.oneTimeHint")}</p>
    </div>
  );
}
