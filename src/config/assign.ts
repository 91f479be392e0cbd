// Writes a parsed value into the Config at a path of Config keys.
export function setAt(root: object, configPath: string[], value: unknown): void {
  let node = root as Record<string, unknown>;
  for (const key of configPath.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[configPath[configPath.length - 1]!] = value;
}
