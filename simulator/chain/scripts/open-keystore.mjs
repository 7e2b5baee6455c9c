// SPDX-License-Identifier: EUPL-1.2
// Independent reader of the terminal's keystore: ethers' Wallet.fromEncryptedJson (scrypt, AES-128-CTR, MAC).
// stdin: {"keystore": "<the v3 JSON text>", "password": "..."}; stdout: the address it holds, 0x-lowercase.
import { Wallet } from 'ethers';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

try {
  const { keystore, password } = JSON.parse(await readStdin());
  const wallet = await Wallet.fromEncryptedJson(keystore, password);
  process.stdout.write(`${wallet.address.toLowerCase()}\n`);
} catch (e) {
  process.stderr.write(`open-keystore: ${e.message}\n`);
  process.exit(1);
}
