// A real VS Code (code-server 4.100.3 = VS Code 1.100.3) in headless Chromium, driven
// by playwright-core: installs the .vsix, opens the fixture note, and checks what a
// user sees. Run by `scripts/test-editors.sh vscode-real` after
// scripts/install-code-server.sh.
//
//   node tests/editors/vscode_real.mjs VSIX LLMNOTES_BIN OUT_DIR
//
// Phases:
//  1. llmnotes.server.path points at a missing file: the extension shows an error
//     notification and the status bar item shows the error state.
//  2. The setting is fixed in settings.json: the extension restarts the server; the
//     status bar shows it running; the Problems panel lists LN001 on the 45GB line;
//     hovering GPT-2 shows the facts card (screenshot: OUT_DIR/hover.png).
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const csDir = join(repo, ".cache", "code-server");
const require = createRequire(join(csDir, "package.json"));
const { chromium } = require("playwright-core");

const [vsix, bin, outDir] = process.argv.slice(2).map((p) => resolve(p));
const expected = JSON.parse(readFileSync(join(repo, "tests", "editors", "fixtures", "expected.json"), "utf8"));
mkdirSync(outDir, { recursive: true });
const result = { checks: [], errors: [] };
const check = (name, ok, detail = "") => {
  result.checks.push({ name, ok: Boolean(ok), detail: String(detail).slice(0, 2000) });
  console.error(`${ok ? "ok  " : "FAIL"} ${name}${detail && !ok ? `: ${String(detail).slice(0, 500)}` : ""}`);
};

const root = mkdtempSync(join(tmpdir(), "llmnotes-vscode-"));
const userData = join(root, "user-data");
const extensions = join(root, "extensions");
const xdg = join(root, "xdg");
const workspace = join(root, "notes");
cpSync(join(repo, "tests", "editors", "fixtures", "notes"), workspace, { recursive: true });
mkdirSync(join(userData, "User"), { recursive: true });
const settingsFile = join(userData, "User", "settings.json");
const baseSettings = {
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "update.mode": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "chat.commandCenter.enabled": false,
  "workbench.colorTheme": "Default Dark Modern",
  "editor.hover.delay": 100,
  "editor.gotoLocation.multipleDefinitions": "goto",
  "llmnotes.server.path": join(root, "missing", "llmnotes"),
};
writeFileSync(settingsFile, JSON.stringify(baseSettings, null, 2));

const env = { ...process.env, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_CACHE_HOME: join(xdg, "cache"), HOME: root };
const codeServer = join(csDir, "node_modules", ".bin", "code-server");
const common = ["--user-data-dir", userData, "--extensions-dir", extensions];

const install = spawnSync(codeServer, [...common, "--install-extension", vsix], { env, encoding: "utf8" });
check("code-server --install-extension llmnotes.vsix", install.status === 0 && /successfully installed/i.test(install.stdout), install.stdout + install.stderr);

