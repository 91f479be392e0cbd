// The effective configuration as YAML in the file's own words and units, secrets masked, so
// `cgflux config check` output can be pasted into an issue or back into a config file.
import { stringify } from 'yaml';
import { MASK, maskUrlCredentials } from '../redact.js';
import type { Config } from './schema.js';
import { ROOT_SPEC, isLeaf, isSection, outputSpec, type Leaf, type Section } from './spec.js';
import { formatDuration, formatSize } from './units.js';


function renderLeaf(leaf: Leaf, value: unknown): unknown {
  switch (leaf.kind) {
    case 'duration':
      return formatDuration(value as number);
    case 'size': {
      const text = formatSize(value as number);
      return /^\d+$/.test(text) ? Number(text) : text; // plain bytes as a YAML number, not "65537"
    }
    case 'interval': {
      const interval = value as Config['interval'];
      return interval.cron ?? formatDuration(interval.every_ms ?? 0);
    }
    case 'url':
      return maskUrlCredentials(value as string);
    case 'string':
      return leaf.secret ? (value === '' ? '' : MASK) : value;
    case 'list':
      return [...(value as unknown[])];
    case 'map':
      return { ...(value as Record<string, string>) };
    default:
      return value;
  }
}

function renderSection(spec: Section, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [yamlKey, field] of Object.entries(spec)) {
    if (isLeaf(field)) out[yamlKey] = renderLeaf(field.leaf, values[field.key ?? yamlKey]);
    else if (isSection(field)) out[yamlKey] = renderSection(field.section, values[field.key ?? yamlKey] as Record<string, unknown>);
    else {
      const outputs = values[yamlKey] as Config['outputs'];
      out[yamlKey] = outputs.map((o) => renderSection(outputSpec(o.type), o as unknown as Record<string, unknown>));
    }
  }
  return out;
}

export function renderEffectiveConfig(config: Config): string {
  const body = stringify(renderSection(ROOT_SPEC, config as unknown as Record<string, unknown>), { lineWidth: 0 });
  return `# cgflux effective configuration (from ${config.source}; defaults < file < CGFLUX_ env < flags; secrets shown as "${MASK}")\n${body}`;
}
