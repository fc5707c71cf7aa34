// Server lookup order and the settings object sent to the server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const { findServer } = require("../out/server.cjs");
const { clientSettings } = require("../out/settings.cjs");

function fakeBinary(dir) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "llmnotes");
  writeFileSync(file, "#!/bin/sh\nexit 0\n");
  chmodSync(file, 0o755);
  return file;
}

test("lookup order: setting, then bundled server/llmnotes, then PATH", () => {
  const root = mkdtempSync(join(tmpdir(), "llmnotes-find-"));
  const ext = join(root, "ext");
  const onPath = fakeBinary(join(root, "bin"));
  const configured = fakeBinary(join(root, "custom"));
  const env = { extensionPath: ext, envPath: `/nonexistent:${join(root, "bin")}`, platform: "linux" };

  assert.deepEqual(findServer(env), { path: onPath, source: "PATH" });
  const bundled = fakeBinary(join(ext, "server"));
  assert.deepEqual(findServer(env), { path: bundled, source: "bundled" });
  assert.deepEqual(findServer({ ...env, configuredPath: configured }), { path: configured, source: "setting" });
  assert.deepEqual(
    findServer({ ...env, configuredPath: "${workspaceFolder}/custom/llmnotes", workspaceFolder: root }),
    { path: configured, source: "setting" },
  );
  // A configured path that does not exist is an error, not a silent fallback.
  const missing = findServer({ ...env, configuredPath: join(root, "nope") });
  assert.match(missing.error, /llmnotes\.server\.path.*not an executable/);
  // Nothing anywhere: the error says where it looked.
  const none = findServer({ extensionPath: join(root, "empty"), envPath: "/nonexistent", platform: "linux" });
  assert.match(none.error, /could not find the `llmnotes` binary/);
});

test("settings mirror llmnotes.toml and drop invalid values", () => {
  const values = {
    rules: { "kb-mismatch": "warning", spelling: "off", conflict: "loud", "date-mismatch": 3 },
    "inlayHints.enabled": true,
    "kb.paths": ["kb/local.toml", 7],
    "server.path": "/ignored",
  };
  const config = { get: (key) => values[key] };
  assert.deepEqual(clientSettings(config), {
    rules: { "kb-mismatch": "warning", spelling: "off" },
    inlayHints: { enabled: true },
    kb: { paths: ["kb/local.toml"] },
  });
  assert.deepEqual(clientSettings({ get: () => undefined }), {
    rules: {},
    inlayHints: { enabled: false },
    kb: { paths: [] },
  });
});
