/**
 * Whether a process with this pid exists on this machine. EPERM means it exists but belongs to
 * another user: still alive, so its files are not ours to sweep.
 */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
