/** Loading one incident for a page: signed in, permitted, the incident exists, and the user may reach it. */
import type { Conn } from "../../../db/client.server";
import { getDb } from "../db.server";
import { requireIncidentAccess, requireUser } from "../auth/guard.server";
import type { Permission } from "../auth/permissions";
import type { SessionUser } from "../auth/session.server";
import { fail, idParam } from "../http.server";
import { getIncident, type IncidentDetail } from "./queries.server";

export async function loadIncidentFor(
  request: Request,
  idText: string | undefined,
  permission: Permission,
): Promise<{ user: SessionUser; id: number; incident: IncidentDetail }> {
  const user = await requireUser(request, permission);
  const id = idParam(idText, "error.incidentNotFound");
  return { user, id, incident: reachableIncident(getDb(), id, user) };
}

/**
 * The incident as stored now, if it exists (404) and the user may reach it (403). Read again before showing a stale
 * form what is stored: the incident may have moved out of a supervisor's department since the form was opened.
 */
export function reachableIncident(db: Conn, id: number, user: SessionUser): IncidentDetail {
  const incident = getIncident(db, id);
  if (!incident) fail(404, "error.incidentNotFound");
  requireIncidentAccess(user, incident);
  return incident;
}
