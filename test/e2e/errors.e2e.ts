/**
 * How an error reaches the user (docs/decisions/0013-one-error-path.md), over HTTP against the running app: an AppError
 * thrown by a loader is a page with its own status and message, in Japanese (not a 500); other thrown Responses (Remix's
 * own 404) still get the same page.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { HttpClient } from "../../scripts/http-client";
import { translate } from "~/i18n";

const baseURL = inject("baseURL");
const users = inject("users");
let admin: HttpClient;

beforeAll(async () => {
  admin = new HttpClient(baseURL);
  await admin.signIn(users.admin);
});

/**
 * The error page's heading status and what it says: the text of its section only (the page's data also carries the
 * error namespace's messages for the browser, every one of them).
 */
async function errorPage(res: Response): Promise<{ status: number; heading: string | undefined; text: string }> {
  // React separates adjacent text with empty comments: "(<!-- -->404<!-- -->)".
  const html = (await res.text()).replaceAll("<!-- -->", "");
  const section = /<section class="error-page">[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";
  return { status: res.status, heading: /<h1>[^<]*<small>\((\d+)\)<\/small><\/h1>/.exec(section)?.[1], text: section };
}

describe("the error page", () => {
  it("shows an AppError thrown by a loader with its status and Japanese message", async () => {
    // The user page's loader: fail(404, "auth.errors.userNotFound") — an AppError.
    const page = await errorPage(await admin.get("/admin/users/99999999"));
    expect(page.status).toBe(404);
    expect(page.heading).toBe("404");
    expect(page.text).toContain(translate("ja", "error.title"));
    expect(page.text).toContain(translate("ja", "auth.errors.userNotFound"));
    expect(page.text).not.toContain(translate("ja", "error.unexpected"));
  });

  it("shows a 403 AppError from the permission check with its message", async () => {
    const hr = new HttpClient(baseURL);
    await hr.signIn(users.hr);
    const page = await errorPage(await hr.get("/admin/settings"));
    expect(page.status).toBe(403);
    expect(page.heading).toBe("403");
    expect(page.text).toContain(translate("ja", "error.forbidden"));
  });

  it("answers a resource route's AppError with its status and the message key as text", async () => {
    const res = await admin.get("/dashboard.csv?chart=nonesuch");
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("error.notFound");
  });

  it("still shows Remix's own 404 for a path no route matches", async () => {
    const page = await errorPage(await admin.get("/no-such-page"));
    expect(page.status).toBe(404);
    expect(page.heading).toBe("404");
    expect(page.text).toContain(translate("ja", "error.notFound"));
  });
});
