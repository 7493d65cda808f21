/** The kinds of audit entry: shared by the server (writing) and the audit page (filters and labels). */
export const AUDIT_ACTION_NAMES = [
  "auth.signed_in",
  "auth.sign_in_failed",
  "auth.locked",
  "auth.signed_out",
  "auth.password_changed",
  "incident.viewed",
  "incident.created",
  "incident.updated",
  "incident.deleted",
  "import.committed",
  "import.undone",
  "import.errors_exported",
  "report.viewed",
  "report.issued",
  "report.exported",
  "user.created",
  "user.updated",
  "user.password_reset",
  "settings.updated",
  "audit.exported",
] as const;
export type AuditActionName = (typeof AUDIT_ACTION_NAMES)[number];
