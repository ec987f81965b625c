// The CRC-32 of two byte sequences joined, from each one's CRC-32 and the second's length: zlib's
// crc32_combine, which Node does not expose. A gzip answer made of pieces deflated while they were
// written (./gzip-pieces.ts) keeps each piece's CRC, not its bytes (docs/decisions/069).

/** The CRC-32 polynomial, bits reversed, as zlib writes it. */
const POLY = 0xedb88320;

/** a × b modulo the polynomial, both polynomials over GF(2) with their bits reversed. */
function multiplyModP(a: number, b: number): number {
  let product = 0;
  for (let m = 0x80000000; m !== 0; m >>>= 1) {
    if (a & m) {
      product ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return product >>> 0;
}

/** x^(2^k) modulo the polynomial, for k = 0 … 31. */
const X_TO_2_TO_K = (() => {
  const table: number[] = [];
  for (let p = 1 << 30, k = 0; k < 32; k++, p = multiplyModP(p, p)) table.push(p);
  return table;
})();

/** x^(8n) modulo the polynomial: what appending n zero bytes multiplies a CRC by. */
function xToBytes(n: number): number {
  let p = 0x80000000;
  // k starts at 3: n bytes are 8n = 2^3·n bits.
  for (let k = 3; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2) p = multiplyModP(X_TO_2_TO_K[k % 32]!, p);
  }
  return p;
}

/** The CRC-32 of A followed by B, given A's CRC-32, B's CRC-32 and B's length in bytes. */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return (multiplyModP(xToBytes(lengthB), crcA) ^ crcB) >>> 0;
}
