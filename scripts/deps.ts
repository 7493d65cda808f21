/**
 * `npm run deps`: the packages the running app loads (package-lock.json without the dev-only ones), each with its
 * exact version, licence and whether package.json asks for it directly, so a reviewer can check them against advisories
 * where `npm audit` cannot reach its service (issue 18).
 *
 *   npm run deps                 a table: direct dependencies first, then the packages they bring
 *   npm run deps -- --json       the same as JSON ({ node, total, packages: [...] })
 *   npm run deps -- --outdated   also asks the registry (npm outdated) which direct dependencies are behind; exits 1
 *                                when one is behind what its range in package.json allows (an update to take now)
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

export interface RuntimePackage {
  name: string;
  version: string;
  license: string;
  /** Asked for in package.json's dependencies (not brought by another package). */
  direct: boolean;
  /** Where it is installed: a package can be there twice, in two versions. */
  location: string;
}

interface LockEntry {
  version?: string;
  license?: string;
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
  name?: string;
}

/** The runtime packages of a lockfile (v2/v3 `packages` map), direct ones first, then by name and location. */
export function runtimePackages(lock: { packages?: Record<string, LockEntry> }, manifest: { dependencies?: Record<string, string> }): RuntimePackage[] {
  if (!lock.packages) throw new Error("package-lock.json has no `packages` map (lockfileVersion 2 or 3 is needed)");
  const direct = new Set(Object.keys(manifest.dependencies ?? {}));
  const list: RuntimePackage[] = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (!location || entry.dev || entry.devOptional || entry.link || !entry.version) continue;
    const name = entry.name ?? location.slice(location.lastIndexOf("node_modules/") + "node_modules/".length);
    list.push({ name, version: entry.version, license: entry.license ?? "(none given)", direct: direct.has(name) && location === `node_modules/${name}`, location });
  }
  return list.sort((a, b) => Number(b.direct) - Number(a.direct) || a.name.localeCompare(b.name) || a.location.localeCompare(b.location));
}

interface Outdated {
  current?: string;
  wanted: string;
  latest: string;
}

/** `npm outdated` for the runtime dependencies (it exits 1 whenever something is outdated: that is not a failure). */
function outdated(root: string): Record<string, Outdated> {
  const r = spawnSync("npm", ["outdated", "--json", "--omit=dev"], { cwd: root, encoding: "utf8" });
  if (r.error || (r.status !== 0 && r.status !== 1) || !r.stdout.trim().startsWith("{")) {
    throw new Error(`npm outdated could not ask the registry: ${r.error?.message ?? r.stderr.trim().split("\n").pop() ?? r.status}`);
  }
  return JSON.parse(r.stdout) as Record<string, Outdated>;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

function main(): void {
  const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, outdated: { type: "boolean", default: false } } });
  const root = process.cwd();
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));
  const packages = runtimePackages(read("package-lock.json"), read("package.json"));
  const behind = values.outdated ? outdated(root) : {};
  const late = Object.entries(behind).filter(([name, o]) => o.current !== o.wanted && packages.some((p) => p.direct && p.name === name));
  if (values.json) {
    console.log(JSON.stringify({ node: process.version, total: packages.length, packages, ...(values.outdated ? { outdated: behind } : {}) }, null, 2));
  } else {
    const rows = [["package", "version", "license", "direct", ...(values.outdated ? ["wanted", "latest"] : [])]];
    for (const p of packages) {
      const o = p.direct ? behind[p.name] : undefined;
      rows.push([p.name, p.version, p.license, p.direct ? "yes" : "", ...(values.outdated ? [o?.wanted ?? "", o?.latest ?? ""] : [])]);
    }
    console.log(table(rows));
    console.log(`\n${packages.length} runtime packages (${packages.filter((p) => p.direct).length} direct), Node ${process.version}`);
    for (const [name, o] of late) console.log(`behind: ${name} ${o.current} → ${o.wanted} (npm update ${name})`);
  }
  process.exitCode = late.length ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) main();
