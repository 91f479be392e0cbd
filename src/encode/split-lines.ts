// Splits a line-protocol text into lines. A string field value may legally contain a raw
// newline, so a plain split('\n') could cut a line in two; this scanner follows the grammar:
// measurement+tags (backslash escapes), then fields (double-quoted strings with backslash
// escapes), then the timestamp; a newline outside a quoted field string ends the line.

const NL = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const BACKSLASH = 92;

const COMMA = 44;
const EQUALS = 61;

export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  let section = 0; // 0 = measurement+tags, 1 = fields, 2 = timestamp
  let inFieldKey = true; // within section 1: a key (quotes are literal) or a value
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NL) {
      const end = i > start && text.charCodeAt(i - 1) === CR ? i - 1 : i;
      if (end > start) lines.push(text.slice(start, end));
      start = i + 1;
      section = 0;
    } else if (c === BACKSLASH && section < 2) {
      i++;
    } else if (c === SPACE) {
      if (section < 2) section++;
      inFieldKey = true;
    } else if (section === 1) {
      if (inFieldKey) {
        if (c === EQUALS) inFieldKey = false;
      } else if (c === COMMA) {
        inFieldKey = true;
      } else if (c === QUOTE) {
        i = skipQuoted(text, i);
      }
    }
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Index of the closing quote of the string field value opening at `open` (or the text's end). */
function skipQuoted(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return text.length;
}
