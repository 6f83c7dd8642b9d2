// Tokens/s of the npm tiktoken package (the WebAssembly build of OpenAI's Rust tiktoken) with cl100k_base, on the
// same files 'pcfglab gzip FOLDER --include PATTERN --tokenizer cl100k' reads: every file under FOLDER whose name
// ends with SUFFIX, one document per file, files with a NUL byte in their first 8 KiB skipped as binary.
// One thread (tiktoken's encode is synchronous). Run by hand, not part of CI:
//   npm install && node tiktoken-rate.mjs /usr/include .h
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { get_encoding } from 'tiktoken';

const [folder = '/usr/include', suffix = '.h'] = process.argv.slice(2);

function* walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    // Symbolic links are followed to files (as pcfglab's walker does), not to folders.
    const isFile = entry.isFile() || (entry.isSymbolicLink() && statSync(path, { throwIfNoEntry: false })?.isFile());
    if (entry.isDirectory()) yield* walk(path);
    else if (isFile && entry.name.endsWith(suffix)) yield path;
  }
}

const start = process.hrtime.bigint();
const encoding = get_encoding('cl100k_base');
const loaded = process.hrtime.bigint();
let files = 0, skipped = 0, bytes = 0, tokens = 0, encodeNs = 0n;
const decoder = new TextDecoder('utf-8');
for (const path of walk(folder)) {
  let data;
  try {
    data = readFileSync(path);
  } catch {
    skipped++;
    continue;
  }
  bytes += data.length;
  if (data.subarray(0, 8192).includes(0)) {
    skipped++;
    continue;
  }
  const text = decoder.decode(data);
  const t0 = process.hrtime.bigint();
  tokens += encoding.encode_ordinary(text).length;
  encodeNs += process.hrtime.bigint() - t0;
  files++;
}
const end = process.hrtime.bigint();
encoding.free();
const seconds = Number(end - loaded) / 1e9;
const encodeSeconds = Number(encodeNs) / 1e9;
console.log(JSON.stringify({
  tokenizer: 'tiktoken (npm) cl100k_base',
  node: process.version,
  files, skipped, megabytes: bytes / 1e6, tokens,
  loadSeconds: Number(loaded - start) / 1e9,
  seconds, tokensPerSecond: tokens / seconds, megabytesPerSecond: bytes / 1e6 / seconds,
  encodeSeconds, encodeTokensPerSecond: tokens / encodeSeconds,
}));
