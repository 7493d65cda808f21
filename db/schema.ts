/**
 * The database schema: the source of truth for every table. `npm run db:generate` writes the migration SQL
 * into db/migrations, which is read, committed and applied at start (never `push`).
 *
 * Conventions
 * - Dates are ISO text. A date-time is stored normalised to Asia/Tokyo with its offset
 *   (`2025-04-01T10:30:00+09:00`) so that text order is time order; a date alone is `YYYY-MM-DD`.
 * - `occurred_on` is the Asia/Tokyo calendar day of `occurred_at`, kept beside it so that periods, filters and
 *   month buckets use an index instead of parsing every row.
 * - Yes/no fields are nullable integers: null is "unknown", which reports count as `unknown`.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const departments = sqliteTable("departments", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  /** NFKC + trim + case fold: the key that makes "東京本店" typed twice one department. */
  normalizedName: text("normalized_name").notNull().unique("departments_normalized_name_unique"),
  inTokyo: integer("in_tokyo", { mode: "boolean" }),
  /** Retired by an admin: kept for history and filters of past periods, no longer offered for new entries. */
  retiredAt: text("retired_at"),
  /** Merged by an admin into another department: its incidents and users moved there; the row stays for history. */
  mergedIntoId: integer("merged_into_id"),
  /** Optimistic concurrency: every update increments it, a stale form's version is refused (issue 18). */
  version: integer("version").notNull().default(1),
  createdAt: text("created_at").notNull().default(now),
});

export const clients = sqliteTable("clients", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  /** The name as first entered, for display. */
  name: text("name").notNull(),
  /** NFKC + trim + case fold, so "ＡＢＣ商事" = "ABC商事" = "abc商事". */
  normalizedName: text("normalized_name").notNull().unique("clients_normalized_name_unique"),
  counterpartyType: text("counterparty_type"),
  createdAt: text("created_at").notNull().default(now),
});

export const importBatches = sqliteTable(
  "import_batches",
  {
    id: text("id").primaryKey(),
    fileName: text("file_name").notNull(),
    sha256: text("sha256").notNull(),
    encoding: text("encoding").notNull(),
    delimiter: text("delimiter"),
    rows: integer("rows").notNull().default(0),
    imported: integer("imported").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    duplicates: integer("duplicates").notNull().default(0),
    invalid: integer("invalid").notNull().default(0),
    importedBy: text("imported_by"),
    createdAt: text("created_at").notNull().default(now),
    undoneAt: text("undone_at"),
    undoneBy: text("undone_by"),
  },
  (t) => [index("import_batches_sha256_idx").on(t.sha256), index("import_batches_created_at_idx").on(t.createdAt)],
);

/**
 * Column mappings saved by name on the import page (issue 16): a file whose header row is the same as a saved one's is
 * read with it again, and any mapping can be chosen by name. `headers` is the normalised header row (JSON array);
 * `columns` maps each header as written to a field or "" (left out); `preset` the source preset it was made with.
 */
export const importMappings = sqliteTable("import_mappings", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique("import_mappings_name_unique"),
  headers: text("headers").notNull(),
  columns: text("columns").notNull(),
  preset: text("preset"),
  savedBy: text("saved_by"),
  savedAt: text("saved_at").notNull().default(now),
});

/**
 * Changes to stored data that SQL alone cannot make (db/data-fixes.server.ts), each applied once, in its own
 * transaction, when the database is opened: the name of each one applied and when.
 */
export const dataFixes = sqliteTable("data_fixes", {
  name: text("name").primaryKey(),
  appliedAt: text("applied_at").notNull().default(now),
});

