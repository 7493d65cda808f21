/**
 * The server's network settings, read once at the start: which proxies to believe (TRUST_PROXY) and which origins a
 * form may be sent from (PUBLIC_ORIGIN, ALLOWED_ORIGINS). A value that cannot mean what the operator wants stops the
 * start with the reason, instead of running with a setting that silently trusts nobody or everybody (issue 18).
 */
import net from "node:net";

export class NetworkConfigError extends Error {}

/** What express's "trust proxy" gets: a hop count, or addresses/ranges/names (loopback, linklocal, uniquelocal). */
export type TrustProxy = false | number | string[];

const NAMED_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isAddressOrRange(s: string): boolean {
  const [address, prefix, ...rest] = s.split("/");
  const family = net.isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: a number of proxies in front of the app ("1" for one nginx, or a load balancer and nginx: "2"),
 * or a comma-separated list of the proxies' addresses, ranges (10.0.0.0/8) and the names loopback, linklocal,
 * uniquelocal. Unset or "0": no proxy, the connection's address is the client's. "true"/"*" would let any client
 * write its own address and scheme in X-Forwarded-For/-Proto, so it is refused.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? "").trim();
  if (value === "" || value === "0" || value.toLowerCase() === "false") return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new NetworkConfigError(`TRUST_PROXY=${value}: 前段のプロキシの数として大きすぎます (a hop count of at most 10)`);
    return hops;
  }
  if (["true", "all", "*", "yes"].includes(value.toLowerCase())) {
    throw new NetworkConfigError(
      `TRUST_PROXY=${value}: すべての接続元を信頼すると、誰でも接続元アドレスと https を偽れます。前段のプロキシの数 (例: 1) か、` +
        `そのアドレス (例: loopback, 10.0.0.5) を指定してください (trusting every address lets anyone forge theirs: give the number of proxies or their addresses)`,
    );
  }
  const items = value.split(",").map((s) => s.trim()).filter(Boolean);
  const wrong = items.filter((s) => !NAMED_RANGES.has(s.toLowerCase()) && !isAddressOrRange(s));
  if (wrong.length || !items.length) {
    throw new NetworkConfigError(
      `TRUST_PROXY=${value}: 「${wrong.join(", ")}」は数・アドレス・範囲 (CIDR)・loopback/linklocal/uniquelocal のいずれでもありません ` +
        `(expected a hop count, addresses, CIDR ranges or loopback/linklocal/uniquelocal)`,
    );
  }
  return items.map((s) => (NAMED_RANGES.has(s.toLowerCase()) ? s.toLowerCase() : s));
}

/** An origin as a browser sends it (scheme://host[:port]), or a configuration error naming the variable. */
function originOf(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NetworkConfigError(`${name}: 「${raw}」は URL ではありません (not a URL; e.g. https://kasuhara.example.co.jp)`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password || url.search || url.hash || url.pathname !== "/") {
    throw new NetworkConfigError(`${name}: 「${raw}」は送信元 (https://ホスト名[:ポート]) の形ではありません (an origin has no path, query or credentials)`);
  }
  return url.origin;
}

export interface NetworkConfig {
  trustProxy: TrustProxy;
  /** The origins a state-changing request may come from; the first is the one the app says it serves on. */
  origins: string[];
  /** Said at the start, for the operator. */
  warnings: string[];
}

/**
 * PUBLIC_ORIGIN is the address users open (https://kasuhara.example.co.jp); ALLOWED_ORIGINS adds others. Without
 * PUBLIC_ORIGIN the app serves this machine only: http://localhost, 127.0.0.1 and [::1] on its port. The Host header
 * is never believed, since whoever sends the request writes it (a DNS-rebinding page sends its own host and origin).
 */
export function networkConfig(env: Record<string, string | undefined>, port: number): NetworkConfig {
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  const warnings: string[] = [];
  const configured = env.PUBLIC_ORIGIN?.trim() ? [originOf("PUBLIC_ORIGIN", env.PUBLIC_ORIGIN.trim())] : [];
  const local = configured.length ? [] : [`http://localhost:${port}`, `http://127.0.0.1:${port}`, `http://[::1]:${port}`];
  const extra = (env.ALLOWED_ORIGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean).map((s) => originOf("ALLOWED_ORIGINS", s));
  if (!configured.length && trustProxy !== false) {
    warnings.push(
      "TRUST_PROXY があり PUBLIC_ORIGIN がありません: プロキシ経由のフォーム送信は拒否されます。PUBLIC_ORIGIN=https://(利用者が開くホスト名) を設定してください " +
        "(TRUST_PROXY without PUBLIC_ORIGIN: forms sent through the proxy will be refused)",
    );
  }
  if (configured[0]?.startsWith("https:") && trustProxy === false) {
    warnings.push(
      "PUBLIC_ORIGIN が https ですが TRUST_PROXY がありません: プロキシの https が伝わらず、Secure クッキーと HSTS が付きません " +
        "(PUBLIC_ORIGIN is https but TRUST_PROXY is unset: no Secure cookie and no HSTS behind the proxy)",
    );
  }
  return { trustProxy, origins: [...new Set([...configured, ...local, ...extra])], warnings };
}
