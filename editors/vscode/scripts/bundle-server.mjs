// Copies an llmnotes binary into server/llmnotes so the .vsix carries its own server
// (platform-specific: package one .vsix per target with `vsce package --target`).
//   LLMNOTES_BUNDLE_SERVER=/path/to/llmnotes npm run package:with-server
import { chmodSync, copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const from = process.env.LLMNOTES_BUNDLE_SERVER;
if (!from) {
  console.error("set LLMNOTES_BUNDLE_SERVER to the llmnotes binary to bundle");
  process.exit(1);
}
const here = dirname(fileURLToPath(import.meta.url));
const name = process.platform === "win32" ? "llmnotes.exe" : "llmnotes";
const to = join(here, "..", "server", name);
mkdirSync(dirname(to), { recursive: true });
copyFileSync(from, to);
chmodSync(to, 0o755);
console.log(`bundled ${from} -> ${to}`);
