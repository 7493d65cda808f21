/** Loading one incident for a page: signed in, permitted, the incident exists, and the user may reach it. */
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
  const incident = getIncident(getDb(), id);
  if (!incident) fail(404, "error.incidentNotFound");
  requireIncidentAccess(user, incident);
  return { user, id, incident };
}
