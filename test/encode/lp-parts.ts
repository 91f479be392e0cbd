// Test helper: splits one line-protocol line into series, fields (sorted) and timestamp, so lines
// that differ only in field order compare equal.
export interface LineParts {
  series: string;
  fields: string[];
  timestamp: string;
}

export function lineParts(line: string): LineParts {
  let i = 0;
  for (; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === ' ') break;
  }
  const series = line.slice(0, i);
  const fields: string[] = [];
  let start = ++i;
  let inString = false;
  let inKey = true;
  for (; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '\\') i++;
    else if (c === '=' && inKey) {
      inKey = false;
      if (line[i + 1] === '"') {
        inString = true;
        i++;
      }
    } else if (c === ',' || c === ' ') {
      inKey = true;
      fields.push(line.slice(start, i));
      start = i + 1;
      if (c === ' ') break;
    }
  }
  if (i >= line.length) {
    fields.push(line.slice(start));
    return { series, fields: fields.sort(), timestamp: '' };
  }
  return { series, fields: fields.sort(), timestamp: line.slice(i + 1) };
}

export function canonical(line: string): string {
  const p = lineParts(line);
  return `${p.series} ${p.fields.join(',')} ${p.timestamp}`;
}
