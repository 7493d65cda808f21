/**
 * Cross-site request forgery: a state-changing request (anything but GET, HEAD, OPTIONS) must come from a page of
 * this site. Browsers say where a request comes from (Sec-Fetch-Site, Origin, Referer); a request that proves
 * nothing is refused too (fail closed). SameSite=Lax on the session cookie is the second, independent layer.
 */

export interface RequestOrigin {
  method: string;
  /** The origin this server answers on, e.g. `http://localhost:3000`. */
  expected: string;
  /** More origins to accept (a reverse proxy that rewrites Host), from ALLOWED_ORIGINS. */
  allowed?: readonly string[];
  secFetchSite?: string | null;
  origin?: string | null;
  referer?: string | null;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Why a request is refused as cross-site, or null when it may go on. */
export function crossSiteReason(r: RequestOrigin): string | null {
  if (SAFE_METHODS.has(r.method.toUpperCase())) return null;
  const accepted = new Set([r.expected, ...(r.allowed ?? [])]);
  if (r.secFetchSite && r.secFetchSite !== "same-origin" && r.secFetchSite !== "none") {
    return `Sec-Fetch-Site: ${r.secFetchSite}`;
  }
  if (r.origin) return accepted.has(r.origin) ? null : `Origin: ${r.origin}`;
  if (r.referer) {
    const o = originOf(r.referer);
    return o && accepted.has(o) ? null : "Referer from another site";
  }
  return "no Origin or Referer";
}
