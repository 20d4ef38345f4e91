// duplicates: which custom_ids may have appeared before, in constant memory. An exact set of every id
// would grow with the input (10M ids ≈ 1 GB); a Bloom filter of 8 MiB does not. It only ever errs
// towards "maybe": those ids become suspects, and the database settles them (see apply.ts), so a clean
// input, the common case, pays nothing at the database for duplicate handling.

const BITS_LOG2 = 26; // 64 Mi bits = 8 MiB
const MASK = (1 << BITS_LOG2) - 1;
const PROBES = 4;
/** Past this many suspects, the database dedups the whole temp table instead of the listed ids. */
export const MAX_SUSPECTS = 100_000;

export class DuplicateFilter {
  private readonly bits = new Uint32Array(1 << (BITS_LOG2 - 5));
  /** custom_ids (in canonical text) that may be duplicates; undefined once there are too many to list. */
  suspects: Set<string> | undefined = new Set();
  any = false;

  /** Records the id (its binary form); remembers it as a suspect when it may have been seen before. */
  add(key: Buffer, canonical: () => string): void {
    // Two independent 32-bit hashes, combined (Kirsch–Mitzenmacher) into PROBES bit positions.
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let k = 0; k < key.length; k++) {
      h1 = Math.imul(h1 ^ key[k], 0x01000193);
      h2 = Math.imul(h2 ^ key[k], 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    let seen = true;
    for (let p = 0; p < PROBES; p++) {
      const bit = (h1 + Math.imul(p, h2 | 1)) & MASK;
      const word = bit >>> 5;
      const m = 1 << (bit & 31);
      if ((this.bits[word] & m) === 0) {
        seen = false;
        this.bits[word] |= m;
      }
    }
    if (!seen) return;
    this.any = true;
    if (this.suspects) {
      this.suspects.add(canonical());
      if (this.suspects.size > MAX_SUSPECTS) this.suspects = undefined;
    }
  }
}
