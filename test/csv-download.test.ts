/**
 * CSV downloads in UTF-8 (BOM) or Shift_JIS (CP932), docs/decisions/0019: the same text in both, and never a file with
 * `?` where a character was.
 */
import { describe, expect, it } from "vitest";
import { toCsv } from "~/modules/csv";
import {
  csvDownload, CsvDownloadError, csvEncodingOf, csvResponse, csvStreamResponse, type CsvPager, encodeCsv, fileNameFor,
  unencodableChars,
} from "~/modules/csv-download.server";
import { withEncoding } from "~/modules/csv-encoding";
import { templateCsv } from "~/modules/import/template";

const sjis = new TextDecoder("shift_jis");
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
/** Japanese, CP932's NEC and IBM extensions, half-width kana, a fullwidth tilde, a formula, quotes and line breaks. */
const JAPANESE = toCsv([
  ["管理番号", "顧客名", "概要"],
  ["KH-1", "㈱ミナト商事", "①土下座を要求、髙橋様・﨑山様に「10時～12時」電話"],
  ["KH-2", 'ｶﾌﾞｼｷｶﾞｲｼｬ "引用"', "=SUM(1)\r\n改行のある文, カンマ"],
]);
const request = (query: string, lang: "ja" | "en" = "ja") =>
  new Request(`http://localhost/some/file.csv${query}`, { headers: { Cookie: `lang=${lang}` } });

async function bytesOf(res: Response): Promise<Uint8Array> {
  return new Uint8Array(await res.arrayBuffer());
}

describe("the encoding parameter", () => {
  it("is UTF-8 when absent, and reads utf-8 / shift_jis in any case", () => {
    expect(csvEncodingOf(new URL("http://x/a.csv"))).toBe("utf-8");
    expect(csvEncodingOf(new URL("http://x/a.csv?encoding=utf-8"))).toBe("utf-8");
    expect(csvEncodingOf(new URL("http://x/a.csv?encoding=Shift_JIS"))).toBe("shift_jis");
  });

  it("answers anything else with a 400 page naming the value, with the UTF-8 link", async () => {
    const res = await csvDownload(request("?encoding=latin1&x=1"), () => new Response("never"));
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    expect(html).toContain("文字コードの指定「latin1」には対応していません");
    expect(html).toContain('href="/some/file.csv?encoding=utf-8&amp;x=1"');
  });

  it("is added to a link keeping its query", () => {
    expect(withEncoding("/dashboard.csv?period=FY2025&chart=trend", "shift_jis")).toBe("/dashboard.csv?period=FY2025&chart=trend&encoding=shift_jis");
    expect(withEncoding("/import/template.csv", "utf-8")).toBe("/import/template.csv?encoding=utf-8");
    expect(withEncoding("/a.csv?encoding=utf-8", "shift_jis")).toBe("/a.csv?encoding=shift_jis");
  });
});

