/** Where a command reads its environment and writes; the dispatcher passes the process's, tests their own. */
export interface CommandIo {
  env: Record<string, string | undefined>;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
}
