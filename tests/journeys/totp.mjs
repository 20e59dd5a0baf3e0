// The code an authenticator app shows, for the tests and benchmarks that sign in to the inbox as
// a person would: the key is the one the set-up page shows (base32, in groups). Checked against
// RFC 6238's test vectors in inbox.test.mjs.
import { createHmac } from 'node:crypto';

/** RFC 6238: the 6-digit TOTP code for a base32 `secret` at `seconds` since 1970 (SHA-1, 30 s). */
export function totp(secret, seconds = Date.now() / 1000) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((byte) => parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(seconds / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
