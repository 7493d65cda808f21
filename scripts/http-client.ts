/**
 * A cookie-keeping HTTP client that sends what a browser on the app's own pages sends (Origin): for the HTTP tests and
 * the load benchmark.
 */
export class HttpClient {
  /** Every cookie the app set (the session, the sign-in device cookie), as a browser keeps them. */
  private readonly cookies = new Map<string, string>();
  constructor(private readonly baseURL: string) {}

  /** The Cookie header this client sends, for a test that builds its own request (a multipart upload). */
  get cookie(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookie = this.cookie;
    return { ...(cookie ? { Cookie: cookie } : {}), ...extra };
  }

  private keepCookie(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(";")[0];
      const [name, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
  }

  async get(path: string): Promise<Response> {
    const res = await fetch(this.baseURL + path, { redirect: "manual", headers: this.headers() });
    this.keepCookie(res);
    return res;
  }

  /** Posts a form: fields (urlencoded), or a body already built (URLSearchParams, or FormData for a file upload). */
  async post(
    path: string,
    form: Record<string, string | string[]> | URLSearchParams | FormData = {},
    headers: Record<string, string> = { Origin: this.baseURL },
  ): Promise<Response> {
    let body: URLSearchParams | FormData;
    if (form instanceof URLSearchParams || form instanceof FormData) body = form;
    else {
      body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    }
    const res = await fetch(this.baseURL + path, { method: "POST", redirect: "manual", body, headers: this.headers(headers) });
    this.keepCookie(res);
    return res;
  }

  async signIn(user: { email: string; password: string }): Promise<Response> {
    const res = await this.post("/login", { email: user.email, password: user.password });
    if (res.status !== 302 || !this.cookies.has("kasuhara_session")) throw new Error(`sign-in as ${user.email} failed: ${res.status}`);
    return res;
  }
}

/** Where a 302 goes, as a path. */
export function location(res: Response): string {
  const to = res.headers.get("location") ?? "";
  return to.startsWith("http") ? new URL(to).pathname + new URL(to).search : to;
}
