/**
 * The policy register (issue 20): versions of the company's policy with 周知日 and places published. Adding writes the
 * row and its audit entry in one transaction. Versions are not edited: a correction is a new version.
 */
import { asc } from "drizzle-orm";
import type { Conn, Db } from "../../../db/client.server";
import { policyVersions } from "../../../db/schema";
import { audit, type Actor } from "../auth/audit.server";
import { fieldErrorsOf, type FieldErrors } from "../forms";
import { policySchema, type PolicyField, type PolicyInput } from "./policy";

export interface PolicyRow {
  id: number;
  title: string;
  version: string;
  adoptedOn: string;
  announcedOn: string | null;
  places: string[];
  url: string | null;
  notes: string | null;
  createdBy: string | null;
  createdAt: string;
}

function placesOf(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((p): p is string => typeof p === "string") : [];
  } catch {
    return [];
  }
}

/** Every version, oldest adopted first. */
export function listPolicies(db: Conn): PolicyRow[] {
  return db
    .select()
    .from(policyVersions)
    .orderBy(asc(policyVersions.adoptedOn), asc(policyVersions.id))
    .all()
    .map((r) => ({ ...r, places: placesOf(r.places) }));
}

export function createPolicy(db: Db, input: PolicyInput, actor: Actor): number {
  return db.transaction((tx) => {
    const { id } = tx
      .insert(policyVersions)
      .values({ ...input, places: JSON.stringify(input.places), createdBy: actor.name })
      .returning({ id: policyVersions.id })
      .get();
    audit(tx, actor, "policy.created", { type: "policy", id }, { version: input.version, adoptedOn: input.adoptedOn, announcedOn: input.announcedOn });
    return id;
  });
}

export type PolicyFormResult = { ok: false; errors: FieldErrors; values: Record<PolicyField, string> } | { ok: true; id: number };

/** The page's action: validate (today = the Tokyo calendar day), then add. Invalid input writes nothing. */
export function addPolicyForm(db: Db, values: Record<PolicyField, string>, today: string, actor: Actor): PolicyFormResult {
  const parsed = policySchema(today).safeParse(values);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error.issues), values };
  return { ok: true, id: createPolicy(db, parsed.data, actor) };
}
