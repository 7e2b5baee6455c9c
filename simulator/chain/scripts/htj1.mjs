// SPDX-License-Identifier: EUPL-1.2
// Independent reference implementation of the HTJ1 citizen payment QR code, used
// to cross-check the terminal's Java implementation. Only ethers does the crypto.
import { Wallet, Signature, TypedDataEncoder, getAddress, getBytes, hexlify, zeroPadValue, toBeHex } from 'ethers';
import { base45Encode, base45Decode } from './base45.mjs';

export const HTJ1_PREFIX = 'HTJ1:';
export const PAYLOAD_VERSION = 0x01;
export const KIND_TRANSFER_WITH_AUTHORIZATION = 0x01;
export const PAYLOAD_LENGTH = 215;

export const TRANSFER_WITH_AUTHORIZATION_TYPES = {
  TransferWithAuthorization: [
    { name: 'from', type: 'address' },
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'validAfter', type: 'uint256' },
    { name: 'validBefore', type: 'uint256' },
    { name: 'nonce', type: 'bytes32' },
  ],
};

const UINT64_MAX = (1n << 64n) - 1n;
const UINT256_MAX = (1n << 256n) - 1n;

function toBigInt(name, raw, max) {
  let n;
  if (typeof raw === 'bigint') {
    n = raw;
  } else if (typeof raw === 'number') {
    // A JSON number above 2^53 has already lost digits before we see it.
    if (!Number.isSafeInteger(raw)) throw new Error(`${name}: ${raw} is not a safe integer; pass it as a decimal string`);
    n = BigInt(raw);
  } else if (typeof raw === 'string' && /^(0|[1-9][0-9]*|0x[0-9a-fA-F]+)$/.test(raw.trim())) {
    n = BigInt(raw.trim());
  } else {
    throw new Error(`${name}: expected a non-negative integer (number or decimal string), got ${JSON.stringify(raw)}`);
  }
  if (n < 0n || n > max) throw new Error(`${name}: ${n} out of range 0..${max}`);
  return n;
}

function toBytes32(name, raw) {
  if (typeof raw !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(raw)) {
    throw new Error(`${name}: expected 0x followed by 64 hex digits`);
  }
  return raw.toLowerCase();
}

function toAddress(name, raw) {
  try {
    return getAddress(raw);
  } catch {
    throw new Error(`${name}: not a valid address: ${JSON.stringify(raw)}`);
  }
}

function uintBytes(value, width) {
  return getBytes(zeroPadValue(toBeHex(value), width));
}

/** Signs one EIP-3009 TransferWithAuthorization and wraps it as an HTJ1 QR string. */
export async function signHtj1(params) {
  if (params === null || typeof params !== 'object') throw new Error('expected a JSON object');
  const chainId = toBigInt('chainId', params.chainId, UINT64_MAX);
  const token = toAddress('token', params.token);
  const to = toAddress('to', params.to);
  const value = toBigInt('value', params.value, UINT256_MAX);
  // The QR layout only has 8 bytes for each time bound, so refuse rather than truncate.
  const validAfter = toBigInt('validAfter', params.validAfter, UINT64_MAX);
  const validBefore = toBigInt('validBefore', params.validBefore, UINT64_MAX);
  const nonce = toBytes32('nonce', params.nonce);
  if (typeof params.tokenName !== 'string') throw new Error('tokenName: expected a string');
  if (typeof params.tokenVersion !== 'string') throw new Error('tokenVersion: expected a string');

  let wallet;
  try {
    wallet = new Wallet(params.privateKey);
  } catch {
    // Never echo the key itself into error output.
    throw new Error('privateKey: expected 0x followed by 64 hex digits');
  }
  const domain = { name: params.tokenName, version: params.tokenVersion, chainId, verifyingContract: token };
  const message = { from: wallet.address, to, value, validAfter, validBefore, nonce };

  const signature = await wallet.signTypedData(domain, TRANSFER_WITH_AUTHORIZATION_TYPES, message);
  const sig = Signature.from(signature);

  const payload = new Uint8Array(PAYLOAD_LENGTH);
  let o = 0;
  const put = (bytes) => {
    payload.set(bytes, o);
    o += bytes.length;
  };
  put([PAYLOAD_VERSION, KIND_TRANSFER_WITH_AUTHORIZATION]);
  put(uintBytes(chainId, 8));
  put(getBytes(token));
  put(getBytes(wallet.address));
  put(getBytes(to));
  put(uintBytes(value, 32));
  put(uintBytes(validAfter, 8));
  put(uintBytes(validBefore, 8));
  put(getBytes(nonce));
  put(getBytes(sig.r));
  put(getBytes(sig.s));
  put([sig.v]);
  if (o !== PAYLOAD_LENGTH) throw new Error(`internal: payload length ${o}`);

  return {
    from: wallet.address,
    digest: TypedDataEncoder.hash(domain, TRANSFER_WITH_AUTHORIZATION_TYPES, message),
    domainSeparator: TypedDataEncoder.hashDomain(domain),
    signature,
    payloadHex: hexlify(payload),
    htj1: HTJ1_PREFIX + base45Encode(payload),
  };
}

/** Parses an HTJ1 string back into its fields; used by the self-test to check the layout. */
export function decodeHtj1(text) {
  if (!text.startsWith(HTJ1_PREFIX)) throw new Error(`missing ${HTJ1_PREFIX} prefix`);
  const p = base45Decode(text.slice(HTJ1_PREFIX.length));
  if (p.length !== PAYLOAD_LENGTH) throw new Error(`payload is ${p.length} bytes, expected ${PAYLOAD_LENGTH}`);
  let o = 0;
  const take = (n) => p.subarray(o, (o += n));
  const uint = (n) => BigInt(hexlify(take(n)));
  const version = take(1)[0];
  const kind = take(1)[0];
  return {
    version,
    kind,
    chainId: uint(8),
    token: getAddress(hexlify(take(20))),
    from: getAddress(hexlify(take(20))),
    to: getAddress(hexlify(take(20))),
    value: uint(32),
    validAfter: uint(8),
    validBefore: uint(8),
    nonce: hexlify(take(32)),
    r: hexlify(take(32)),
    s: hexlify(take(32)),
    v: take(1)[0],
  };
}
