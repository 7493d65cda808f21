/**
 * Refusing cross-site state changes (csrf.ts), and CSV the product hands out: formula cells neutralised (csv.ts) and the
 * import template still readable.
 */
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { crossSiteReason, type RequestOrigin } from "~/modules/auth/csrf";
import { FORMULA_START, toCsv, unescapeFormula } from "~/modules/csv";
import { INCIDENT_FIELDS } from "~/modules/incidents/schema";
import { canonicalHeader } from "~/modules/import/columns";
import { templateCsv } from "~/modules/import/template";

const SITE = "http://localhost:3000";
const post = (r: Partial<RequestOrigin>): RequestOrigin => ({ method: "POST", expected: SITE, ...r });

describe("cross-site request check", () => {
  it("lets GET, HEAD and OPTIONS through whatever their headers say", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "get"]) {
      expect(crossSiteReason({ method, expected: SITE })).toBeNull();
      expect(crossSiteReason({ method, expected: SITE, origin: "https://evil.example", secFetchSite: "cross-site" })).toBeNull();
    }
  });

  it("accepts a POST whose Origin is this site", () => {
    expect(crossSiteReason(post({ origin: SITE }))).toBeNull();
    expect(crossSiteReason(post({ origin: SITE, secFetchSite: "same-origin" }))).toBeNull();
  });

  it("refuses a POST from another origin, including another port or scheme of the same host", () => {
    for (const origin of ["https://evil.example", "http://localhost:3001", "https://localhost:3000"]) {
      expect(crossSiteReason(post({ origin }))).toBe(`Origin: ${origin}`);
    }
    for (const method of ["PUT", "PATCH", "DELETE", "post"]) {
      expect(crossSiteReason({ method, expected: SITE, origin: "https://evil.example" })).not.toBeNull();
    }
  });

  it('refuses Origin "null" (sandboxed frames, data: URLs)', () => {
    expect(crossSiteReason(post({ origin: "null" }))).toBe("Origin: null");
  });

  it("refuses a cross-site or same-site Sec-Fetch-Site even when the Origin matches", () => {
    expect(crossSiteReason(post({ origin: SITE, secFetchSite: "cross-site" }))).toBe("Sec-Fetch-Site: cross-site");
    expect(crossSiteReason(post({ origin: SITE, secFetchSite: "same-site" }))).toBe("Sec-Fetch-Site: same-site");
  });

  it("falls back to the Referer when there is no Origin", () => {
    expect(crossSiteReason(post({ referer: `${SITE}/incidents/new?x=1` }))).toBeNull();
    expect(crossSiteReason(post({ referer: "https://evil.example/page" }))).toBe("Referer from another site");
    expect(crossSiteReason(post({ referer: "not a url" }))).toBe("Referer from another site");
  });

  it("refuses a state change that proves nothing about where it comes from (fail closed)", () => {
    expect(crossSiteReason(post({}))).toBe("no Origin or Referer");
    expect(crossSiteReason(post({ origin: null, referer: null, secFetchSite: null }))).toBe("no Origin or Referer");
    expect(crossSiteReason(post({ secFetchSite: "none" }))).toBe("no Origin or Referer");
  });

  it("accepts the extra origins of ALLOWED_ORIGINS, by Origin and by Referer", () => {
    const allowed = ["https://kasuhara.example.co.jp"];
    expect(crossSiteReason(post({ allowed, origin: "https://kasuhara.example.co.jp" }))).toBeNull();
    expect(crossSiteReason(post({ allowed, referer: "https://kasuhara.example.co.jp/admin/users" }))).toBeNull();
    expect(crossSiteReason(post({ allowed, origin: SITE }))).toBeNull();
    expect(crossSiteReason(post({ allowed, origin: "https://other.example.co.jp" }))).not.toBeNull();
  });
});

describe("CSV output", () => {
  const cellsOf = (csv: string) => Papa.parse<string[]>(csv, { newline: "\r\n" }).data;

  it("prefixes ' to every cell that starts with = + - @, a tab or a carriage return", () => {
    const risky = ["=1+1", "+81 3 1234", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x","y")', "=1+1\nabc"];
    const [row] = cellsOf(toCsv([risky]));
    expect(row).toEqual(risky.map((c) => `'${c}`));
  });

  it("neutralises a formula followed by a line break (which papaparse's default pattern misses)", () => {
    const csv = toCsv([["=1+1\nabc", "ok"]]);
    expect(csv).toBe('"\'=1+1\nabc",ok');
    expect(FORMULA_START.test("=1+1\nabc")).toBe(true);
  });

  it("leaves numbers, ordinary text and formula characters after the first alone", () => {
    const csv = toCsv([[-5, 12.5, 0, "abc", "a=b", "東京本店", "", "'quoted"]]);
    expect(csv).toBe("-5,12.5,0,abc,a=b,東京本店,,'quoted");
  });

  it("writes CRLF between rows and honours the delimiter", () => {
    // papaparse also quotes the cell it escaped.
    expect(toCsv([["a", "b"], ["=c", "d"]], { delimiter: "\t" })).toBe("a\tb\r\n\"'=c\"\td");
  });

  it("undoes exactly that prefix when a file we gave out comes back", () => {
    for (const cell of ["=1+1", "+81", "-2", "@x", "\tx", "\rx", '=HYPERLINK("http://x","y")', "=1+1\nabc"]) {
      const [[written]] = cellsOf(toCsv([[cell]]));
      expect(unescapeFormula(written)).toBe(cell);
    }
    // A quote the user typed before ordinary text is theirs.
    expect(unescapeFormula("'abc")).toBe("'abc");
    expect(unescapeFormula("'")).toBe("'");
    expect(unescapeFormula("abc")).toBe("abc");
    expect(unescapeFormula("''=1")).toBe("''=1");
  });

  it("offers an import template that parses back to the canonical headers", () => {
    const csv = templateCsv();
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv.endsWith("\r\n")).toBe(true);
    const rows = Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: true }).data;
    const headers = INCIDENT_FIELDS.map(canonicalHeader);
    expect(rows[0]).toEqual(headers);
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows.slice(1)) {
      expect(row).toHaveLength(headers.length);
      for (const cell of row) expect(cell).not.toMatch(/^'/);
    }
  });
});
