/** Exit codes of artgen; `task watch` (and `task create --watch`) map the task's final status onto 0/3/4/5. */
export const EXIT = {
  ok: 0,
  /** The API answered with an error, the API is unreachable, or a local check failed (an import file). */
  error: 1,
  /** Bad command line: unknown command or option, missing or malformed argument. */
  usage: 2,
  taskFailed: 3,
  taskCanceled: 4,
  taskTimeout: 5,
} as const;

/** An error whose message is meant for the user as it is, with the process exit code to use. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Ends a command with an exit code after its output was written (not an error: nothing more is printed). */
export class ExitWith extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ExitWith';
  }
}
