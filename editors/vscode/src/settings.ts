// The settings the server reads, mirroring `llmnotes.toml`:
//   { rules: { "kb-mismatch": "error", ... }, inlayHints: { enabled }, kb: { paths } }
// Sent as `initializationOptions` and, wrapped as `{ llmnotes: ... }`, in
// `workspace/didChangeConfiguration`. No `vscode` import, so tests can use it.

export const RULES = ["kb-mismatch", "conflict", "date-mismatch", "unknown-model", "spelling"] as const;
export const SEVERITIES = ["error", "warning", "info", "hint", "off"] as const;

export interface LlmnotesSettings {
  rules: Record<string, string>;
  inlayHints: { enabled: boolean };
  kb: { paths: string[] };
}

/** Anything with `get(key)`, like a `vscode.WorkspaceConfiguration` for "llmnotes". */
export interface ConfigLike {
  get<T>(key: string): T | undefined;
}

export function clientSettings(config: ConfigLike): LlmnotesSettings {
  const rawRules = config.get<Record<string, unknown>>("rules") ?? {};
  const rules: Record<string, string> = {};
  for (const [name, severity] of Object.entries(rawRules)) {
    if (typeof severity === "string" && (SEVERITIES as readonly string[]).includes(severity)) {
      rules[name] = severity;
    }
  }
  const paths = (config.get<unknown[]>("kb.paths") ?? []).filter((p): p is string => typeof p === "string");
  return {
    rules,
    inlayHints: { enabled: config.get<boolean>("inlayHints.enabled") ?? false },
    kb: { paths },
  };
}
