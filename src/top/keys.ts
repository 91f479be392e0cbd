// Terminal input bytes → key names. Raw mode hands over what the terminal sends: printable
// characters, control bytes and escape sequences for the arrows (`ESC [ A` or, in application
// cursor mode, `ESC O A`). Unknown sequences are dropped whole rather than read as letters.

export type Key =
  | { name: 'char'; char: string }
  | { name: 'up' | 'down' | 'left' | 'right' | 'pageup' | 'pagedown' | 'home' | 'end' | 'enter' | 'escape' | 'backspace' | 'tab' | 'ctrl-c' | 'ctrl-d' | 'ctrl-l' };

const CSI: Record<string, Key['name']> = { A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end', '5~': 'pageup', '6~': 'pagedown', '1~': 'home', '4~': 'end', '7~': 'home', '8~': 'end' };

export function decodeKeys(input: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch === '\x1b') {
      const next = input[i + 1];
      if (next === '[' || next === 'O') {
        // Parameters (digits, ';') then one final byte in @..~.
        let j = i + 2;
        while (j < input.length && /[0-9;]/.test(input[j])) j++;
        if (j >= input.length) {
          i = input.length;
          break;
        }
        const params = input.slice(i + 2, j).replace(/^1;\d+/, '');
        const name = CSI[params + input[j]] ?? CSI[input[j]];
        if (name && (input[j] !== '~' || params)) keys.push({ name } as Key);
        i = j + 1;
        continue;
      }
      keys.push({ name: 'escape' });
      i++;
      continue;
    }
    i++;
    if (ch === '\r' || ch === '\n') keys.push({ name: 'enter' });
    else if (ch === '\x7f' || ch === '\b') keys.push({ name: 'backspace' });
    else if (ch === '\t') keys.push({ name: 'tab' });
    else if (ch === '\x03') keys.push({ name: 'ctrl-c' });
    else if (ch === '\x04') keys.push({ name: 'ctrl-d' });
    else if (ch === '\x0c') keys.push({ name: 'ctrl-l' });
    else if (ch >= ' ') keys.push({ name: 'char', char: ch });
  }
  return keys;
}
