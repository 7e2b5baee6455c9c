// SPDX-License-Identifier: EUPL-1.2
// Independent check of an EIP-191 personal_sign signature (provision register's request): ethers' verifyMessage.
// stdin: {"message": "<the exact text signed>", "signature": "0x<65 bytes>"}; stdout: the signer, 0x-lowercase.
import { verifyMessage } from 'ethers';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

try {
  const { message, signature } = JSON.parse(await readStdin());
  process.stdout.write(`${verifyMessage(message, signature).toLowerCase()}\n`);
} catch (e) {
  process.stderr.write(`verify-message: ${e.message}\n`);
  process.exit(1);
}
