// SPDX-License-Identifier: EUPL-1.2
// Independent signer for municipal deny-lists: ethers' signMessage (EIP-191 personal_sign) over the exact body.
// stdin: {"privateKey": "0x...", "body": "heitje-deny-list 1\n...\n"}; stdout: the signed document.
import { Wallet } from 'ethers';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

try {
  const { privateKey, body } = JSON.parse(await readStdin());
  if (typeof body !== 'string' || !body.endsWith('\n')) throw new Error('body: expected text ending in a line feed');
  const signature = await new Wallet(privateKey).signMessage(body);
  process.stdout.write(`${body}signature ${signature}\n`);
} catch (e) {
  process.stderr.write(`sign-deny-list: ${e.message}\n`);
  process.exit(1);
}