export const incidents = sqliteTable(
  "incidents",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ref: text("ref").unique("incidents_ref_unique"),
    occurredAt: text("occurred_at").notNull(),
    occurredOn: text("occurred_on").notNull(),
    reportedAt: text("reported_at"),
    departmentId: integer("department_id").references(() => departments.id, { onDelete: "restrict" }),
    inTokyo: integer("in_tokyo", { mode: "boolean" }),
    channel: text("channel").notNull(),
    clientId: integer("client_id").references(() => clients.id, { onDelete: "restrict" }),
    counterpartyType: text("counterparty_type"),
    customerIdentified: integer("customer_identified", { mode: "boolean" }),
    validity: text("validity"),
    severity: integer("severity"),
    durationMin: integer("duration_min"),
    contactCount: integer("contact_count"),
    responders: integer("responders"),
    recorded: integer("recorded", { mode: "boolean" }),
    summary: text("summary"),
    verbatim: text("verbatim"),
    determination: text("determination"),
    outcome: text("outcome"),
    status: text("status", { enum: ["open", "closed"] }).notNull().default("open"),
    /** When retention erased the personal fields (summary, verbatim, client); the coded facts stay. */
    personalErasedAt: text("personal_erased_at"),
    closedAt: text("closed_at"),
    /**
     * A closed case whose close date nobody recorded (old ledgers): shown as 終了日不明, never given an invented date
     * (docs/decisions/0021). Only with status closed and no closed_at.
     */
    closedDateUnknown: integer("closed_date_unknown", { mode: "boolean" }).notNull().default(false),
    reportSubmittedAt: text("report_submitted_at"),
    prevention: text("prevention"),
    /** Duplicate key for rows without a ref: occurred_at, client, department, channel and summary, normalised. */
    fingerprint: text("fingerprint").notNull(),
    batchId: text("batch_id").references(() => importBatches.id, { onDelete: "set null" }),
    /** Optimistic concurrency: every update increments it, a stale form's version is refused (issue 18). */
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    index("incidents_occurred_idx").on(t.occurredAt, t.id),
    index("incidents_occurred_on_idx").on(t.occurredOn),
    index("incidents_department_idx").on(t.departmentId, t.occurredAt),
    index("incidents_client_idx").on(t.clientId, t.occurredAt),
    index("incidents_channel_idx").on(t.channel, t.occurredAt),
    index("incidents_outcome_idx").on(t.outcome, t.occurredAt),
    index("incidents_severity_idx").on(t.severity, t.occurredAt),
    index("incidents_status_idx").on(t.status, t.occurredAt),
    index("incidents_determination_idx").on(t.determination, t.occurredAt),
    // Only rows without a ref are ever looked up by fingerprint (the importer's duplicate rule): the others need no entry.
    index("incidents_fingerprint_idx").on(t.fingerprint).where(sql`${t.ref} is null`),
    index("incidents_batch_idx").on(t.batchId),
    check("incidents_status_check", sql`${t.status} in ('open','closed')`),
    check("incidents_severity_check", sql`${t.severity} is null or ${t.severity} between 1 and 4`),
    check("incidents_responders_check", sql`${t.responders} is null or ${t.responders} >= 1`),
    check("incidents_contact_count_check", sql`${t.contactCount} is null or ${t.contactCount} >= 1`),
    check("incidents_duration_check", sql`${t.durationMin} is null or ${t.durationMin} >= 0`),
    check("incidents_closed_at_check", sql`${t.status} = 'open' or ${t.closedAt} is not null or ${t.closedDateUnknown} = 1`),
    check("incidents_closed_date_unknown_check", sql`${t.closedDateUnknown} = 0 or (${t.status} = 'closed' and ${t.closedAt} is null)`),
  ],
);

/**
 * Incidents an import stored that are not yet in the search index (docs/decisions/0030): the ids after `indexed_to`
 * up to `last_id`. An import stores its rows without indexing them, inside its write lock; search-index.server.ts
 * indexes them after the commit, a few thousand at a time, and deletes the row when it is done. The search index's
 * triggers leave rows still waiting here alone (migration 0022).
 */
export const searchBacklog = sqliteTable("search_backlog", {
  lastId: integer("last_id").primaryKey(),
  indexedTo: integer("indexed_to").notNull(),
});

/**
 * The multi-valued coded fields (behaviours, legal_flags, responses, care), one row per incident and code. Stored
 * WITHOUT ROWID since migration 0012 (drizzle cannot declare it): the rows live in primary-key order.
 * `occurred_on` is copied from the incident so a breakdown by code over a period reads one covering index
 * without touching the incidents table.
 */
