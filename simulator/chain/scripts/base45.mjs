// SPDX-License-Identifier: EUPL-1.2
// Base45 as specified by RFC 9285. QR codes have an alphanumeric mode that stores
// this 45-character alphabet at 5.5 bits per character, which is why the payment
// payload is base45 rather than base64.
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const VALUE = new Map([...ALPHABET].map((ch, i) => [ch, i]));

export function base45Encode(bytes) {
  const data = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
  let out = '';
  let i = 0;
  for (; i + 1 < data.length; i += 2) {
    let n = data[i] * 256 + data[i + 1];
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += ALPHABET[c] + ALPHABET[d] + ALPHABET[e];
  }
  if (i < data.length) {
    const n = data[i];
    out += ALPHABET[n % 45] + ALPHABET[Math.floor(n / 45)];
  }
  return out;
}

export function base45Decode(text) {
  // A group of one character is never produced by the encoder, so it marks truncation.
  if (text.length % 3 === 1) throw new Error(`invalid base45 length ${text.length}`);
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  const digit = (pos) => {
    const v = VALUE.get(text[pos]);
    if (v === undefined) throw new Error(`invalid base45 character ${JSON.stringify(text[pos])} at ${pos}`);
    return v;
  };
  let o = 0;
  let i = 0;
  for (; i + 2 < text.length; i += 3) {
    const n = digit(i) + digit(i + 1) * 45 + digit(i + 2) * 45 * 45;
    // Three characters can express up to 91124, but only two bytes' worth is valid.
    if (n > 0xffff) throw new Error(`base45 group out of range at ${i}`);
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (i < text.length) {
    const n = digit(i) + digit(i + 1) * 45;
    if (n > 0xff) throw new Error(`base45 group out of range at ${i}`);
    out[o++] = n;
  }
  return out;
}
