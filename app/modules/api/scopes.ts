/** The scopes an API token may have: pure, so the admin page's form can list them in the browser too. */
export const API_SCOPES = ["aggregates:read", "incidents:read", "incidents:write"] as const;
export type ApiScope = (typeof API_SCOPES)[number];