export const incidentCodes = sqliteTable(
  "incident_codes",
  {
    incidentId: integer("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    field: text("field", { enum: ["behaviours", "legal_flags", "responses", "care"] }).notNull(),
    code: text("code").notNull(),
    occurredOn: text("occurred_on").notNull(),
  },
  (t) => [
    primaryKey({ name: "incident_codes_pk", columns: [t.incidentId, t.field, t.code] }),
    // The cube's months by code and the list's code filters; (field, occurred_on, code) served no query and went in 0012.
    index("incident_codes_field_code_idx").on(t.field, t.code, t.occurredOn, t.incidentId),
  ],
);

/**
 * What an import with `--update` replaced: the incident as it was before, so undoing the batch can put it back.
 * (Incidents the batch inserted carry its id in `incidents.batch_id` and are simply deleted on undo.)
 */
export const importBatchChanges = sqliteTable(
  "import_batch_changes",
  {
    batchId: text("batch_id")
      .notNull()
      .references(() => importBatches.id, { onDelete: "cascade" }),
    incidentId: integer("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    /** The incident's IncidentInput as JSON, before the batch replaced it. */
    before: text("before").notNull(),
  },
  (t) => [primaryKey({ name: "import_batch_changes_pk", columns: [t.batchId, t.incidentId] })],
);

export const measures = sqliteTable("measures", {
  code: text("code").primaryKey(),
  status: text("status", { enum: ["in_place", "partial", "not_yet"] }).notNull().default("not_yet"),
  evidenceText: text("evidence_text"),
  evidenceUrl: text("evidence_url"),
  inPlaceOn: text("in_place_on"),
  reviewedOn: text("reviewed_on"),
  updatedBy: text("updated_by"),
  /** Optimistic concurrency: every update increments it, a stale form's version is refused (issue 18). */
  version: integer("version").notNull().default(1),
  updatedAt: text("updated_at").notNull().default(now),
});

export const trainingSessions = sqliteTable(
  "training_sessions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    heldOn: text("held_on").notNull(),
    title: text("title").notNull(),
    attendees: integer("attendees").notNull().default(0),
    invited: integer("invited").notNull().default(0),
    notes: text("notes"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("training_sessions_held_on_idx").on(t.heldOn)],
);

/**
 * Headcount per department per fiscal year (issue 20): the denominator of incidents per 100 employees. Entered by HR
 * for every active department of a year in one form; a department merged or retired keeps the years it had.
 */
export const headcounts = sqliteTable(
  "headcounts",
  {
    departmentId: integer("department_id").notNull().references(() => departments.id, { onDelete: "restrict" }),
    /** The fiscal year by its starting calendar year (FY2025 = 2025), as settings.fiscalYearStartMonth counts it. */
    fiscalYear: integer("fiscal_year").notNull(),
    headcount: integer("headcount").notNull(),
    updatedBy: text("updated_by"),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    primaryKey({ name: "headcounts_pk", columns: [t.departmentId, t.fiscalYear] }),
    index("headcounts_fiscal_year_idx").on(t.fiscalYear),
    check("headcounts_headcount_positive", sql`${t.headcount} > 0`),
  ],
);

/** One row (id = 1) of typed settings. */
export const settings = sqliteTable(
  "settings",
  {
    id: integer("id").primaryKey(),
    fiscalYearStartMonth: integer("fiscal_year_start_month").notNull().default(4),
    suppressionThreshold: integer("suppression_threshold").notNull().default(3),
    nationalObligationDate: text("national_obligation_date").notNull().default("2026-10-01"),
    writtenReportDeadlineDays: integer("written_report_deadline_days").notNull().default(7),
    /** Years after closing after which an incident's personal fields are erased (null: never). */
    retentionYears: integer("retention_years").default(5),
    /**
     * The installation's secret key of executive disclosure control (analytics/disclosure.server.ts): which count is
     * hidden to protect a small one follows a keyed hash, so the rule cannot point at it. Set by a data fix.
     */
    disclosureKey: text("disclosure_key"),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    check("settings_single_row", sql`${t.id} = 1`),
    check("settings_fy_month", sql`${t.fiscalYearStartMonth} between 1 and 12`),
    check("settings_threshold", sql`${t.suppressionThreshold} >= 1`),
    check("settings_deadline", sql`${t.writtenReportDeadlineDays} >= 0`),
  ],
);

export type Incident = typeof incidents.$inferSelect;
export type Settings = typeof settings.$inferSelect;

/** Who may sign in. Users are never deleted (the audit trail names them); they are disabled. */
export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Lower-cased and NFKC-normalised, so the sign-in matches however it is typed. */
    email: text("email").notNull(),
    displayName: text("display_name"),
    role: text("role", { enum: ["admin", "hr", "supervisor", "executive"] }).notNull(),
    /** The department a supervisor records and sees; other roles may have one for information. */
    departmentId: integer("department_id").references(() => departments.id, { onDelete: "restrict" }),
    /** `scrypt$N$r$p$salt$hash` (base64). */
    passwordHash: text("password_hash").notNull(),
    /** Set for one-time passwords (first admin, new users, resets): the next sign-in must choose a new one. */
    mustChangePassword: integer("must_change_password", { mode: "boolean" }).notNull().default(false),
    passwordChangedAt: text("password_changed_at").notNull().default(now),
    disabledAt: text("disabled_at"),
    /**
     * How notifications reach the user by e-mail (issue 19): each at once, one daily digest, or not at all. No CHECK:
     * adding one would make drizzle rebuild the users table (and drop its triggers); the form's zod schema guards it.
     */
    notifyMail: text("notify_mail", { enum: ["immediate", "digest", "none"] }).notNull().default("immediate"),
    /** Optimistic concurrency: every update increments it, a stale form's version is refused (issue 18). */
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    check("users_role", sql`${t.role} in ('admin', 'hr', 'supervisor', 'executive')`),
    check("users_supervisor_department", sql`${t.role} <> 'supervisor' or ${t.departmentId} is not null`),
  ],
);

