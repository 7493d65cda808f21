#!/usr/bin/env node
// Browser tests need Debian's Chromium and CJK fonts (Japanese renders as boxes without them).
// Under CI a missing browser fails the run. Elsewhere, as root, we install them with apt-get; otherwise we print the command.
import { execSync, spawnSync } from "node:child_process";
import fs from "node:fs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PACKAGES = "chromium fonts-noto-cjk";

function hasJapaneseFont() {
  try {
    return execSync("fc-list :lang=ja family", { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
  } catch {
    return false;
  }
}

const missing = [];
if (!fs.existsSync(CHROMIUM)) missing.push("chromium");
if (!hasJapaneseFont()) missing.push("fonts-noto-cjk");
if (missing.length === 0) process.exit(0);

const command = `apt-get update && apt-get install -y ${PACKAGES}`;
if (process.env.CI === "true") {
  console.error(`ブラウザテストに必要なパッケージがありません / missing for browser tests: ${missing.join(", ")}\nCI では .ci/run が導入します。手動では: ${command}`);
  process.exit(1);
}
if (process.getuid?.() === 0) {
  console.error(`ブラウザテスト用に ${missing.join(", ")} を導入します (installing with apt-get)…`);
  const r = spawnSync("sh", ["-c", command], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (r.status === 0 && fs.existsSync(CHROMIUM)) process.exit(0);
}
console.error(`ブラウザテストには Chromium と日本語フォントが必要です。次のコマンドを実行してください:\n  sudo sh -c '${command}'`);
process.exit(1);
