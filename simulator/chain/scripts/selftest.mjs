// SPDX-License-Identifier: EUPL-1.2
// End-to-end check of the chain side: base45 vectors, contract deployment on a
// throwaway anvil, QR signing, batch settlement with a replay, and gas figures.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { JsonRpcProvider, Wallet, NonceManager, ContractFactory, Signature, getBytes, hexlify, randomBytes, toBeHex } from 'ethers';
import { base45Encode, base45Decode } from './base45.mjs';
import { signHtj1, decodeHtj1 } from './htj1.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
const CHAIN_ID = 31337;
const TOKEN_NAME = 'Heerlens Heitje';
const TOKEN_VERSION = '1';
const TARGET_RATIO = 0.55;

let anvil;
function stopAnvil() {
  if (anvil && anvil.exitCode === null && anvil.signalCode === null) anvil.kill('SIGTERM');
}
// 'exit' covers thrown errors and process.exit; the signal handlers cover Ctrl-C.
process.on('exit', stopAnvil);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopAnvil();
    process.exit(130);
  });
}

// Waits for anvil to be gone so a follow-up run never finds the port or process still there.
async function shutdownAnvil() {
  if (!anvil || anvil.exitCode !== null || anvil.signalCode !== null) return;
  const exited = new Promise((resolve) => anvil.once('exit', resolve));
  anvil.kill('SIGTERM');
  // A deadline for a loaded machine: SIGKILL reaches only the npm wrapper, and would leave anvil itself running.
  const timedOut = await Promise.race([exited.then(() => false), new Promise((r) => setTimeout(r, 30_000, true).unref())]);
  if (timedOut) anvil.kill('SIGKILL');
}

function checkBase45() {
  const vectors = [
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
  ];
  for (const [plain, encoded] of vectors) {
    assert.equal(base45Encode(Buffer.from(plain)), encoded, `base45(${plain})`);
    assert.equal(Buffer.from(base45Decode(encoded)).toString(), plain, `unbase45(${encoded})`);
  }
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(base45Decode(base45Encode(all)), all);
  assert.throws(() => base45Decode('GGW'), /out of range/); // 65535 + 1
  console.log('base45: RFC 9285 examples ok');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// The port was free a moment ago; another process may take it before anvil binds, and then anvil exits at once.
// That is retried on a fresh port, so a busy machine does not fail the build.
async function startAnvil() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAnvilOn(await freePort());
    } catch (e) {
      if (!e.anvilExited || attempt >= 5) throw e;
    }
  }
}