/**
 * Server-side sessions: the cookie holds a random token, the table only its SHA-256, so a copy of the database
 * cannot be used to sign in. Signing out deletes the row.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: text("created_at").notNull(),
    lastSeenAt: text("last_seen_at").notNull(),
    /** The absolute end, however active the session is. */
    expiresAt: text("expires_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

/** Failed sign-ins per account (`account:<email>`) and per address (`address:<ip>`), for slowing down and locking. */
export const loginThrottle = sqliteTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  windowStartedAt: text("window_started_at").notNull(),
  lockedUntil: text("locked_until"),
});

/**
 * The append-only audit trail: triggers (migration 0003) refuse UPDATE and DELETE. No foreign key to users, so an
 * entry outlives anything it names; `actor` keeps the e-mail as it was.
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** UTC, ISO 8601 with milliseconds. */
    at: text("at").notNull().default(now),
    userId: integer("user_id"),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    /** JSON: which fields, counts, reasons. Never free text or names of the incident. */
    detail: text("detail"),
    ip: text("ip"),
  },
  (t) => [
    index("audit_log_at").on(t.at),
    index("audit_log_actor_at").on(t.actor, t.at),
    index("audit_log_action_at").on(t.action, t.at),
    index("audit_log_target").on(t.targetType, t.targetId),
  ],
);

export type User = typeof users.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;

/**
 * One row per month that has incidents, whose generation goes up whenever an incident of that month is added, changed
 * or deleted (triggers, migration 0005). The dashboard's in-memory figures (analytics/cube.server.ts) reload exactly
 * the months whose generation moved — whoever wrote them: the app, an import on its own connection, the command line.
 */
export const analyticsMonths = sqliteTable("analytics_months", {
  month: text("month").primaryKey(),
  generation: integer("generation").notNull().default(0),
});

/**
 * Issued compliance reports: the figures frozen at the time of issue, with their SHA-256, so a report reads the same
 * forever even when incidents change later. Append-only like the audit trail (triggers, migration 0007).
 */
