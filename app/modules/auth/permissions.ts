/**
 * Who may do what: the one place that answers it (domain.md, "People who use it"). Loaders, actions, resource routes,
 * the navigation and the command line all ask here. Pure, so the browser bundle can use it to hide links.
 */

export const ROLES = ["admin", "hr", "supervisor", "executive"] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  /** The overview / dashboard: aggregates only. */
  | "dashboard.view"
  /** Incident list and detail (scoped: see incidentScope). */
  | "incidents.read"
  /** Create and edit incidents (scoped). */
  | "incidents.write"
  | "incidents.delete"
  | "incidents.import"
  /** Every field of many incidents as one file (the app's own export, re-importable): admin, HR. */
  | "incidents.export"
  /** The compliance report with lists of incidents (HR version). */
  | "reports.hr"
  /** The executive summary: aggregates with suppression. */
  | "reports.executive"
  | "users.manage"
  /** The department master: add, rename, merge, retire (issue 18). */
  | "departments.manage"
  | "settings.manage"
  | "audit.read"
  /** The measures register and the training sessions (admin, HR). */
  | "registers.manage"
  /** The consultation desk log (相談窓口): employees' consultations (admin, HR). */
  | "consultations.manage"
  /** An evidence pack with personal data in it (issue 20): admin only, and audited. */
  | "evidencePack.personalData";

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: [
    "dashboard.view", "incidents.read", "incidents.write", "incidents.delete", "incidents.import", "incidents.export",
    "reports.hr", "reports.executive", "users.manage", "departments.manage", "settings.manage", "audit.read", "registers.manage",
    "consultations.manage", "evidencePack.personalData",
  ],
  hr: [
    "dashboard.view", "incidents.read", "incidents.write", "incidents.delete", "incidents.import", "incidents.export", "reports.hr", "reports.executive",
    "registers.manage", "consultations.manage",
  ],
  supervisor: ["dashboard.view", "incidents.read", "incidents.write"],
  executive: ["dashboard.view", "reports.executive"],
};

/** What a permission check needs to know about a user. */
export interface Principal {
  role: Role;
  departmentId: number | null;
}

export function can(user: Principal | null | undefined, permission: Permission): boolean {
  return !!user && GRANTS[user.role].includes(permission);
}

/** Which incidents a user reaches: every one, or one department's. */
export type IncidentScope = { kind: "all" } | { kind: "department"; departmentId: number };

export function incidentScope(user: Principal): IncidentScope {
  if (user.role === "supervisor") {
    // A supervisor without a department is refused by the database (users_supervisor_department); -1 matches nothing.
    return { kind: "department", departmentId: user.departmentId ?? -1 };
  }
  return { kind: "all" };
}

/** Whether a user may open (or, with incidents.write, change) this incident. */
export function canReachIncident(user: Principal, incident: { departmentId: number | null }): boolean {
  if (!can(user, "incidents.read")) return false;
  const scope = incidentScope(user);
  return scope.kind === "all" || incident.departmentId === scope.departmentId;
}

/** Executives see aggregates only: no names, summaries, verbatim text or lists of incidents; small groups suppressed. */
export function seesPersonalData(user: Principal): boolean {
  return user.role !== "executive";
}

