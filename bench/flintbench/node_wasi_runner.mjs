// Runs a wasm32-wasi command under Node's node:wasi, the way `wasmtime run
// MODULE ARGS...` does: argv[0] is the module's path, the process exits with
// the guest's exit status. Used by flintbench for the `node` contender.
import { readFile } from "node:fs/promises";
import { argv, exit } from "node:process";
import { WASI } from "node:wasi";

const [module, ...args] = argv.slice(2);
if (!module) {
  console.error("usage: node node_wasi_runner.mjs MODULE.wasm [ARGS...]");
  exit(2);
}
const wasi = new WASI({ version: "preview1", args: [module, ...args], env: {}, returnOnExit: true });
const compiled = await WebAssembly.compile(await readFile(module));
const instance = await WebAssembly.instantiate(compiled, wasi.getImportObject());
exit(wasi.start(instance));
