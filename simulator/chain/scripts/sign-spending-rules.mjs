// SPDX-License-Identifier: EUPL-1.2
// Independent signer for a purse issuer's spending rules (docs/spending-rules.md): builds the canonical body itself,
// from the rules as JSON, and signs it with ethers' signMessage (EIP-191 personal_sign). Nothing here comes from the
// terminal's Java, so a test that has the terminal verify what this script signs checks the format, not our code.
//
// stdin: {"chainId": 31337, "token": "0x...", "sequence": 7, "issued": "2026-11-28T10:00:00Z",
//         "merchantCategories": ["market"], "merchants": ["0x..."], "productCategories": ["groceries"]}
// Each rule may be left out (no limit); an empty rule is refused, since it has no written form. "issued" defaults
// to now. The key is $HEITJE_ISSUER_KEY, or "privateKey" in the JSON (for tests with development keys only).
// stdout: the signed document.
import { Wallet } from 'ethers';

const MAGIC = 'heitje-spending-rules 1';
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const CATEGORY = /^[a-z0-9][a-z0-9-]{0,31}$/;
const TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function address(value, what) {
  if (typeof value !== 'string' || !ADDRESS.test(value)) throw new Error(`${what}: not an address: ${value}`);
  return value.toLowerCase();
}

function wholeNumber(value, what, least) {
  const text = String(value);
  if (!/^(0|[1-9][0-9]*)$/.test(text) || BigInt(text) < BigInt(least) || BigInt(text) > 2n ** 63n - 1n) {
    throw new Error(`${what}: expected a whole number from ${least} to 2^63-1, not ${value}`);
  }
  return text;
}

function issuedAt(value) {
  const text = value ?? new Date().toISOString().replace(/\.[0-9]{3}Z$/, 'Z');
  if (typeof text !== 'string' || !TIME.test(text) || Number.isNaN(Date.parse(text))
      || new Date(text).toISOString() !== text.replace(/Z$/, '.000Z')) {
    throw new Error(`issued: expected a UTC time in whole seconds like 2026-11-28T10:00:00Z, not ${value}`);
  }
  return text;
}

// Absent means no limit; present must name at least one entry. Sorted by UTF-16 code unit, which for this ASCII
// is byte order, the order the terminal requires; duplicates are dropped.
function rule(values, what, canonical) {
  if (values === undefined || values === null) return [];
  if (!Array.isArray(values) || values.length === 0) {
    throw new Error(`${what}: expected a non-empty list; leave it out for no limit`);
  }
  return [...new Set(values.map((value) => canonical(value, what)))].sort();
}

function category(value, what) {
  if (typeof value !== 'string' || !CATEGORY.test(value)) throw new Error(`${what}: not a category: ${value}`);
  return value;
}

function body(wallet, rules) {
  const lines = [
    MAGIC,
    `issuer ${wallet.address.toLowerCase()}`,
    `chain ${wholeNumber(rules.chainId, 'chainId', 1)}`,
    `token ${address(rules.token, 'token')}`,
    `sequence ${wholeNumber(rules.sequence, 'sequence', 0)}`,
    `issued ${issuedAt(rules.issued)}`,
    ...rule(rules.merchantCategories, 'merchantCategories', category).map((c) => `merchant-category ${c}`),
    ...rule(rules.merchants, 'merchants', address).map((m) => `merchant ${m}`),
    ...rule(rules.productCategories, 'productCategories', category).map((c) => `product-category ${c}`),
  ];
  return lines.map((line) => `${line}\n`).join('');
}

try {
  const rules = JSON.parse(await readStdin());
  const key = rules.privateKey ?? process.env.HEITJE_ISSUER_KEY;
  if (!key) throw new Error('no key: set HEITJE_ISSUER_KEY');
  const wallet = new Wallet(key);
  const text = body(wallet, rules);
  const signature = await wallet.signMessage(text);
  process.stdout.write(`${text}signature ${signature}\n`);
} catch (e) {
  process.stderr.write(`sign-spending-rules: ${e.message}\n`);
  process.exit(1);
}