export const issuedReports = sqliteTable(
  "issued_reports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    periodKey: text("period_key").notNull(),
    periodFrom: text("period_from").notNull(),
    periodTo: text("period_to").notNull(),
    audience: text("audience", { enum: ["hr", "executive"] }).notNull(),
    issuedAt: text("issued_at").notNull(),
    issuedBy: text("issued_by").notNull(),
    /** SHA-256 (hex) of `content` exactly as stored. */
    sha256: text("sha256").notNull(),
    /** The report object as JSON. */
    content: text("content").notNull(),
  },
  (t) => [index("issued_reports_period").on(t.periodKey, t.audience, t.issuedAt)],
);
export type IssuedReport = typeof issuedReports.$inferSelect;

/**
 * Scheduled reports (issue 20, docs/decisions/0032): an admin asks for a report of every month, fiscal quarter or fiscal
 * year, for HR or executives, from a first period on. The app issues each period once it has closed. A schedule is
 * never deleted, only stopped, so its issuances keep their meaning.
 */
export const reportSchedules = sqliteTable(
  "report_schedules",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    frequency: text("frequency", { enum: ["monthly", "quarterly", "fiscal_year"] }).notNull(),
    audience: text("audience", { enum: ["hr", "executive"] }).notNull(),
    /** The first period issued, a key of the frequency's kind: `2025-04`, `FY2025-Q1`, `FY2025`. */
    startsWith: text("starts_with").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull().default(now),
    /** Null while active; set once when stopped. */
    stoppedAt: text("stopped_at"),
    stoppedBy: text("stopped_by"),
  },
  (t) => [
    check("report_schedules_frequency", sql`${t.frequency} in ('monthly', 'quarterly', 'fiscal_year')`),
    check("report_schedules_audience", sql`${t.audience} in ('hr', 'executive')`),
  ],
);
export type ReportSchedule = typeof reportSchedules.$inferSelect;

/**
 * One row per (schedule, period) issued: the UNIQUE pair is what makes a period issued once, even when the server's
 * scheduler and a cron `npm run report -- --issue-due` run at the same moment (the loser's transaction inserts nothing
 * and rolls its report back).
 */
export const reportIssuances = sqliteTable(
  "report_issuances",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    scheduleId: integer("schedule_id")
      .notNull()
      .references(() => reportSchedules.id),
    periodKey: text("period_key").notNull(),
    issuedReportId: integer("issued_report_id")
      .notNull()
      .references(() => issuedReports.id),
    issuedAt: text("issued_at").notNull(),
  },
  (t) => [uniqueIndex("report_issuances_schedule_period").on(t.scheduleId, t.periodKey)],
);
export type ReportIssuance = typeof reportIssuances.$inferSelect;

/**
 * The policy's 「カスタマーハラスメント是正処置計画書兼報告書」 for an incident (one per incident): what happened, why,
 * the corrective actions, the supervisor's comment and approval. Submitting it sets the incident's
 * report_submitted_at (response-flow step ⑤).
 */
export const incidentReports = sqliteTable(
  "incident_reports",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    incidentId: integer("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["draft", "submitted", "approved"] }).notNull().default("draft"),
    whatHappened: text("what_happened"),
    causeAnalysis: text("cause_analysis"),
    /**
     * JSON array of { action, owner, ownerUserId?, due (YYYY-MM-DD), done (boolean), doneOn?, doneBy? (user id) }
     * (CorrectiveAction in report-schema.ts; the optional fields since issue 19).
     */
    actions: text("actions").notNull().default("[]"),
    supervisorComment: text("supervisor_comment"),
    submittedOn: text("submitted_on"),
    submittedBy: text("submitted_by"),
    approvedOn: text("approved_on"),
    approvedBy: text("approved_by"),
    /** Optimistic concurrency: every update increments it, a stale form's version is refused (issue 18). */
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("incident_reports_incident_unique").on(t.incidentId),
    check("incident_reports_status", sql`${t.status} in ('draft', 'submitted', 'approved')`),
  ],
);

/**
 * The consultation desk (相談窓口) log: employees' consultations, including after the fact. The employee is a
 * pseudonymous reference, never a name. Only HR and admin see it.
 */
