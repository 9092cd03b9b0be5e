/**
 * Seeded randomness for the demo dataset: the same seed gives the same bytes, so tests and the story's
 * audit IDs are reproducible. Identifiers that documents refer to (the attack story) are derived from a
 * name instead of the generator's position, so adding ordinary traffic never renumbers them.
 */
import { createHash } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export class Random {
  private readonly rng;

  constructor(seed: string) {
    this.rng = xoroshiro128plus(createHash('sha256').update(seed).digest().readInt32BE(0));
  }

  /** [0, 1) */
  float(): number {
    return uniformFloat64(this.rng);
  }

  /** Integer in [from, to]. */
  int(from: number, to: number): number {
    return from + Math.floor(this.float() * (to - from + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** One of `items` with the given weights. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let x = this.float() * total;
    for (const [item, w] of items) {
      x -= w;
      if (x < 0) return item;
    }
    return items[items.length - 1]![0];
  }

  /** Waiting time of a Poisson process with `perHour` events per hour, in microseconds. */
  gapUs(perHour: number): number {
    return Math.max(1, Math.round((-Math.log(1 - this.float()) / perHour) * 3600e6));
  }

  /** Log-normal sample around `median` (same unit), spread `sigma`. */
  lognormal(median: number, sigma: number): number {
    const u1 = 1 - this.float();
    const u2 = this.float();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return median * Math.exp(sigma * z);
  }

  /** 32 random bits. */
  private word(): number {
    return this.rng.next() >>> 0;
  }

  hex(chars: number): string {
    let s = '';
    while (s.length < chars) s += this.word().toString(16).padStart(8, '0');
    return s.slice(0, chars);
  }

  /** `n` decimal digits, the first not 0. */
  digits(n: number): string {
    let s = String(this.int(1, 9));
    while (s.length < n) s += String(this.word() % 100_000_000).padStart(8, '0');
    return s.slice(0, n);
  }

  /** Lower-case alphanumerics as Kubernetes uses for generated name suffixes (no vowels). */
  suffix(n: number): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.float() * alphabet.length)];
    return s;
  }

  uuid(): string {
    return formatUuid(this.hex(32));
  }
}

/** A version-4-shaped UUID derived from a name: stable whatever else the generator produced. */
export function namedUuid(name: string): string {
  return formatUuid(createHash('sha256').update(`kubetrail-demo/${name}`).digest('hex'));
}

function formatUuid(hex: string): string {
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
