import { createHash } from 'node:crypto';

/**
 * A set of visitors that can be merged across time buckets: exact while small (the sorted 32-bit hashes
 * of the ids), a HyperLogLog of 4,096 registers once larger (about 1.6% standard error). Counting the
 * visitors of 30 days then merges 30 daily sketches instead of reading every visit.
 */
export type VisitorSketch =
  | { kind: 'exact'; hashes: Uint32Array }
  | { kind: 'approximate'; registers: Uint8Array };

const PRECISION = 12;
const REGISTERS = 1 << PRECISION;
/** Past this many visitors the exact list (4 bytes each) would outgrow the registers (1 byte each). */
const MAX_EXACT = REGISTERS / 4;
const EXACT_TAG = 1;
const APPROXIMATE_TAG = 2;

export const emptySketch = (): VisitorSketch => ({ kind: 'exact', hashes: new Uint32Array(0) });

/** The 32-bit hash a visitor id is counted by. */
export function visitorHash(id: string): number {
  return createHash('md5').update(id).digest().readUInt32BE(0);
}

function addToRegisters(registers: Uint8Array, hash: number): void {
  const index = hash >>> (32 - PRECISION);
  const rest = (hash << PRECISION) >>> 0;
  const rank = rest === 0 ? 32 - PRECISION + 1 : Math.clz32(rest) + 1;
  if (rank > registers[index]!) registers[index] = rank;
}

function toRegisters(sketch: VisitorSketch): Uint8Array {
  if (sketch.kind === 'approximate') return sketch.registers.slice();
  const registers = new Uint8Array(REGISTERS);
  for (const hash of sketch.hashes) addToRegisters(registers, hash);
  return registers;
}

/** A sketch of the given hashes (any order, repeats allowed). */
export function sketchOf(hashes: Iterable<number>): VisitorSketch {
  const unique = Uint32Array.from(new Set(hashes)).sort();
  if (unique.length <= MAX_EXACT) return { kind: 'exact', hashes: unique };
  return { kind: 'approximate', registers: toRegisters({ kind: 'exact', hashes: unique }) };
}

/** The union of two sketches: exact while the union is small and both are exact. */
export function mergeSketches(a: VisitorSketch, b: VisitorSketch): VisitorSketch {
  if (a.kind === 'exact' && b.kind === 'exact') {
    if (b.hashes.length === 0) return a;
    if (a.hashes.length === 0) return b;
    const merged = new Uint32Array(a.hashes.length + b.hashes.length);
    let i = 0;
    let j = 0;
    let n = 0;
    while (i < a.hashes.length || j < b.hashes.length) {
      const x = i < a.hashes.length ? a.hashes[i]! : Infinity;
      const y = j < b.hashes.length ? b.hashes[j]! : Infinity;
      const next = Math.min(x, y);
      if (x === next) i++;
      if (y === next) j++;
      merged[n++] = next;
    }
    const hashes = merged.subarray(0, n);
    return hashes.length <= MAX_EXACT ? { kind: 'exact', hashes } : { kind: 'approximate', registers: toRegisters({ kind: 'exact', hashes }) };
  }
  const registers = toRegisters(a);
  if (b.kind === 'approximate') {
    for (let k = 0; k < REGISTERS; k++) if (b.registers[k]! > registers[k]!) registers[k] = b.registers[k]!;
  } else {
    for (const hash of b.hashes) addToRegisters(registers, hash);
  }
  return { kind: 'approximate', registers };
}

/** How many visitors the sketch holds: exact for an exact sketch, the HyperLogLog estimate otherwise. */
export function countSketch(sketch: VisitorSketch): number {
  if (sketch.kind === 'exact') return sketch.hashes.length;
  let sum = 0;
  let empty = 0;
  for (const rank of sketch.registers) {
    sum += 2 ** -rank;
    if (rank === 0) empty++;
  }
  const alpha = 0.7213 / (1 + 1.079 / REGISTERS);
  const raw = (alpha * REGISTERS * REGISTERS) / sum;
  // Small sets: linear counting on the empty registers is the better estimate.
  if (raw <= 2.5 * REGISTERS && empty > 0) return Math.round(REGISTERS * Math.log(REGISTERS / empty));
  return Math.round(raw);
}

/** The stored form (bytea): a tag byte, then the big-endian hashes or the registers. */
export function encodeSketch(sketch: VisitorSketch): Buffer {
  if (sketch.kind === 'approximate') return Buffer.concat([Buffer.of(APPROXIMATE_TAG), sketch.registers]);
  const out = Buffer.alloc(1 + sketch.hashes.length * 4);
  out[0] = EXACT_TAG;
  sketch.hashes.forEach((hash, i) => out.writeUInt32BE(hash, 1 + i * 4));
  return out;
}

export function decodeSketch(bytes: Uint8Array): VisitorSketch {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer[0] === APPROXIMATE_TAG) return { kind: 'approximate', registers: Uint8Array.from(buffer.subarray(1, 1 + REGISTERS)) };
  const hashes = new Uint32Array((buffer.length - 1) / 4);
  for (let i = 0; i < hashes.length; i++) hashes[i] = buffer.readUInt32BE(1 + i * 4);
  return { kind: 'exact', hashes };
}