async function freePort() {
  return new Promise((res) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const port = await freePort();
const server = spawn(
  codeServer,
  [...common, "--bind-addr", `127.0.0.1:${port}`, "--auth", "none", "--disable-telemetry", "--disable-workspace-trust", "--disable-update-check", workspace],
  { env, stdio: ["ignore", "pipe", "pipe"] },
);
let serverLog = "";
server.stdout.on("data", (d) => (serverLog += d));
server.stderr.on("data", (d) => (serverLog += d));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitHttp() {
  for (let i = 0; i < 120; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return true;
    } catch {}
    await sleep(500);
  }
  return false;
}

let browser;
try {
  check("code-server answers on 127.0.0.1", await waitHttp(), serverLog);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("pageerror", (e) => result.errors.push(`pageerror: ${e.message}`));
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });

  // Open the note from the Explorer, as a user would.
  const item = page.getByRole("treeitem", { name: "gpt2.md" });
  await item.waitFor({ timeout: 60_000 });
  await item.dblclick();
  await page.locator(".monaco-editor .view-line").first().waitFor({ timeout: 30_000 });

  // Phase 1: missing binary -> error notification + status bar error.
  const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "llmnotes" });
  await toast.first().waitFor({ timeout: 60_000 }).catch(() => {});
  const toastText = (await toast.allInnerTexts()).join("\n");
  check("missing server: error notification names the setting", /llmnotes\.server\.path/.test(toastText) && /not an executable/.test(toastText), toastText);
  const status = page.locator(".statusbar-item", { hasText: "llmnotes" });
  await status.first().waitFor({ timeout: 30_000 });
  check("missing server: status bar shows the error state", (await status.first().locator(".codicon-error").count()) > 0, await status.first().innerHTML());
  await page.screenshot({ path: join(outDir, "missing-server.png") });
  await toast.first().locator(".codicon-notifications-clear").click().catch(() => {});

  // Phase 2: fix the setting (workspace settings override the user's); the extension
  // restarts the server on the change.
  mkdirSync(join(workspace, ".vscode"), { recursive: true });
  writeFileSync(join(workspace, ".vscode", "settings.json"), JSON.stringify({ "llmnotes.server.path": bin }, null, 2));
  const running = await status
    .first()
    .locator(".codicon-check")
    .waitFor({ timeout: 60_000 })
    .then(() => true, () => false);
  check("server path fixed: status bar shows running", running, await status.first().innerHTML());

  // Diagnostics in the Problems panel.
  await page.keyboard.press("Control+Shift+M");
  const rows = page.locator(".markers-panel .monaco-list-row");
  await rows.filter({ hasText: expected.diagnostics[0].code }).first().waitFor({ timeout: 60_000 }).catch(() => {});
  const problems = (await rows.allInnerTexts()).join("\n");
  const d = expected.diagnostics[0];
  const position = `[Ln ${d.line + 1}, Col ${d.utf16 + 1}]`;
  check("Problems panel lists LN001 at the 45GB figure", problems.includes(d.code) && problems.includes(position), problems);
  result.problems = problems;
  await page.screenshot({ path: join(outDir, "problems.png") });

  // Hover GPT-2 on line 3.
  const line = page.locator(".monaco-editor .view-lines .view-line").nth(expected.hoverAt.line);
  const token = line.locator("span > span", { hasText: /^GPT-2$|^GPT$/ }).first();
  const box = await token.boundingBox();
  if (box) {
    await page.mouse.move(box.x + 3, box.y + box.height / 2);
    await page.mouse.move(box.x + 6, box.y + box.height / 2);
  }
  const hover = page.locator(".monaco-hover:visible, .monaco-resizable-hover:visible").first();
  await hover.waitFor({ timeout: 30_000 }).catch(() => {});
  await sleep(500);
  const hoverText = (await hover.innerText().catch(() => "")) || "";
  result.hover = hoverText;
  const missing = expected.hover.filter((re) => !new RegExp(re).test(hoverText));
  check("hover on GPT-2 shows the facts card", hoverText && missing.length === 0, `missing ${missing} in: ${hoverText}`);
  await page.screenshot({ path: join(outDir, "hover.png") });

  // The injection grammar colours the model mention differently from the prose.
  const colorOf = (loc) => loc.evaluate((el) => getComputedStyle(el).color);
  const model = await colorOf(token).catch(() => null);
  const prose = await colorOf(line.locator("span > span", { hasText: "的训练数据" }).first()).catch(() => null);
  check("grammar: GPT-2 is coloured unlike the prose", model && prose && model !== prose, `${model} vs ${prose}`);

  // Go to Definition (F12) on GPT-2 opens the model's entry in the KB file.
  await page.keyboard.press("Escape");
  await token.click();
  await page.keyboard.press("F12");
  const activeTab = page.locator(".tabs-container .tab.active");
  const landed = await page
    .waitForFunction(() => /\.toml/.test(document.querySelector(".tabs-container .tab.active")?.textContent ?? ""), null, { timeout: 30_000 })
    .then(() => true, () => false);
  await sleep(500);
  const cursor = (await page.locator(".statusbar-item", { hasText: /Ln \d+, Col \d+/ }).first().innerText().catch(() => "")).trim();
  const tab = (await activeTab.innerText().catch(() => "")).trim();
  const defLine = await page.locator(".monaco-editor .view-overlays .current-line").count();
  result.definition = { tab, cursor };
  check("F12 on GPT-2 opens the KB TOML at the gpt-2 entry", landed && /openai\.toml/.test(tab) && /Ln 4, Col 6/.test(cursor), `${tab} ${cursor} ${defLine}`);
  await page.screenshot({ path: join(outDir, "definition.png") });

  // Commands from the palette, as a user runs them.
  async function runCommand(title) {
    await page.keyboard.press("F1");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${title}`);
    await page.locator(".quick-input-widget .monaco-list-row", { hasText: title }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press("Enter");
  }

  // llmnotes: Insert Timeline — at the end of the note.
  await page.locator(".tabs-container .tab", { hasText: "gpt2.md" }).click();
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  await runCommand("llmnotes: Insert Timeline of Mentioned Models");
  const inserted = await page
    .locator(".monaco-editor .view-line", { hasText: /2019-02-14.*GPT-2/ })
    .first()
    .waitFor({ timeout: 30_000 })
    .then(() => true, () => false);
  const editorText = (await page.locator(".monaco-editor .view-lines").first().innerText().catch(() => "")).replace(/\u00a0/g, " ");
  check("Insert Timeline puts the Markdown timeline at the cursor", inserted && /\| Date \| Model \|/.test(editorText), editorText);
  result.timeline = editorText;

  // llmnotes: Show Model Facts… — asks for a name, opens the card in a Markdown preview.
  await runCommand("llmnotes: Show Model Facts");
  const nameInput = page.locator(".quick-input-widget input");
  await nameInput.waitFor({ timeout: 10_000 });
  await nameInput.fill("GPT-2");
  await page.keyboard.press("Enter");
  const previewHeading = page.frameLocator("iframe.webview.ready").frameLocator("#active-frame").locator("h3", { hasText: "GPT-2" });
  const previewed = await previewHeading.first().waitFor({ timeout: 30_000 }).then(() => true, () => false);
  const previewTab = (await page.locator(".tabs-container .tab.active").innerText().catch(() => "")).trim();
  check("Show Model Facts opens the GPT-2 card in a Markdown preview", previewed && /Preview/.test(previewTab), previewTab);
  await page.screenshot({ path: join(outDir, "show-model.png") });
} catch (e) {
  result.errors.push(String(e?.stack ?? e));
  check("driver ran to the end", false, e?.stack ?? e);
} finally {
  await browser?.close().catch(() => {});
  server.kill("SIGTERM");
  writeFileSync(join(outDir, "code-server.log"), serverLog);
  writeFileSync(join(outDir, "result.json"), JSON.stringify(result, null, 2));
}
const failed = result.checks.filter((c) => !c.ok).length;
console.log(JSON.stringify({ passed: result.checks.length - failed, failed, errors: result.errors.length }));
process.exit(failed || result.errors.length ? 1 : 0);
