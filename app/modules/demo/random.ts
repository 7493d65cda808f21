/**
 * A small deterministic PRNG for the demo data: mulberry32 seeded from a hash of any number of parts, so that a
 * stream can be keyed by (seed, day, …) and each key always yields the same values on every machine.
 */

export type Seed = string | number;

/** Choices with their weights, for `Rng#weighted`. */
export type Weighted<T> = readonly (readonly [T, number])[];

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** One value, chosen with probability proportional to its weight. */
  weighted<T>(items: Weighted<T>): T;
  chance(p: number): boolean;
  /** k distinct items in random order (all of them when k ≥ length). */
  sample<T>(items: readonly T[], k: number): T[];
  /** A Poisson-distributed count with mean `lambda`. */
  poisson(lambda: number): number;
}

/** cyrb53-style string hash folded to 32 bits: cheap, and good enough spread for seeding. */
export function hashSeed(...parts: Seed[]): number {
  const text = parts.map(String).join("\u001f");
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

export function createRng(...parts: Seed[]): Rng {
  let state = hashSeed(...parts);
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted(items) {
      let total = 0;
      for (const [, w] of items) total += w;
      let r = next() * total;
      for (const [value, w] of items) {
        r -= w;
        if (r < 0) return value;
      }
      return items[items.length - 1][0];
    },
    chance: (p) => next() < p,
    sample(items, k) {
      const copy = items.slice();
      const n = Math.min(k, copy.length);
      for (let i = 0; i < n; i++) {
        const j = int(i, copy.length - 1);
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy.slice(0, n);
    },
    poisson(lambda) {
      if (lambda <= 0) return 0;
      // Knuth's product method is exact but linear in lambda; above 30 the normal approximation is indistinguishable.
      if (lambda < 30) {
        const limit = Math.exp(-lambda);
        let k = 0;
        let p = next();
        while (p > limit) {
          k++;
          p *= next();
        }
        return k;
      }
      const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
    },
  };
}
