// Protocol-level test of `llmnotes lsp` as VS Code drives it: stdio transport,
// VS Code's client capabilities, initializationOptions from the extension's
// settings, then diagnostics, hover, definition and a configuration change.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";


const require = createRequire(import.meta.url);
const rpc = require("vscode-jsonrpc/node");

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..", "..");
const BIN =
  process.env.LLMNOTES_BIN ??
  join(process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(repo, "target"), "debug", "llmnotes");
const workspace = join(repo, "tests", "editors", "fixtures", "notes");
const notePath = join(workspace, "gpt2.md");
const noteUri = pathToFileURL(notePath).href;
const noteText = readFileSync(notePath, "utf8");
const expectedRaw = JSON.parse(readFileSync(join(repo, "tests", "editors", "fixtures", "expected.json"), "utf8"));
const expected = {
  diagnostics: expectedRaw.diagnostics.map((d) => ({ ...d, message: d.message.map((m) => new RegExp(m)) })),
  hover: expectedRaw.hover.map((h) => new RegExp(h)),
  definitionLine: new RegExp(expectedRaw.definitionLine),
};
const vscodeProfile = JSON.parse(readFileSync(join(here, "vscode-1.65.2-client.json"), "utf8"));

const TIMEOUT = 20_000;

/** Starts the server and answers the requests VS Code answers. */
async function startServer(initializationOptions) {
  assert.ok(existsSync(BIN), `server binary not found at ${BIN} (build it or set LLMNOTES_BIN)`);
  // The server writes its copy of the embedded KB under XDG_CACHE_HOME: keep it out of $HOME.
  const cache = mkdtempSync(join(tmpdir(), "llmnotes-cache-"));
  const child = spawn(BIN, ["lsp"], {
    cwd: workspace,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, XDG_CACHE_HOME: cache },
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const connection = rpc.createMessageConnection(
    new rpc.StreamMessageReader(child.stdout),
    new rpc.StreamMessageWriter(child.stdin),
  );
  const diagnostics = new Map(); // uri -> list of publishDiagnostics params, in order
  const waiters = [];
  const problems = [];
  let settings = initializationOptions ?? {};

  connection.onNotification("textDocument/publishDiagnostics", (params) => {
    problems.push(...checkDiagnosticShapes(params));
    const list = diagnostics.get(params.uri) ?? [];
    list.push(params);
    diagnostics.set(params.uri, list);
    for (const w of [...waiters]) w();
  });
  connection.onNotification(() => {}); // window/logMessage, $/progress, ...
  connection.onRequest("workspace/configuration", (params) =>
    params.items.map((item) => (item.section === "llmnotes" ? settings : item.section?.startsWith("llmnotes.") ? null : null)),
  );
  connection.onRequest("client/registerCapability", () => null);
  connection.onRequest("client/unregisterCapability", () => null);
  connection.onRequest("window/workDoneProgress/create", () => null);
  connection.onRequest("workspace/diagnostic/refresh", () => null);
  connection.onRequest("workspace/inlayHint/refresh", () => null);
  connection.onRequest("workspace/semanticTokens/refresh", () => null);
  connection.onRequest("window/showMessageRequest", () => null);
  connection.onRequest((method) => {
    problems.push(`unexpected server request ${method}`);
    return new rpc.ResponseError(rpc.ErrorCodes.MethodNotFound, `client does not handle ${method}`);
  });
  connection.listen();

  const init = await withTimeout(
    connection.sendRequest("initialize", {
      processId: process.pid,
      clientInfo: vscodeProfile.clientInfo,
      locale: "en",
      rootPath: workspace,
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: "notes" }],
      capabilities: vscodeProfile.capabilities,
      initializationOptions,
      trace: "off",
    }),
    "initialize",
  );
  await connection.sendNotification("initialized", {});

  /** Resolves with the newest diagnostics for `uri` once `predicate` holds. */
  function waitForDiagnostics(uri, predicate, label) {
    return withTimeout(
      new Promise((resolveWait) => {
        const check = () => {
          const list = diagnostics.get(uri) ?? [];
          const latest = list[list.length - 1];
          if (latest && predicate(latest.diagnostics)) {
            waiters.splice(waiters.indexOf(check), 1);
            resolveWait(latest.diagnostics);
          }
        };
        waiters.push(check);
        check();
      }),
      label,
      () => `diagnostics received for ${uri}: ${JSON.stringify(diagnostics.get(uri) ?? [])}`,
    );
  }

  async function shutdown() {
    try {
      await withTimeout(connection.sendRequest("shutdown"), "shutdown");
      await connection.sendNotification("exit");
    } finally {
      const exited = new Promise((r) => child.once("exit", (code) => r(code)));
      const code = child.exitCode ?? (await Promise.race([exited, sleep(3000).then(() => "timeout")]));
      connection.dispose();
      if (child.exitCode === null) child.kill("SIGKILL");
      assert.equal(code, 0, `server exit code after shutdown/exit (stderr: ${stderr.slice(-2000)})`);
    }
  }

  return {
    connection,
    init,
    problems,
    waitForDiagnostics,
    shutdown,
    setSettings: (s) => (settings = s),
    stderr: () => stderr,
  };
}

