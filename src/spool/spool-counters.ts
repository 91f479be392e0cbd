// What a spool counts, for self-metrics and the status log line.
export class SpoolCounters {
  /** Points dropped because spool.max_bytes was reached (oldest first). */
  droppedFull = 0;
  /** Points dropped because the directory could not be written and the memory bound was reached. */
  droppedUnwritable = 0;
  /** Points that lived only in memory (disk failing, no spool dir) when the spool was closed. */
  droppedAtShutdown = 0;
  /** Points of spooled batches that could not be read back (I/O error). */
  unreadablePoints = 0;
  /** Bytes cut off segments at start-up because they did not form valid frames. */
  corruptBytes = 0;
  corruptSegments = 0;
  diskErrors = 0;
  /** undefined until the first write, false after a failure, true after a success. */
  diskWritable: boolean | undefined = undefined;
  lastDiskError = '';
  lastDiskErrorAtMs = 0;
}
