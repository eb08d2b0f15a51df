// Part of `npm run build`: assembles src/validate/byte-scan.wat into dist/validate/byte-scan.wasm
// with wabt, the WebAssembly Binary Toolkit (a build-time dependency only).
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const ROOT = join(__dirname, '..');
const SOURCE = join(ROOT, 'src', 'validate', 'byte-scan.wat');
const TARGET = join(ROOT, 'dist', 'validate', 'byte-scan.wasm');

require('wabt')().then(
  (wabt) => {
    const module = wabt.parseWat(SOURCE, readFileSync(SOURCE, 'utf8'), { simd: true });
    try {
      module.resolveNames();
      module.validate();
      const { buffer } = module.toBinary({});
      mkdirSync(dirname(TARGET), { recursive: true });
      writeFileSync(TARGET, buffer);
    } finally {
      module.destroy();
    }
    console.log(`Wrote ${relative(process.cwd(), TARGET)}.`);
  },
  (err) => {
    console.error(`build-wasm: ${err.message}`);
    process.exitCode = 1;
  },
);
