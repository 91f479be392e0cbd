// Where the native helper is: native/switches/build/cgflux-switches under the package root (the
// repository, or /app in the image), found by walking up from this module to the package.json.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HELPER_RELATIVE = 'native/switches/build/cgflux-switches';

export function helperPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, HELPER_RELATIVE);
    const parent = dirname(dir);
    if (parent === dir) return join(process.cwd(), HELPER_RELATIVE);
    dir = parent;
  }
}
