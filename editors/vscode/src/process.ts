import { execFile } from "child_process";

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the llmnotes binary with arguments (no shell) and collects its output. */
export function runProcess(file: string, args: string[], cwd?: string, timeoutMs = 60_000): Promise<ProcessResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      let code = 0;
      if (error) {
        const e = error as NodeJS.ErrnoException & { code?: number | string };
        code = typeof e.code === "number" ? e.code : 1;
        if (typeof e.code === "string") {
          stderr = `${stderr}${e.message}`;
        }
      }
      resolve({ code, stdout, stderr });
    });
  });
}
