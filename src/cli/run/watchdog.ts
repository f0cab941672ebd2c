import { spawn } from 'node:child_process';

// Reads its stdin, a pipe from us: a line `done` means we finished normally; end of file without
// it means we died (even by kill -9, which no handler of ours sees), so it ends the child's group:
// SIGTERM, and SIGKILL 5 s later for what is still there.
const script = 'read line; [ "$line" = done ] && exit 0; kill -s TERM -- "-$1" 2>/dev/null; sleep 5; kill -s KILL -- "-$1" 2>/dev/null; exit 0';

export interface Watchdog {
  /** We are done with the child: the watchdog exits without killing anything. */
  release(): void;
}

/**
 * Makes the child's process group die with us. Node has no PR_SET_PDEATHSIG, so a small `sh`, in
 * a session of its own (a kill of our process group does not reach it), holds the read end of a
 * pipe whose write end only we hold: the kernel closes it when we die, however we die.
 */
export function watchChildGroup(childPid: number): Watchdog {
  const dog = spawn('/bin/sh', ['-c', script, 'threadline-watchdog', String(childPid)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  dog.on('error', () => undefined);
  dog.stdin!.on('error', () => undefined);
  dog.unref();
  // The pipe must not keep our event loop alive; it only has to stay open while we live.
  (dog.stdin as unknown as { unref?: () => void }).unref?.();
  return {
    release() {
      dog.stdin!.end('done\n');
    },
  };
}
