/** The import page's kept uploads (issue 18): a token is good for the user who uploaded the file only. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keepUpload, uploadFor } from "~/modules/import/uploads.server";

let dir: string;
const saved = process.env.DATABASE_PATH;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "uploads-"));
  process.env.DATABASE_PATH = path.join(dir, "k.db");
});
afterAll(() => {
  if (saved === undefined) delete process.env.DATABASE_PATH;
  else process.env.DATABASE_PATH = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("a kept upload", () => {
  it("is found by its token for its uploader, and for no one else", async () => {
    const upload = await keepUpload(new File(["a,b\n"], "台帳.csv"), 7);
    expect(uploadFor(upload.token, 7)).toMatchObject({ token: upload.token, name: "台帳.csv" });
    expect(uploadFor(upload.token, 8)).toBeNull();
    expect(fs.readFileSync(uploadFor(upload.token, 7)!.file, "utf8")).toBe("a,b\n");
  });

  it("kept before tokens were bound (no uploader recorded) is taken as expired", async () => {
    const upload = await keepUpload(new File(["x"], "old.csv"), 7);
    fs.writeFileSync(path.join(path.dirname(upload.file), `${upload.token}.json`), JSON.stringify({ name: "old.csv" }));
    expect(uploadFor(upload.token, 7)).toBeNull();
  });
});