describe("a CSV in both encodings", () => {
  it("gives UTF-8 with a BOM, and Shift_JIS without, that decode to the same text", async () => {
    for (const text of [JAPANESE, templateCsv()]) {
      const u = await bytesOf(csvResponse(text, "utf-8", { ascii: "a.csv" }));
      const s = await bytesOf(csvResponse(text, "shift_jis", { ascii: "a.csv" }));
      expect([...u.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect([...s.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
      const fromUtf8 = utf8.decode(u).slice(1);
      expect(sjis.decode(s)).toBe(fromUtf8);
      expect(fromUtf8).toBe(text.replace(/^\uFEFF/, ""));
      // Not a UTF-8 file by mistake.
      expect(s.length).toBeLessThan(u.length);
    }
  });

  it("labels each and names the Shift_JIS file apart", () => {
    const s = csvResponse("a\r\n", "shift_jis", { ascii: "report.csv", unicode: "報告.csv" });
    expect(s.headers.get("content-type")).toBe("text/csv; charset=Shift_JIS");
    expect(s.headers.get("content-disposition")).toBe(
      `attachment; filename="report-sjis.csv"; filename*=UTF-8''${encodeURIComponent("報告-sjis.csv")}`,
    );
    const u = csvResponse("a\r\n", "utf-8", { ascii: "report.csv" });
    expect(u.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(u.headers.get("content-disposition")).toBe('attachment; filename="report.csv"');
    expect(fileNameFor("x", "shift_jis")).toBe("x-sjis");
  });
});

describe("characters Shift_JIS cannot write", () => {
  it("are found, astral ones whole, each once, in order; CP932's own extensions are not among them", () => {
    expect(unencodableChars("𠮷野家😀と𠮷、①㈱髙﨑ⅰ～")).toEqual(["𠮷", "😀"]);
    // A wave dash, ¥ (would come back as a backslash), a no-break space, an é, a minus sign.
    expect(unencodableChars("〜¥\u00A0é−")).toEqual(["〜", "¥", "\u00A0", "é", "−"]);
    expect(unencodableChars("abc〜def〜", 5)).toEqual(["〜"]);
    expect(unencodableChars("a\uD800b")).toEqual(["\uD800"]);
    expect(unencodableChars("1234567", 3)).toEqual([]);
  });

  it("refuse the file with a 422 page that names them (in the user's language) and links to UTF-8; nothing lossy is sent", async () => {
    const text = toCsv([["顧客名"], ["𠮷田様"], ["😀"], ["〜"]]);
    expect(() => encodeCsv(text, "shift_jis")).toThrow(CsvDownloadError);
    const res = await csvDownload(request("?encoding=shift_jis&period=FY2025"), (enc) => csvResponse(text, enc, { ascii: "a.csv" }));
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBeNull();
    const html = await res.text();
    expect(html).toContain("Shift_JIS(CP932)では書けない");
    expect(html).toContain("「𠮷」(U+20BB7)");
    expect(html).toContain("「😀」(U+1F600)");
    expect(html).toContain("「〜」(U+301C)");
    expect(html).not.toContain("顧客名");
    expect(html).toContain('href="/some/file.csv?encoding=utf-8&amp;period=FY2025"');
    const en = await (await csvDownload(request("?encoding=shift_jis", "en"), (enc) => csvResponse(text, enc, { ascii: "a.csv" }))).text();
    expect(en).toContain("cannot be written in Shift_JIS");
    // The same data in UTF-8 is a file.
    const ok = await csvDownload(request("?encoding=utf-8"), (enc) => csvResponse(text, enc, { ascii: "a.csv" }));
    expect(ok.status).toBe(200);
    expect(utf8.decode(await bytesOf(ok)).slice(1)).toBe(text);
  });
});

describe("a file for reading (reports, charts, the audit log)", () => {
  it("writes the JIS characters Unicode has twice as their CP932 form, and still refuses the others", async () => {
    const text = toCsv([["期間", "2025-04-01 〜 2026-03-31"], ["実施率", "—"], ["差", "−3"]]);
    expect(() => encodeCsv(text, "shift_jis")).toThrow(CsvDownloadError);
    const bytes = encodeCsv(text, "shift_jis", true, "reading");
    expect(sjis.decode(bytes)).toBe(text.replace("〜", "～").replace("—", "―").replace("−", "－"));
    // UTF-8 is untouched.
    expect(utf8.decode(encodeCsv(text, "utf-8", true, "reading")).slice(1)).toBe(text);
    const res = await csvDownload(request("?encoding=shift_jis"), (enc) =>
      csvResponse(toCsv([["〜", "𠮷"]]), enc, { ascii: "a.csv" }, { purpose: "reading" }),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("「𠮷」");
    expect(html).not.toContain("「〜」");
  });
});

describe("a streamed CSV", () => {
  const ROWS = Array.from({ length: 25 }, (_, i) => [i + 1, `名前${i + 1}`, i % 7 === 0 ? "=1+1" : "①、\"引用\"\n次の行"]);
  const pagerOf = (rows: (string | number)[][], size = 10): CsvPager<number> => ({
    header: [["番号", "名前", "メモ"]],
    page: (from) => {
      const start = from ?? 0;
      return { rows: rows.slice(start, start + size), next: start + size >= rows.length ? null : start + size };
    },
  });
  const whole = `${toCsv([["番号", "名前", "メモ"], ...ROWS])}\r\n`;

  it("is the same text as the whole file, in both encodings", async () => {
    const u = await bytesOf(await csvStreamResponse(pagerOf(ROWS), "utf-8", { ascii: "a.csv" }));
    const s = await bytesOf(await csvStreamResponse(pagerOf(ROWS), "shift_jis", { ascii: "a.csv" }));
    expect(utf8.decode(u)).toBe(`\uFEFF${whole}`);
    expect(sjis.decode(s)).toBe(whole);
  });

  it("is refused with the 422 before anything is sent when a cell cannot be written", async () => {
    const rows = [...ROWS.slice(0, 22), [23, "𠮷", "x"], ...ROWS.slice(23)];
    const res = await csvDownload(request("?encoding=shift_jis"), (enc) => csvStreamResponse(pagerOf(rows), enc, { ascii: "a.csv" }));
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("「𠮷」(U+20BB7)");
  });

  it("is aborted, not finished with ?, when a row changes between the check and the file", async () => {
    const rows = ROWS.map((r) => [...r]);
    const pager = pagerOf(rows);
    let reads = 0;
    const changing: CsvPager<number> = {
      header: pager.header,
      page: (from) => {
        // The check pass reads 3 pages; then, before the file reaches row 25, it changes.
        if (++reads === 4) rows[24][1] = "😀";
        return pager.page(from);
      },
    };
    const res = await csvStreamResponse(changing, "shift_jis", { ascii: "a.csv" });
    expect(res.status).toBe(200);
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => void errors.push(a);
    try {
      await expect(res.arrayBuffer()).rejects.toThrow();
    } finally {
      console.error = original;
    }
    expect(errors).toHaveLength(1);
  });
});
