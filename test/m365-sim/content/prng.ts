/**
 * Seeded pseudo-random numbers (mulberry32, a 32-bit state generator). Good enough for varied
 * demo content and, unlike Math.random, the same sequence for the same seed on every machine.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Returns a float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Returns an integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Returns true with the given probability. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('SeededRandom.pick needs at least one item');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Fills a buffer with pseudo-random bytes, four at a time. */
  fill(buffer: Buffer): Buffer {
    for (let offset = 0; offset < buffer.length; offset += 4) {
      const value = Math.floor(this.next() * 4294967296);
      for (let i = 0; i < 4 && offset + i < buffer.length; i++) {
        buffer[offset + i] = (value >>> (i * 8)) & 0xff;
      }
    }
    return buffer;
  }
}

/** Derives a 32-bit seed from a label, so each mailbox and folder gets its own stable sequence. */
export function seedFrom(label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
