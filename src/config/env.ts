// CGFLUX_<PATH> environment variables: the YAML path upper-cased and joined with `_`
// (CGFLUX_DOCKER_RELIST_INTERVAL=30s), outputs by name (CGFLUX_OUTPUTS_<NAME>_TOKEN=…).
import type { Config } from './schema.js';
import { IssueList, type Origin } from './errors.js';
import { ROOT_SPEC, leavesOf, outputSpec, type LeafAt } from './spec.js';
import { parseText } from './values.js';
import { setAt } from './assign.js';
import { closest } from './suggest.js';
import { envOutputName, isUnreadable } from './outputs.js';
import { isServiceLink } from './service-links.js';

export const ENV_PREFIX = 'CGFLUX_';
/** Names the config file; not a setting. */
export const CONFIG_FILE_ENV = 'CGFLUX_CONFIG';

const envKey = (yamlPath: string[]): string => yamlPath.join('_').toUpperCase();

/** Every settable CGFLUX_ variable outside outputs → its leaf. */
export function envVariables(): Map<string, LeafAt> {
  const map = new Map<string, LeafAt>();
  for (const leaf of leavesOf(ROOT_SPEC)) map.set(ENV_PREFIX + envKey(leaf.yamlPath), leaf);
  return map;
}

/** Keys of one output settable from the environment (not `type` or `name`, which identify it). */
function outputVariables(type: Config['outputs'][number]['type']): Map<string, LeafAt> {
  const map = new Map<string, LeafAt>();
  for (const leaf of leavesOf(outputSpec(type))) {
    if (leaf.yamlPath[0] === 'type' || leaf.yamlPath[0] === 'name') continue;
    map.set(envKey(leaf.yamlPath), leaf);
  }
  return map;
}

export function applyEnv(env: Record<string, string | undefined>, config: Config, issues: IssueList, origins: Map<string, Origin>): void {
  const variables = envVariables();
  for (const name of Object.keys(env).sort()) {
    const text = env[name];
    if (!name.startsWith(ENV_PREFIX) || text === undefined || name === CONFIG_FILE_ENV) continue;
    const origin: Origin = { source: `env ${name}` };
    const leaf = variables.get(name);
    if (leaf) {
      const p = parseText(leaf.field.leaf, text);
      origins.set(leaf.yamlPath.join('.'), origin);
      if (!p.ok) issues.add(origin, leaf.yamlPath.join('.'), p.message);
      else setAt(config, leaf.configPath, p.value);
      continue;
    }
    if (name.startsWith(`${ENV_PREFIX}OUTPUTS_`)) {
      applyOutputEnv(name, text, config, issues, origins);
      continue;
    }
    // Only after the settings: a real option is never mistaken for a service link.
    if (isServiceLink(name, text)) continue;
    const guess = closest(name, [...variables.keys(), CONFIG_FILE_ENV]);
    issues.add(origin, '', `unknown variable${guess ? ` (did you mean ${guess}?)` : ''}; settings are CGFLUX_<SECTION>_<KEY> like CGFLUX_LOG_LEVEL, outputs CGFLUX_OUTPUTS_<NAME>_<KEY>`);
  }
}

function applyOutputEnv(name: string, text: string, config: Config, issues: IssueList, origins: Map<string, Origin>): void {
  const origin: Origin = { source: `env ${name}` };
  const rest = name.slice(`${ENV_PREFIX}OUTPUTS_`.length);
  // Longest matching name first, so outputs `a` and `a_b` stay distinguishable.
  const candidates = config.outputs
    .map((o, index) => ({ o, index, prefix: `${envOutputName(o.name)}_` }))
    .filter((c) => !isUnreadable(c.o))
    .filter((c) => rest.startsWith(c.prefix))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const match = candidates[0];
  if (!match) {
    const names = config.outputs.map((o) => envOutputName(o.name));
    const known = names.length > 0 ? `configured outputs: ${names.join(', ')}` : 'no outputs are configured';
    issues.add(origin, '', `no output matches; expected CGFLUX_OUTPUTS_<NAME>_<KEY> with the output's name upper-cased, "-" and "." as "_" (${known})`);
    return;
  }
  const keys = outputVariables(match.o.type);
  const key = rest.slice(match.prefix.length);
  const leaf = keys.get(key);
  const path = `outputs[${match.index}]`;
  if (!leaf) {
    const guess = closest(key, keys.keys());
    const hint = guess ? `did you mean CGFLUX_OUTPUTS_${envOutputName(match.o.name)}_${guess}?` : `keys: ${[...keys.keys()].join(', ')}`;
    issues.add(origin, path, `unknown key "${key}" for ${match.o.type} output "${match.o.name}" (${hint})`);
    return;
  }
  const yamlPath = `${path}.${leaf.yamlPath.join('.')}`;
  const p = parseText(leaf.field.leaf, text);
  origins.set(yamlPath, origin);
  if (!p.ok) issues.add(origin, yamlPath, p.message);
  else setAt(match.o, leaf.configPath, p.value);
}
