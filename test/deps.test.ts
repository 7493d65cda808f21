import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runtimePackages } from "../scripts/deps";

const read = (file: string) => JSON.parse(fs.readFileSync(path.resolve(file), "utf8"));

describe("npm run deps", () => {
  it("lists the installed runtime packages with their versions, and none of the dev-only ones", () => {
    const list = runtimePackages(read("package-lock.json"), read("package.json"));
    const direct = list.filter((p) => p.direct).map((p) => p.name);
    expect(direct.sort()).toEqual(Object.keys(read("package.json").dependencies).sort());
    for (const name of ["better-sqlite3", "express", "zod"]) {
      const installed = read(`node_modules/${name}/package.json`).version;
      expect(list.find((p) => p.name === name && p.direct)).toMatchObject({ version: installed, license: "MIT" });
    }
    for (const dev of ["vitest", "typescript", "playwright-core", "@remix-run/dev"]) expect(list.some((p) => p.name === dev)).toBe(false);
  });

  it("names nested copies by their package, keeps each location, and skips links and dev-optional ones", () => {
    const list = runtimePackages(
      {
        packages: {
          "": { name: "app", version: "1.0.0" },
          "node_modules/a": { version: "2.0.0", license: "MIT" },
          "node_modules/b": { version: "1.0.0", license: "ISC" },
          "node_modules/b/node_modules/a": { version: "1.0.0", license: "MIT" },
          "node_modules/@s/c": { version: "3.0.0" },
          "node_modules/d": { version: "1.0.0", dev: true },
          "node_modules/e": { version: "1.0.0", devOptional: true },
          "node_modules/f": { link: true },
        },
      },
      { dependencies: { a: "^2.0.0" } },
    );
    expect(list).toEqual([
      { name: "a", version: "2.0.0", license: "MIT", direct: true, location: "node_modules/a" },
      { name: "@s/c", version: "3.0.0", license: "(none given)", direct: false, location: "node_modules/@s/c" },
      { name: "a", version: "1.0.0", license: "MIT", direct: false, location: "node_modules/b/node_modules/a" },
      { name: "b", version: "1.0.0", license: "ISC", direct: false, location: "node_modules/b" },
    ]);
  });
});
