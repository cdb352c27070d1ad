/** Small pieces both daemons' CLIs share: injectable output (for tests) and exit-by-exception. */

/** Where a CLI writes and which environment it reads; tests pass their own. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

export const defaultCliIo: CliIo = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
};

/** Thrown inside a command to end it with this exit code; the CLI's main turns it into the return value. */
export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
