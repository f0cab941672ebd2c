/** What git and ls do when the reader of their output goes away (`| head -1`): stop, without a word. */
export const closedOutputExitCode = 141; // 128 + SIGPIPE, as a shell reports a command killed by it

/**
 * Node ignores SIGPIPE, so a write to a closed pipe fails with EPIPE, an 'error' event that would
 * otherwise be thrown as an uncaught exception with a stack trace. The command ends quietly instead.
 */
export function quietOnClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(closedOutputExitCode);
      throw error;
    });
  }
}
