// SPDX-License-Identifier: EUPL-1.2
// CLI around htj1.mjs: JSON request(s) on stdin, one JSON line on stdout.
// An array is accepted so a test can sign many codes in a single node start.
import { signHtj1 } from './htj1.mjs';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

try {
  const text = await readStdin();
  let input;
  try {
    input = JSON.parse(text);
  } catch (e) {
    throw new Error(`stdin is not valid JSON: ${e.message}`);
  }
  let result;
  if (Array.isArray(input)) {
    result = [];
    for (let i = 0; i < input.length; i++) {
      try {
        result.push(await signHtj1(input[i]));
      } catch (e) {
        throw new Error(`element ${i}: ${e.message}`);
      }
    }
  } else {
    result = await signHtj1(input);
  }
  process.stdout.write(JSON.stringify(result) + '\n');
} catch (e) {
  process.stderr.write(`sign-htj1: ${e.message}\n`);
  process.exit(1);
}
