/** How a user receives notifications by e-mail (issue 19): shared by the account form (browser) and the server. */
import { z } from "zod";

export const MAIL_PREFERENCES = ["immediate", "digest", "none"] as const;
export type MailPreference = (typeof MAIL_PREFERENCES)[number];

export const mailPreferenceSchema = z.object({ notifyMail: z.enum(MAIL_PREFERENCES) });
