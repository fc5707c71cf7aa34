// Copies the generated TextMate grammar (committed at the repository root under
// grammars/) into the extension so the .vsix contains it.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const name = "llmnotes.markdown.tmLanguage.json";
const from = join(here, "..", "..", "..", "grammars", name);
const to = join(here, "..", "grammars", name);
mkdirSync(dirname(to), { recursive: true });
copyFileSync(from, to);
console.log(`copied ${from} -> ${to}`);