async function startAnvilOn(port) {
  const bin = path.join(root, 'node_modules', '.bin', 'anvil');
  anvil = spawn(bin, ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(CHAIN_ID), '--silent'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  anvil.stderr.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000; // a deadline for a loaded machine, not an expected start-up time
  while (Date.now() < deadline) {
    if (anvil.exitCode !== null || anvil.signalCode !== null) {
      throw Object.assign(new Error(`anvil exited with ${anvil.exitCode ?? anvil.signalCode}: ${stderr}`),
        { anvilExited: true });
    }
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      if (res.ok) return url;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`anvil did not answer on ${url} within 60 s: ${stderr}`);
}

function loadArtifact(name) {
  const file = path.join(root, 'build', `${name}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

async function expectRevert(promise, errorName) {
  try {
    await promise;
  } catch (e) {
    const got = e.revert?.name;
    assert.equal(got, errorName, `expected revert ${errorName}, got ${got ?? e.shortMessage ?? e.message}`);
    return;
  }
  assert.fail(`expected revert ${errorName}, but the call succeeded`);
}

async function main() {
  checkBase45();

  const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'compile.mjs')], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`compile failed:\n${build.stdout}${build.stderr}`);
  process.stdout.write(build.stdout);

  const url = await startAnvil();
  console.log(`anvil: ${url}`);
  const provider = new JsonRpcProvider(url, CHAIN_ID, { staticNetwork: true, pollingInterval: 20 });
  const devAccount = Wallet.fromPhrase(DEV_MNEMONIC).connect(provider);
  // Back-to-back transactions from one account: asking the node for the pending
  // nonce each time raced with anvil's mining, so count locally.
  const deployer = new NonceManager(devAccount);

  const tokenArt = loadArtifact('HeitjeToken');
  const batchArt = loadArtifact('BatchCaller');
  const token = await new ContractFactory(tokenArt.abi, tokenArt.bytecode, deployer).deploy(
    TOKEN_NAME,
    'HEIT',
    TOKEN_VERSION,
    2,
    devAccount.address,
  );
  await token.waitForDeployment();
  const batch = await new ContractFactory(batchArt.abi, batchArt.bytecode, deployer).deploy();
  await batch.waitForDeployment();
  const tokenAddress = await token.getAddress();
  console.log(`deployed HeitjeToken ${tokenAddress}, BatchCaller ${await batch.getAddress()}`);
  assert.equal(await token.decimals(), 2n);
  assert.equal(await token.hasRole(await token.MINTER_ROLE(), devAccount.address), true);

  const merchant = Wallet.createRandom().address;
  const latest = await provider.getBlock('latest');
  const validBefore = BigInt(latest.timestamp) + 3600n;

  async function newCitizen(amount) {
    const citizen = Wallet.createRandom();
    await (await token.mint(citizen.address, amount)).wait();
    return citizen;
  }

  function authorize(citizen, overrides = {}) {
    return signHtj1({
      privateKey: citizen.privateKey,
      chainId: CHAIN_ID,
      token: tokenAddress,
      tokenName: TOKEN_NAME,
      tokenVersion: TOKEN_VERSION,
      to: merchant,
      value: '450',
      validAfter: '0',
      validBefore: validBefore.toString(),
      nonce: hexlify(randomBytes(32)),
      ...overrides,
    });
  }

  // The terminal only has the QR string, so build the call from the decoded payload.
  function transferArgs(signed) {
    const p = decodeHtj1(signed.htj1);
    return [p.from, p.to, p.value, p.validAfter, p.validBefore, p.nonce, p.v, p.r, p.s];
  }
  const call3 = (signed, allowFailure = true) => ({
    target: tokenAddress,
    allowFailure,
    callData: token.interface.encodeFunctionData('transferWithAuthorization', transferArgs(signed)),
  });

  // eth_estimateGas cannot be trusted for batches with allowFailure=true: it finds
  // the smallest limit at which the outer call does not revert, which is a limit
  // at which the inner calls run out of gas and are silently recorded as failed.
  const batchGasLimit = (n) => 100_000 + 60_000 * n;

  // --- the scenario from the brief -------------------------------------------
  const citizen = await newCitizen(2000n);
  const nonce = hexlify(randomBytes(32));
  const signed = await authorize(citizen, { nonce });
  assert.equal(signed.domainSeparator, await token.DOMAIN_SEPARATOR(), 'domain separator matches the contract');
  assert.equal(signed.from, citizen.address);
  assert.equal(signed.payloadHex.length, 2 + 2 * 215);
  const decoded = decodeHtj1(signed.htj1);
  const sig = Signature.from(signed.signature);
  assert.deepEqual(
    [decoded.version, decoded.kind, decoded.chainId, decoded.token, decoded.to, decoded.value, decoded.nonce],
    [1, 1, BigInt(CHAIN_ID), tokenAddress, merchant, 450n, nonce],
  );
  assert.deepEqual([decoded.r, decoded.s, decoded.v], [sig.r, sig.s, sig.v]);

  const pair = [call3(signed), call3(signed)];
  const preview = await batch.aggregate3.staticCall(pair);
  assert.equal(preview[0].success, true, 'first redemption succeeds');
  assert.equal(preview[1].success, false, 'replay fails');
  assert.equal(token.interface.parseError(preview[1].returnData)?.name, 'AuthorizationAlreadyUsed');
  const pairReceipt = await (await batch.aggregate3(pair, { gasLimit: batchGasLimit(pair.length) })).wait();
  assert.equal(await token.balanceOf(citizen.address), 1550n);
  assert.equal(await token.balanceOf(merchant), 450n);
  assert.equal(await token.authorizationState(citizen.address, nonce), true);
  console.log(`settled 450 + replay via aggregate3: gasUsed ${pairReceipt.gasUsed}; balances citizen 1550, merchant 450 ok`);

  // --- the CLI must agree with the library (RFC 6979 signatures are deterministic) ---
  const cliInput = {
    privateKey: citizen.privateKey,
    chainId: CHAIN_ID,
    token: tokenAddress,
    tokenName: TOKEN_NAME,
    tokenVersion: TOKEN_VERSION,
    to: merchant,
    value: 450,
    validAfter: '0',
    validBefore: validBefore.toString(),
    nonce,
  };
  const cli = spawnSync(process.execPath, [path.join(root, 'scripts', 'sign-htj1.mjs')], {
    input: JSON.stringify([cliInput, cliInput]),
    encoding: 'utf8',
  });
  assert.equal(cli.status, 0, cli.stderr);
  const cliOut = JSON.parse(cli.stdout);
  assert.equal(cliOut.length, 2);
  assert.deepEqual(cliOut[0], signed);
  console.log('sign-htj1 CLI (array input) matches the library');

  // --- failure modes -----------------------------------------------------------
  const victim = await newCitizen(1000n);
  const now = BigInt((await provider.getBlock('latest')).timestamp);
  const asArgs = async (overrides) => transferArgs(await authorize(victim, overrides));
  await expectRevert(
    token.transferWithAuthorization.staticCall(...(await asArgs({ validBefore: now.toString() }))),
    'AuthorizationExpired',
  );
  await expectRevert(
    token.transferWithAuthorization.staticCall(...(await asArgs({ validAfter: (now + 1000n).toString() }))),
    'AuthorizationNotYetValid',
  );
  const tampered = await asArgs({});
  tampered[2] = 451n;
  await expectRevert(token.transferWithAuthorization.staticCall(...tampered), 'InvalidSignature');
  // Same signature in its high-s twin form must be refused (malleability).
  const malleable = await asArgs({});
  const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  malleable[8] = toBeHex(N - BigInt(malleable[8]), 32);
  malleable[6] = malleable[6] === 27 ? 28 : 27;
  await expectRevert(token.transferWithAuthorization.staticCall(...malleable), 'InvalidSignature');
  await expectRevert(token.receiveWithAuthorization.staticCall(...(await asArgs({}))), 'CallerMustBePayee');
  // Cancelling makes a signed but unsettled QR code worthless.
  const cancelNonce = hexlify(randomBytes(32));
  const cancelSig = Signature.from(
    await victim.signTypedData(
      { name: TOKEN_NAME, version: TOKEN_VERSION, chainId: CHAIN_ID, verifyingContract: tokenAddress },
      { CancelAuthorization: [{ name: 'authorizer', type: 'address' }, { name: 'nonce', type: 'bytes32' }] },
      { authorizer: victim.address, nonce: cancelNonce },
    ),
  );
  await (await token.cancelAuthorization(victim.address, cancelNonce, cancelSig.v, cancelSig.r, cancelSig.s)).wait();
  assert.equal(await token.authorizationState(victim.address, cancelNonce), true);
  await expectRevert(
    token.transferWithAuthorization.staticCall(...(await asArgs({ nonce: cancelNonce }))),
    'AuthorizationAlreadyUsed',
  );
  // A required item that fails must take the whole batch down.
  const replayOfFirst = call3(signed, false);
  await expectRevert(batch.aggregate3.staticCall([call3(await authorize(victim)), replayOfFirst]), 'CallFailed');
  assert.equal(await token.balanceOf(victim.address), 1000n);
  console.log('reverts ok: expired, not yet valid, tampered, high-s, non-payee, cancelled, required batch item');

  // --- gas ----------------------------------------------------------------------
  // Every measured redemption pays a citizen balance that is already non-zero into
  // a merchant balance that is already non-zero, as in steady-state use.
  const single = await newCitizen(1000n);
  const singleReceipt = await (
    await token.transferWithAuthorization(...transferArgs(await authorize(single)))
  ).wait();
  const singleGas = Number(singleReceipt.gasUsed);

  // Splits a receipt into the parts that matter for the batching trade-off.
  async function breakdown(receipt) {
    const tx = await provider.getTransaction(receipt.hash);
    const data = getBytes(tx.data);
    const zeros = data.filter((b) => b === 0).length;
    const calldata = zeros * 4 + (data.length - zeros) * 16;
    const trace = await provider.send('debug_traceTransaction', [receipt.hash, { tracer: 'callTracer' }]);
    const inner = (trace.calls ?? []).reduce((sum, c) => sum + Number(c.gasUsed), 0);
    return { calldata, inner, rest: Number(receipt.gasUsed) - 21000 - calldata - inner };
  }

  async function batchGas(n, sameCitizen) {
    const one = sameCitizen ? await newCitizen(450n * BigInt(n)) : null;
    const calls = [];
    for (let i = 0; i < n; i++) calls.push(call3(await authorize(one ?? (await newCitizen(1000n)))));
    const receipt = await (await batch.aggregate3(calls, { gasLimit: batchGasLimit(calls.length) })).wait();
    const ok = receipt.logs.filter((l) => l.topics[0] === token.interface.getEvent('AuthorizationUsed').topicHash);
    assert.equal(ok.length, n, `all ${n} redemptions settled`);
    return { total: Number(receipt.gasUsed), parts: await breakdown(receipt) };
  }

  const perItem = (parts, n) =>
    `calldata ${Math.round(parts.calldata / n)} + token call ${Math.round(parts.inner / n)} + batch overhead ${Math.round(parts.rest / n)} + base ${Math.round(21000 / n)}`;
  const singleParts = { ...(await breakdown(singleReceipt)) };
  console.log('\ngas (tx gasUsed, including 21000 base and calldata):');
  console.log(`  single transferWithAuthorization: ${singleGas}  [calldata ${singleParts.calldata} + execution ${singleGas - 21000 - singleParts.calldata} + base 21000]`);
  let ratio50;
  for (const n of [1, 10, 50]) {
    const { total, parts } = await batchGas(n, false);
    const per = total / n;
    if (n === 50) ratio50 = per / singleGas;
    console.log(
      `  aggregate3 x${String(n).padEnd(2)} distinct citizens: total ${total}, per redemption ${Math.round(per)} (${(per / singleGas).toFixed(3)} x single)  [${perItem(parts, n)}]`,
    );
  }
  const same = await batchGas(50, true);
  console.log(
    `  aggregate3 x50 one citizen, 50 nonces: total ${same.total}, per redemption ${Math.round(same.total / 50)} (${(same.total / 50 / singleGas).toFixed(3)} x single)  [${perItem(same.parts, 50)}]`,
  );
  console.log(
    `  target batch-of-50 per redemption <= ${TARGET_RATIO} x single (distinct citizens): ${ratio50 <= TARGET_RATIO ? 'MET' : 'MISSED'} (${ratio50.toFixed(3)})`,
  );
  console.log('\nselftest passed');
}

try {
  await main();
} catch (e) {
  console.error(`selftest FAILED: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  await shutdownAnvil();
}
