// SPDX-License-Identifier: EUPL-1.2
// Compiles contracts/*.sol with solc-js into build/<ContractName>.json.
// Runs fully offline: imports are served from node_modules, never downloaded.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const solc = require('solc');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const contractsDir = path.join(root, 'contracts');
const buildDir = path.join(root, 'build');
const nodeModules = path.join(root, 'node_modules');
const force = process.argv.includes('--force');

const sourceFiles = fs.readdirSync(contractsDir).filter((f) => f.endsWith('.sol')).sort();
if (sourceFiles.length === 0) {
  console.error(`no .sol files in ${contractsDir}`);
  process.exit(1);
}

// The convention that each file is named after the contract it deploys lets the
// freshness check know which outputs to expect without running the compiler.
const expectedOutputs = sourceFiles.map((f) => path.join(buildDir, `${path.basename(f, '.sol')}.json`));

function upToDate() {
  // This script is an input too: changing optimizer settings must trigger a rebuild.
  const inputs = [...sourceFiles.map((f) => path.join(contractsDir, f)), fileURLToPath(import.meta.url)];
  const newestInput = Math.max(...inputs.map((f) => fs.statSync(f).mtimeMs));
  return expectedOutputs.every((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs > newestInput);
}

if (!force && upToDate()) {
  console.log('build/ is up to date (use --force to recompile)');
  process.exit(0);
}

const sources = {};
for (const f of sourceFiles) {
  sources[`contracts/${f}`] = { content: fs.readFileSync(path.join(contractsDir, f), 'utf8') };
}

function findImports(importPath) {
  // Only package imports are served; anything else would silently pick up files
  // from outside this project.
  if (!importPath.startsWith('@openzeppelin/')) {
    return { error: `import not allowed (only @openzeppelin/*): ${importPath}` };
  }
  const resolved = path.resolve(nodeModules, importPath);
  if (!resolved.startsWith(nodeModules + path.sep)) {
    return { error: `import escapes node_modules: ${importPath}` };
  }
  try {
    return { contents: fs.readFileSync(resolved, 'utf8') };
  } catch (e) {
    return { error: `cannot read ${importPath}: ${e.message}` };
  }
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 10000 },
    evmVersion: 'cancun',
    // Exact source names: solc's selection only knows '*' as a wildcard, and
    // OpenZeppelin's own artifacts are not needed.
    outputSelection: Object.fromEntries(
      Object.keys(sources).map((name) => [name, { '*': ['abi', 'evm.bytecode.object'] }]),
    ),
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));

let failed = false;
for (const d of output.errors ?? []) {
  const text = d.formattedMessage ?? d.message;
  if (d.severity === 'error') {
    failed = true;
    console.error(text);
  } else {
    console.warn(text);
  }
}
if (failed) {
  console.error('compilation failed');
  process.exit(1);
}

fs.mkdirSync(buildDir, { recursive: true });
const written = [];
for (const [sourceName, contracts] of Object.entries(output.contracts ?? {})) {
  if (!sourceName.startsWith('contracts/')) continue;
  for (const [contractName, artifact] of Object.entries(contracts)) {
    const object = artifact.evm?.bytecode?.object ?? '';
    // Abstract contracts and interfaces have no creation code; nothing to deploy.
    if (!object) continue;
    const json = { contractName, abi: artifact.abi, bytecode: `0x${object}` };
    fs.writeFileSync(path.join(buildDir, `${contractName}.json`), JSON.stringify(json, null, 2) + '\n');
    written.push(contractName);
  }
}

const missing = expectedOutputs.filter((f) => !fs.existsSync(f));
if (missing.length > 0) {
  console.error(`expected artifacts were not produced (file name must match contract name): ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`compiled with solc ${solc.version()}: ${written.join(', ')}`);