function checkDiagnosticShapes(params) {
  const problems = [];
  if (typeof params.uri !== "string") problems.push("publishDiagnostics without uri");
  for (const d of params.diagnostics ?? []) {
    for (const end of ["start", "end"]) {
      const p = d.range?.[end];
      if (!p || !Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) {
        problems.push(`bad range ${JSON.stringify(d.range)}`);
      }
    }
    if (d.severity !== undefined && ![1, 2, 3, 4].includes(d.severity)) problems.push(`bad severity ${d.severity}`);
    if (typeof d.message !== "string" || d.message === "") problems.push("diagnostic without message");
    if (d.source !== "llmnotes") problems.push(`diagnostic source ${d.source}`);
    if (!/^LN00[1-5]$/.test(String(d.code))) problems.push(`diagnostic code ${d.code}`);
  }
  return problems;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function withTimeout(promise, label, detail = () => "") {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${label}. ${detail()}`)), TIMEOUT);
    }),
  ]);
}

function openNote(server) {
  return server.connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri: noteUri, languageId: "markdown", version: 1, text: noteText },
  });
}

function summarize(diagnostics) {
  return diagnostics
    .map((d) => ({ code: String(d.code), line: d.range.start.line, character: d.range.start.character, endLine: d.range.end.line, endCharacter: d.range.end.character }))
    .sort((a, b) => a.line - b.line || a.character - b.character);
}

test("diagnostics, hover and definition as VS Code sees them", async () => {
  const server = await startServer({ rules: {}, inlayHints: { enabled: false }, kb: { paths: [] } });
  try {
    const caps = server.init.capabilities;
    assert.ok(caps.hoverProvider, "hoverProvider");
    assert.ok(caps.definitionProvider, "definitionProvider");
    assert.ok(caps.textDocumentSync, "textDocumentSync");
    const encoding = caps.positionEncoding ?? "utf-16";
    assert.equal(encoding, "utf-16", "VS Code 1.65 offers no positionEncodings, so the server must use UTF-16");

    await openNote(server);
    const diagnostics = await server.waitForDiagnostics(noteUri, (d) => d.length > 0, "diagnostics for gpt2.md");
    assert.deepEqual(
      summarize(diagnostics),
      expected.diagnostics.map((d) => ({ code: d.code, line: d.line, character: d.utf16, endLine: d.line, endCharacter: d.utf16End })),
    );
    const sorted = [...diagnostics].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    for (const [i, d] of expected.diagnostics.entries()) {
      for (const re of d.message) assert.match(sorted[i].message, re, "diagnostic message");
    }

    const hover = await withTimeout(
      server.connection.sendRequest("textDocument/hover", { textDocument: { uri: noteUri }, position: { line: expectedRaw.hoverAt.line, character: expectedRaw.hoverAt.utf16 } }),
      "hover",
    );
    assert.ok(hover, "hover on GPT-2 returns something");
    const contents = hover.contents;
    const value = typeof contents === "string" ? contents : Array.isArray(contents) ? contents.map((c) => c.value ?? c).join("\n") : contents.value;
    if (typeof contents === "object" && !Array.isArray(contents) && "kind" in contents) {
      assert.equal(contents.kind, "markdown", "VS Code accepts markdown, so the card should be Markdown");
    }
    for (const re of expected.hover) assert.match(value, re, `hover text: ${value}`);

    const definition = await withTimeout(
      server.connection.sendRequest("textDocument/definition", { textDocument: { uri: noteUri }, position: { line: expectedRaw.hoverAt.line, character: expectedRaw.hoverAt.utf16 } }),
      "definition",
    );
    const locations = (Array.isArray(definition) ? definition : [definition]).filter(Boolean).map((l) => ({
      uri: l.targetUri ?? l.uri,
      range: l.targetSelectionRange ?? l.range,
    }));
    const kbLocation = locations.find((l) => l.uri.endsWith(".toml"));
    assert.ok(kbLocation, `a definition in a .toml KB file: ${JSON.stringify(definition)}`);
    const kbLines = readFileSync(fileURLToPath(kbLocation.uri), "utf8").split("\n");
    assert.match(kbLines[kbLocation.range.start.line], expected.definitionLine, "definition lands on the GPT-2 entry");

    assert.deepEqual(server.problems, [], "protocol problems");
  } finally {
    await server.shutdown();
  }
});

test("initializationOptions set rule severities", async () => {
  const server = await startServer({ rules: { "kb-mismatch": "hint" }, inlayHints: { enabled: false }, kb: { paths: [] } });
  try {
    await openNote(server);
    const diagnostics = await server.waitForDiagnostics(noteUri, (d) => d.length > 0, "diagnostics");
    const kb = diagnostics.filter((d) => d.code === "LN001");
    assert.ok(kb.length > 0, "LN001 present");
    for (const d of kb) assert.equal(d.severity, 4, "kb-mismatch = hint → DiagnosticSeverity.Hint");
    assert.deepEqual(server.problems, []);
  } finally {
    await server.shutdown();
  }
});

test("workspace/didChangeConfiguration turns a rule off and on again", async () => {
  const base = { rules: {}, inlayHints: { enabled: false }, kb: { paths: [] } };
  const server = await startServer(base);
  try {
    await openNote(server);
    await server.waitForDiagnostics(noteUri, (d) => d.some((x) => x.code === "LN001"), "initial LN001");

    const off = { ...base, rules: { "kb-mismatch": "off" } };
    server.setSettings(off);
    await server.connection.sendNotification("workspace/didChangeConfiguration", { settings: { llmnotes: off } });
    await server.waitForDiagnostics(noteUri, (d) => !d.some((x) => x.code === "LN001"), "LN001 gone after kb-mismatch = off");

    const warn = { ...base, rules: { "kb-mismatch": "warning" } };
    server.setSettings(warn);
    await server.connection.sendNotification("workspace/didChangeConfiguration", { settings: { llmnotes: warn } });
    const back = await server.waitForDiagnostics(noteUri, (d) => d.some((x) => x.code === "LN001"), "LN001 back as warning");
    for (const d of back.filter((x) => x.code === "LN001")) assert.equal(d.severity, 2);
    assert.deepEqual(server.problems, []);
  } finally {
    await server.shutdown();
  }
});

test("inlayHints.enabled from the extension's settings switches inlay hints", async () => {
  const range = { start: { line: 0, character: 0 }, end: { line: noteText.split("\n").length, character: 0 } };
  for (const enabled of [true, false]) {
    const server = await startServer({ rules: {}, inlayHints: { enabled }, kb: { paths: [] } });
    try {
      assert.ok(server.init.capabilities.inlayHintProvider, "inlayHintProvider");
      await openNote(server);
      await server.waitForDiagnostics(noteUri, (d) => d.length > 0, "diagnostics");
      const hints =
        (await withTimeout(
          server.connection.sendRequest("textDocument/inlayHint", { textDocument: { uri: noteUri }, range }),
          "inlayHint",
        )) ?? [];
      if (enabled) {
        assert.ok(hints.length > 0, "hints when enabled");
        const labels = hints.map((h) => (typeof h.label === "string" ? h.label : h.label.map((p) => p.value).join("")));
        assert.ok(labels.some((l) => /2019/.test(l)), `a hint with GPT-2's year: ${JSON.stringify(labels)}`);
      } else {
        assert.deepEqual(hints, [], "no hints when disabled");
      }
      assert.deepEqual(server.problems, []);
    } finally {
      await server.shutdown();
    }
  }
});