export const consultations = sqliteTable(
  "consultations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    receivedOn: text("received_on").notNull(),
    route: text("route", { enum: ["desk", "phone", "email", "meeting"] }).notNull(),
    employeeRef: text("employee_ref"),
    anonymous: integer("anonymous", { mode: "boolean" }).notNull().default(false),
    incidentId: integer("incident_id").references(() => incidents.id, { onDelete: "set null" }),
    firstResponseOn: text("first_response_on"),
    followUp: text("follow_up"),
    closedOn: text("closed_on"),
    createdBy: text("created_by"),
    /** Optimistic concurrency: every update increments it, a stale form's version is refused (issue 18). */
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    index("consultations_received_on").on(t.receivedOn),
    check("consultations_route", sql`${t.route} in ('desk', 'phone', 'email', 'meeting')`),
  ],
);
export type IncidentReport = typeof incidentReports.$inferSelect;
export type Consultation = typeof consultations.$inferSelect;

/** Evidence kept with an incident (recordings, e-mails, screenshots): the file lives outside the database. */
export const evidenceFiles = sqliteTable(
  "evidence_files",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    incidentId: integer("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    fileName: text("file_name").notNull(),
    mimeType: text("mime_type").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    /** The name under the evidence folder (random, never the user's file name). */
    storedName: text("stored_name").notNull(),
    uploadedBy: text("uploaded_by").notNull(),
    uploadedAt: text("uploaded_at").notNull().default(now),
    /**
     * A wrong file removed by HR or an admin (issue 19): the stored file is deleted, the row stays as the record of
     * what was there (name, size, SHA-256, uploader), with when, by whom (user id) and why it was removed.
     */
    removedAt: text("removed_at"),
    removedBy: integer("removed_by"),
    removedReason: text("removed_reason"),
  },
  (t) => [index("evidence_files_incident").on(t.incidentId)],
);
export type EvidenceFile = typeof evidenceFiles.$inferSelect;

/**
 * Every backup attempt (docs/decisions/0010): the copy's file, size and SHA-256, the row counts of its snapshot, and
 * whether its verification passed (or why it failed). No foreign key to users, like the audit trail: an entry
 * outlives anything it names.
 */
export const backups = sqliteTable(
  "backups",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** UTC, ISO 8601 with milliseconds. */
    startedAt: text("started_at").notNull(),
    finishedAt: text("finished_at").notNull(),
    /** Absolute path of the copy as written. */
    file: text("file").notNull(),
    bytes: integer("bytes"),
    sha256: text("sha256"),
    status: text("status", { enum: ["ok", "failed"] }).notNull(),
    /** Why it failed (Japanese, then English); null when it succeeded. */
    message: text("message"),
    /** JSON: rows per table in the snapshot that was copied. */
    counts: text("counts"),
    trigger: text("trigger", { enum: ["cli", "web", "pre-restore"] }).notNull(),
    userId: integer("user_id"),
    userName: text("user_name").notNull(),
  },
  (t) => [
    index("backups_started_at").on(t.startedAt),
    check("backups_status", sql`${t.status} in ('ok', 'failed')`),
    check("backups_trigger", sql`${t.trigger} in ('cli', 'web', 'pre-restore')`),
  ],
);
export type Backup = typeof backups.$inferSelect;

