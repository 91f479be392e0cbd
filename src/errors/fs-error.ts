// Turning a failed file operation into a sentence; shared by the spool and the file output.
/** A failed file operation in words an operator acts on. */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const hint: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exhausted',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a path component is not a directory',
    EIO: 'I/O error from the disk',
  };
  const why = e?.code ? hint[e.code] : undefined;
  return why ? `${why} (${e.code}: ${e.message})` : String(e?.message ?? err);
}
