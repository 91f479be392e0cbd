// /proc/<pid>/cmdline → one readable, bounded line. The arguments are NUL-separated (a process may
// rewrite its own: no NUL at all, or a trailing run of them); any byte may appear. NULs and other
// control characters become spaces, invalid UTF-8 becomes U+FFFD, the result is cut to `maxChars`
// with a trailing '…'. The caller reads at most a bounded prefix of the file (it can be megabytes).

/** `bytes` is the (possibly cut) file content; `cut` says the file was longer than `bytes`. */
export function formatCmdline(bytes: Buffer, maxChars: number, cut = false): string {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  let text = bytes.toString('utf8', 0, end);
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  if (text.length > maxChars) {
    text = text.slice(0, Math.max(0, maxChars - 1));
    // A surrogate pair cut in half would be an invalid string.
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) text = text.slice(0, -1);
    return text + '…';
  }
  return cut ? text + '…' : text;
}