/**
 * What a user is told (issue 19, docs/decisions/0028): a new incident of their department, a submitted report, an
 * overdue corrective action. `event_key` names the event, and (user, event) is unique, so an event is never told twice
 * however often the sweep runs. `payload` (JSON) holds identifiers and codes only — 管理番号, department id, category
 * codes, counts, due dates — never names or free text, since the same content leaves the database by e-mail.
 * `mail_status`: `none` (not mailed: no SMTP, or the user chose none), `pending`, `sent`, `failed` (retried by the
 * daily sweep up to a limit). `mail_mode` is the user's choice when the notification was made.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["incident_created", "incidents_imported", "report_submitted", "action_overdue", "report_issued"] }).notNull(),
    eventKey: text("event_key").notNull(),
    incidentId: integer("incident_id").references(() => incidents.id, { onDelete: "cascade" }),
    payload: text("payload").notNull().default("{}"),
    createdAt: text("created_at").notNull().default(now),
    readAt: text("read_at"),
    mailMode: text("mail_mode", { enum: ["immediate", "digest"] }).notNull().default("immediate"),
    mailStatus: text("mail_status", { enum: ["none", "pending", "sent", "failed"] }).notNull().default("none"),
    mailAttempts: integer("mail_attempts").notNull().default(0),
    mailedAt: text("mailed_at"),
  },
  (t) => [
    uniqueIndex("notifications_user_event_unique").on(t.userId, t.eventKey),
    index("notifications_user_created").on(t.userId, t.createdAt),
    index("notifications_user_unread").on(t.userId).where(sql`${t.readAt} is null`),
    index("notifications_mail_due").on(t.mailStatus).where(sql`${t.mailStatus} in ('pending', 'failed')`),
    check("notifications_kind", sql`${t.kind} in ('incident_created', 'incidents_imported', 'report_submitted', 'action_overdue', 'report_issued')`),
    check("notifications_mail_mode", sql`${t.mailMode} in ('immediate', 'digest')`),
    check("notifications_mail_status", sql`${t.mailStatus} in ('none', 'pending', 'sent', 'failed')`),
  ],
);
export type Notification = typeof notifications.$inferSelect;

/**
 * Named views of the incident list (issue 19): a user's own filters under a name they chose. Per user only: every read
 * and write goes through the owner's id, so another user's view id reaches nothing. `search` is the list's URL query
 * (filters and sort, without the page), as listQueryToSearch writes it.
 */
export const savedViews = sqliteTable(
  "saved_views",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** NFKC + trim + case fold of the name: one user cannot have two views that read the same. */
    normalizedName: text("normalized_name").notNull(),
    search: text("search").notNull(),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("saved_views_user_name_unique").on(t.userId, t.normalizedName)],
);
export type SavedView = typeof savedViews.$inferSelect;

/**
 * Tokens of the JSON API (/api/v1, issue 20, docs/decisions/0031-json-api.md): one per client system, acting as one
 * user (whose role and department apply) with some scopes. Only the secret's SHA-256 is stored; the secret is shown
 * once when issued. Revoked and expired tokens stay for the audit trail.
 */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    clientName: text("client_name").notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    /** JSON array of scopes (`aggregates:read`, `incidents:read`, `incidents:write`), as granted when issued. */
    scopes: text("scopes").notNull(),
    /** SHA-256 (hex) of the secret. */
    secretHash: text("secret_hash").notNull(),
    /** The last Tokyo calendar day the token works (YYYY-MM-DD). */
    expiresOn: text("expires_on").notNull(),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: text("created_at").notNull().default(now),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_tokens_secret_hash_unique").on(t.secretHash), index("api_tokens_user").on(t.userId)],
);
export type ApiToken = typeof apiTokens.$inferSelect;

/**
 * Answers to POSTs carrying an Idempotency-Key (24 h): the same key and body replays the stored answer, the same key
 * with another body is refused. Written in the same transaction as what the request created.
 */
export const apiIdempotency = sqliteTable(
  "api_idempotency",
  {
    tokenId: integer("token_id")
      .notNull()
      .references(() => apiTokens.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    /** SHA-256 (hex) of the method, path and body. */
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    /** The JSON body answered. */
    body: text("body").notNull(),
    location: text("location"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.key] }), index("api_idempotency_created").on(t.createdAt)],
);

/**
 * The policy register (issue 20): each version of the company's customer-harassment policy (基本方針), the day it was
 * adopted, the day it was announced (周知日) and where it was published (a JSON array of free-text places: 社内イントラ,
 * 店頭掲示, 自社ウェブサイト…). Measures G01/N1 ask the company to show exactly this. Versions are added, not edited:
 * the version in force on a day is the latest adopted on or before it.
 */
export const policyVersions = sqliteTable(
  "policy_versions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    title: text("title").notNull(),
    version: text("version").notNull(),
    adoptedOn: text("adopted_on").notNull(),
    announcedOn: text("announced_on"),
    /** JSON array of strings. */
    places: text("places").notNull().default("[]"),
    url: text("url"),
    notes: text("notes"),
    createdBy: text("created_by"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("policy_versions_adopted_on").on(t.adoptedOn)],
);
export type PolicyVersion = typeof policyVersions.$inferSelect;
