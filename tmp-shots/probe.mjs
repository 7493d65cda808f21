import { chromium } from "playwright-core";
const base = "http://localhost:3911";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu"] });
const ctx = await b.newContext({ viewport: { width: 1440, height: 900 }, locale: "ja-JP" });
const page = await ctx.newPage();
async function login(email) {
  await page.goto(base + "/login");
  await page.fill("#email", email); await page.fill("#password", "correct horse battery staple");
  await Promise.all([page.waitForURL(u => !u.pathname.startsWith("/login")), page.click("form button.primary")]);
}
await login(process.argv[2] ?? "hr@x.test");
const paths = process.argv.slice(3);
for (const p of paths) {
  for (const w of [1440, 390]) {
    await page.setViewportSize({ width: w, height: w === 390 ? 844 : 900 });
    await page.goto(base + p);
    await page.waitForLoadState("networkidle");
    const name = p.replace(/[^a-z0-9]+/gi, "_");
    await page.screenshot({ path: `/tmp/shots/${name}-${w}.png`, fullPage: true }); await page.screenshot({ path: `/tmp/shots/${name}-${w}-top.png` });
    const over = await page.evaluate(() => {
      const W = document.documentElement.clientWidth; const out = [];
      for (const el of document.querySelectorAll("body *")) { const r = el.getBoundingClientRect(); if (r.right > W + 1 && r.width > 0) out.push(el.tagName + "." + el.className + " " + Math.round(r.right)); }
      return { sw: document.documentElement.scrollWidth, W, out: out.slice(0, 8) };
    });
    console.log(p, w, JSON.stringify(over));
  }
}
await b.close();
