/**
 * A cookie-keeping HTTP client that sends what a browser on the app's own pages sends (Origin): for the HTTP tests and
 * the load benchmark.
 */
export class HttpClient {
  private cookie = "";
  constructor(private readonly baseURL: string) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.cookie ? { Cookie: this.cookie } : {}), ...extra };
  }

  private keepCookie(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(";")[0];
      const [name, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
      if (name === "kasuhara_session") this.cookie = value ? `${name}=${value}` : "";
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
    if (res.status !== 302 || !this.cookie) throw new Error(`sign-in as ${user.email} failed: ${res.status}`);
    return res;
  }
}

/** Where a 302 goes, as a path. */
export function location(res: Response): string {
  const to = res.headers.get("location") ?? "";
  return to.startsWith("http") ? new URL(to).pathname + new URL(to).search : to;
}
