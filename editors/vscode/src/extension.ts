// The llmnotes VS Code extension: starts `llmnotes lsp` for Markdown files and
// adds a few commands around it. All analysis happens in the server.

import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from "vscode-languageclient/node";

import { findServer, ServerLocation } from "./server";
import { runProcess } from "./process";
import { clientSettings } from "./settings";

const INSTALL_HELP =
  "Install it with `cargo install --path .` in the llmnotes repository (or put a release binary on PATH), " +
  "or set `llmnotes.server.path` to the binary.";

let client: LanguageClient | undefined;
let server: ServerLocation | undefined;
let statusItem: vscode.StatusBarItem;
let outputChannel: vscode.OutputChannel;
let showOutput: vscode.OutputChannel | undefined;

type StatusState = "starting" | "running" | "stopped" | "error";

function setStatus(state: StatusState, detail?: string): void {
  const icons: Record<StatusState, string> = {
    starting: "$(sync~spin)",
    running: "$(check)",
    stopped: "$(circle-slash)",
    error: "$(error)",
  };
  statusItem.text = `${icons[state]} llmnotes`;
  statusItem.tooltip = `llmnotes language server: ${state}${detail ? ` — ${detail}` : ""}\nClick to restart.`;
  statusItem.backgroundColor =
    state === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  statusItem.show();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel("llmnotes");
  statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  statusItem.command = "llmnotes.restartServer";
  context.subscriptions.push(outputChannel, statusItem);

  context.subscriptions.push(
    vscode.commands.registerCommand("llmnotes.restartServer", () => restart(context)),
    vscode.commands.registerCommand("llmnotes.showModel", showModel),
    vscode.commands.registerCommand("llmnotes.insertTimeline", insertTimeline),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration("llmnotes")) {
        return;
      }
      if (event.affectsConfiguration("llmnotes.server")) {
        await restart(context);
        return;
      }
      if (client?.state === State.Running) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { llmnotes: clientSettings(vscode.workspace.getConfiguration("llmnotes")) },
        });
      }
    }),
  );

  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  setStatus("starting");
  const config = vscode.workspace.getConfiguration("llmnotes");
  const found = findServer({
    configuredPath: config.get<string | null>("server.path") ?? undefined,
    extensionPath: context.extensionPath,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
  if ("error" in found) {
    server = undefined;
    setStatus("error", found.error);
    outputChannel.appendLine(found.error);
    const choice = await vscode.window.showErrorMessage(
      `llmnotes: ${found.error} ${INSTALL_HELP}`,
      "Open Settings",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "llmnotes.server.path");
    }
    return;
  }
  server = found;
  outputChannel.appendLine(`llmnotes: using ${found.path} (${found.source})`);

  const extraArgs = config.get<string[]>("server.extraArgs") ?? [];
  const serverOptions: ServerOptions = {
    command: found.path,
    args: ["lsp", ...extraArgs],
    options: { env: { ...process.env, RUST_BACKTRACE: "1" } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "untitled", language: "markdown" },
    ],
    initializationOptions: clientSettings(config),
    outputChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{llmnotes.toml,*.md,*.markdown}"),
    },
  };

  const newClient = new LanguageClient("llmnotes", "llmnotes", serverOptions, clientOptions);
  let failure: string | undefined;
  newClient.onDidChangeState((event) => {
    if (event.newState === State.Running) {
      failure = undefined;
      setStatus("running", found.path);
    } else if (event.newState === State.Starting) {
      setStatus("starting");
    } else if (failure) {
      setStatus("error", failure);
    } else {
      setStatus("stopped");
    }
  });
  client = newClient;
  try {
    await newClient.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    failure = message;
    setStatus("error", message);
    outputChannel.appendLine(`llmnotes: server failed to start: ${message}`);
    void vscode.window.showErrorMessage(`llmnotes: the language server failed to start (${message}). See the "llmnotes" output.`);
  }
}

async function stop(): Promise<void> {
  const old = client;
  client = undefined;
  if (old && old.state !== State.Stopped) {
    try {
      await old.stop(2000);
    } catch {
      // Already gone.
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
}

function serverSupports(command: string): boolean {
  const commands = client?.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  return client?.state === State.Running && commands.includes(command);
}

/** Turns whatever the server returned for `llmnotes.showModel` into Markdown. */
function asMarkdown(result: unknown): string | undefined {
  if (typeof result === "string") {
    return result;
  }
  if (result && typeof result === "object") {
    const r = result as Record<string, unknown>;
    for (const key of ["markdown", "value", "contents", "text"]) {
      if (typeof r[key] === "string") {
        return r[key] as string;
      }
    }
  }
  return undefined;
}

async function showModel(nameArg?: string): Promise<void> {
  const name =
    typeof nameArg === "string"
      ? nameArg
      : await vscode.window.showInputBox({
          title: "llmnotes: show model",
          prompt: "Model name or alias (GPT-2, Llama-3.1, 通义千问…)",
          value: wordAtCursor(),
        });
  if (!name) {
    return;
  }
  let markdown: string | undefined;
  if (serverSupports("llmnotes.showModel")) {
    try {
      const result = await client!.sendRequest(ExecuteCommandRequest.type, {
        command: "llmnotes.showModel",
        arguments: [name],
      });
      markdown = asMarkdown(result);
    } catch (error) {
      outputChannel.appendLine(`llmnotes.showModel via server failed: ${String(error)}`);
    }
  }
  if (markdown === undefined) {
    if (!server) {
      void vscode.window.showErrorMessage(`llmnotes: no llmnotes binary found. ${INSTALL_HELP}`);
      return;
    }
    const run = await runProcess(server.path, ["show", "--format", "markdown", "--no-color", name]);
    if (run.code !== 0) {
      void vscode.window.showErrorMessage(`llmnotes show ${name}: ${run.stderr.trim() || `exit ${run.code}`}`);
      return;
    }
    markdown = run.stdout;
  }
  const doc = await vscode.workspace.openTextDocument({ language: "markdown", content: markdown });
  try {
    await vscode.commands.executeCommand("markdown.showPreview", doc.uri);
  } catch {
    showOutput ??= vscode.window.createOutputChannel("llmnotes: model");
    showOutput.clear();
    showOutput.append(markdown);
    showOutput.show(true);
  }
}

function wordAtCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return undefined;
  }
  const range = editor.document.getWordRangeAtPosition(editor.selection.active, /[\p{L}\p{N}._-]+/u);
  return range ? editor.document.getText(range) : undefined;
}

async function insertTimeline(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showErrorMessage("llmnotes: open a Markdown file to insert the timeline into.");
    return;
  }
  if (!server) {
    void vscode.window.showErrorMessage(`llmnotes: no llmnotes binary found. ${INSTALL_HELP}`);
    return;
  }
  const folder =
    vscode.workspace.getWorkspaceFolder(editor.document.uri)?.uri.fsPath ??
    vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) {
    void vscode.window.showErrorMessage("llmnotes: open a folder of notes to build a timeline from.");
    return;
  }
  const run = await runProcess(server.path, ["timeline", "--no-color", folder], folder);
  if (run.code !== 0) {
    void vscode.window.showErrorMessage(`llmnotes timeline: ${run.stderr.trim() || `exit ${run.code}`}`);
    return;
  }
  await editor.edit((edit) => edit.insert(editor.selection.active, run.stdout));
}
