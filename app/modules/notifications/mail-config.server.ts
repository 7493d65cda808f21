/**
 * The mail settings (issue 19): SMTP_URL (smtp://user:pass@host:587 with STARTTLS when offered, smtps://host:465) and
 * SMTP_FROM. Without a usable SMTP_URL nothing is mailed: notifications are still shown in the app.
 */
export const DEFAULT_SMTP_FROM = "カスハラ記録・分析 <no-reply@localhost>";

/** SMTP_URL when it is an smtp:// or smtps:// address, else null (an unusable one is reported once). */
export function smtpUrl(env: NodeJS.ProcessEnv = process.env): string | null {
  const raw = env.SMTP_URL?.trim();
  if (!raw) return null;
  try {
    const u = new URL(raw);
    if ((u.protocol === "smtp:" || u.protocol === "smtps:") && u.hostname) return raw;
  } catch {
    // reported below
  }
  if (!reported) {
    reported = true;
    console.error("SMTP_URL は smtp://… または smtps://… の形で指定してください。メールは送られません (SMTP_URL must be smtp://… or smtps://…; no mail is sent)");
  }
  return null;
}
let reported = false;

export function smtpConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return smtpUrl(env) !== null;
}

export function smtpFrom(env: NodeJS.ProcessEnv = process.env): string {
  return env.SMTP_FROM?.trim() || DEFAULT_SMTP_FROM;
}

/** Where links in mails point: PUBLIC_ORIGIN (the address users open), or none (the mail then names 管理番号 only). */
export function publicOrigin(env: NodeJS.ProcessEnv = process.env): string | null {
  const raw = env.PUBLIC_ORIGIN?.trim();
  if (!raw) return null;
  try {
    return new URL(raw).origin;
  } catch {
    return null;
  }
}
