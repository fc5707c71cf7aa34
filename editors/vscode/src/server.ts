// Finding the llmnotes binary: the `llmnotes.server.path` setting, then the binary
// bundled in the extension (`server/llmnotes`), then PATH. No `vscode` import, so
// the Node tests can exercise it directly.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface ServerLocation {
  path: string;
  source: "setting" | "bundled" | "PATH";
}

export interface FindOptions {
  configuredPath?: string;
  extensionPath: string;
  workspaceFolder?: string;
  envPath?: string;
  platform?: NodeJS.Platform;
}

const binaryName = (platform: NodeJS.Platform) => (platform === "win32" ? "llmnotes.exe" : "llmnotes");

function isExecutable(file: string, platform: NodeJS.Platform): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (platform !== "win32") {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** Expands `~` and `${workspaceFolder}` in a configured path. */
export function expandPath(configured: string, workspaceFolder?: string): string {
  let p = configured.trim();
  if (p === "~" || p.startsWith("~/")) {
    p = path.join(os.homedir(), p.slice(1));
  }
  if (workspaceFolder) {
    p = p.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
    if (!path.isAbsolute(p) && (p.includes("/") || p.includes("\\"))) {
      p = path.resolve(workspaceFolder, p);
    }
  }
  return p;
}

export function findServer(options: FindOptions): ServerLocation | { error: string } {
  const platform = options.platform ?? process.platform;
  const name = binaryName(platform);
  const envPath = options.envPath ?? process.env.PATH ?? "";

  if (options.configuredPath && options.configuredPath.trim() !== "") {
    const configured = expandPath(options.configuredPath, options.workspaceFolder);
    if (isExecutable(configured, platform)) {
      return { path: configured, source: "setting" };
    }
    // A bare command name in the setting is looked up on PATH.
    if (!configured.includes("/") && !configured.includes("\\")) {
      const onPath = searchPath(configured, envPath, platform);
      if (onPath) {
        return { path: onPath, source: "setting" };
      }
    }
    return { error: `llmnotes.server.path is set to "${options.configuredPath}", which is not an executable file.` };
  }

  const bundled = path.join(options.extensionPath, "server", name);
  if (isExecutable(bundled, platform)) {
    return { path: bundled, source: "bundled" };
  }

  const onPath = searchPath(name, envPath, platform);
  if (onPath) {
    return { path: onPath, source: "PATH" };
  }
  return { error: "could not find the `llmnotes` binary (not set in llmnotes.server.path, not bundled, not on PATH)." };
}

function searchPath(name: string, envPath: string, platform: NodeJS.Platform): string | undefined {
  const delimiter = platform === "win32" ? ";" : ":";
  for (const dir of envPath.split(delimiter)) {
    if (!dir) {
      continue;
    }
    const candidate = path.join(dir, name);
    if (isExecutable(candidate, platform)) {
      return candidate;
    }
  }
  return undefined;
}
