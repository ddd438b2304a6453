// A JavaScript command component: componentize-js (StarlingMonkey, a
// SpiderMonkey build for WASI 0.2) bundles the engine and this module into a
// component exporting wasi:cli/run. Arguments and environment come from
// wasi:cli/environment, the file from a wasi:filesystem preopen, and output
// goes through wasi:cli/stdout and stderr directly (console.log's buffering
// is the engine's own). Deterministic output.
import { getArguments, getEnvironment } from 'wasi:cli/environment@0.2.12';
import { getStdout } from 'wasi:cli/stdout@0.2.12';
import { getStderr } from 'wasi:cli/stderr@0.2.12';
import { getDirectories } from 'wasi:filesystem/preopens@0.2.12';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function write(stream, text) {
  const bytes = encoder.encode(text);
  // blockingWriteAndFlush takes at most 4096 bytes at a time.
  for (let i = 0; i < bytes.length; i += 4096) {
    stream.blockingWriteAndFlush(bytes.subarray(i, i + 4096));
  }
}

function readFile(dir, path) {
  const file = dir.openAt({}, path, {}, { read: true });
  const chunks = [];
  let offset = 0n;
  for (;;) {
    const [data, end] = file.read(65536n, offset);
    chunks.push(data);
    offset += BigInt(data.length);
    if (end || data.length === 0) break;
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return decoder.decode(all);
}

export const run = {
  run() {
    const out = getStdout();
    const lines = [];
    const args = getArguments();
    lines.push('lang: js');
    lines.push(`argc: ${args.length}`);
    args.slice(1).forEach((a, i) => lines.push(`arg[${i + 1}]: ${a}`));
    const env = new Map(getEnvironment());
    lines.push(`GREETING: ${env.get('GREETING') ?? '(unset)'}`);
    lines.push(`FLINT_UNSET_VARIABLE: ${env.get('FLINT_UNSET_VARIABLE') ?? '(unset)'}`);

    const data = getDirectories().find(([, name]) => name === '/data');
    if (!data) {
      write(getStderr(), 'no preopen /data\n');
      throw new Error('no /data');
    }
    const input = readFile(data[0], 'input.txt').split('\n');
    if (input[input.length - 1] === '') input.pop();
    input.forEach((line, n) => lines.push(`input[${n}]: ${line}`));
    lines.push(`input lines: ${input.length}`);
    let missing = 'no';
    try {
      readFile(data[0], 'missing.txt');
      missing = 'yes';
    } catch {}
    lines.push(`missing file opens: ${missing}`);
    write(out, lines.join('\n') + '\n');
    write(getStderr(), 'js: to stderr\n');
    // wasi:cli/run returns result<_, _>: a throw is the err case (exit 1).
    if (args.slice(1).includes('--fail')) throw new Error('failing as asked');
  },
};
