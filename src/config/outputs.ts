// The `outputs:` list: type discriminator, per-type keys, default and unique names, required keys.
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { DEFAULT_BATCH, DEFAULT_RETRY, type OutputConfig } from './schema.js';
import { IssueList, type Origin } from './errors.js';
import { OUTPUT_DEFINITIONS } from '../output/types.js';
import { OUTPUT_TYPES, OUTPUT_TYPE_SPECS, isLeaf, outputSpec, type OutputType } from './spec.js';
import { describeNode, positionOf, readSection, resolveNode, unknownKeyMessage, type ReadContext, type Target } from './yaml-read.js';
import { didYouMean } from './suggest.js';

/** Stand-ins for list items that could not be read, so indices keep matching the file. */
const unreadable = new WeakSet<OutputConfig>();
export const isUnreadable = (o: OutputConfig): boolean => unreadable.has(o);

function placeholder(): OutputConfig {
  const o = defaultOutput('stdout', '');
  unreadable.add(o);
  return o;
}

export function defaultOutput(type: OutputType, name: string = type): OutputConfig {
  const base = { name, batch: { ...DEFAULT_BATCH }, retry: { ...DEFAULT_RETRY }, timeout_ms: 10_000, gzip: true };
  return { ...base, type, ...OUTPUT_DEFINITIONS[type].defaults() } as OutputConfig;
}

const isOutputType = (t: unknown): t is OutputType => typeof t === 'string' && (OUTPUT_TYPES as readonly string[]).includes(t);

function otherTypeHint(type: OutputType, key: string): string | undefined {
  const owners = OUTPUT_TYPES.filter((t) => t !== type && key in OUTPUT_TYPE_SPECS[t]);
  if (owners.length === 0) return undefined;
  return `unknown key "${key}" for type ${type} (it is a key of ${owners.join(' and ')} outputs)`;
}

/** Reads the list; returns the outputs that could be read (the rest are issues). */
export function readOutputs(ctx: ReadContext, node: Node | null, keyNode: Node): OutputConfig[] {
  if (node === null || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) {
    ctx.issues.add(positionOf(ctx, node ?? keyNode), 'outputs', `expected a list of outputs ("- type: influxdb_v2" items), got ${describeNode(ctx, node)}`);
    return [];
  }
  const outputs: OutputConfig[] = [];
  node.items.forEach((raw, i) => {
    const path = `outputs[${i}]`;
    const item = resolveNode(ctx, raw);
    if (!isMap(item)) {
      ctx.issues.add(positionOf(ctx, item ?? node), path, `expected an output (a map with at least "type"), got ${describeNode(ctx, item)}`);
      outputs.push(placeholder());
      return;
    }
    const typePair = item.items.find((p) => isScalar(p.key) && p.key.value === 'type');
    if (!typePair) {
      ctx.issues.add(positionOf(ctx, item), `${path}.type`, `missing required key "type" (one of: ${OUTPUT_TYPES.join(', ')})`);
      outputs.push(placeholder());
      return;
    }
    const typeNode = resolveNode(ctx, typePair.value);
    const type = typeNode && isScalar(typeNode) ? typeNode.value : null;
    if (!isOutputType(type)) {
      const typo = typeof type === 'string' ? didYouMean(type, OUTPUT_TYPES) : '';
      ctx.issues.add(positionOf(ctx, typeNode ?? (typePair.key as Node)), `${path}.type`,
        `expected one of ${OUTPUT_TYPES.join(', ')}; got ${describeNode(ctx, typeNode)}${typo}`);
      outputs.push(placeholder());
      return;
    }
    const output = defaultOutput(type);
    const spec = outputSpec(type);
    readSection(ctx, spec, item, output as unknown as Target, path, (key) => otherTypeHint(type, key) ?? unknownKeyMessage(key, spec));
    outputs.push(output);
  });
  return outputs;
}

/**
 * Gives unnamed outputs their default name (the type; `type_<index>` when several unnamed outputs
 * share a type) and reports duplicate names.
 */
export function nameOutputs(outputs: OutputConfig[], origins: Map<string, Origin>, issues: IssueList, fallback: Origin): void {
  const unnamedPerType = new Map<string, number>();
  outputs.forEach((o, i) => {
    if (!unreadable.has(o) && !origins.has(`outputs[${i}].name`)) unnamedPerType.set(o.type, (unnamedPerType.get(o.type) ?? 0) + 1);
  });
  outputs.forEach((o, i) => {
    if (!unreadable.has(o) && !origins.has(`outputs[${i}].name`)) o.name = (unnamedPerType.get(o.type) ?? 0) > 1 ? `${o.type}_${i}` : o.type;
  });
  // Keyed by the environment form too: `a-b` and `a_b` would share CGFLUX_OUTPUTS_A_B_*.
  const firstIndex = new Map<string, number>();
  outputs.forEach((o, i) => {
    if (unreadable.has(o)) return;
    const key = envOutputName(o.name);
    const first = firstIndex.get(key);
    if (first === undefined) {
      firstIndex.set(key, i);
      return;
    }
    const at = origins.get(`outputs[${i}].name`) ?? origins.get(`outputs[${i}]`) ?? fallback;
    const firstAt = origins.get(`outputs[${first}].name`) ?? origins.get(`outputs[${first}]`);
    const where = firstAt?.line !== undefined ? ` at line ${firstAt.line}` : '';
    const other = outputs[first]!.name;
    const clash = other === o.name
      ? `duplicate output name "${o.name}" (outputs[${first}]${where} has it too)`
      : `output name "${o.name}" clashes with "${other}" (outputs[${first}]${where}): both are ${key} in CGFLUX_OUTPUTS_${key}_*`;
    issues.add(at, `outputs[${i}].name`, `${clash}; expected a unique "name:" per output, it names the spool directory`);
  });
}

/** Required keys, checked once file, environment and flags are all applied. */
export function checkRequiredOutputKeys(outputs: OutputConfig[], origins: Map<string, Origin>, issues: IssueList, fallback: Origin): void {
  outputs.forEach((o, i) => {
    if (unreadable.has(o)) return;
    for (const [key, field] of Object.entries(OUTPUT_TYPE_SPECS[o.type])) {
      if (!isLeaf(field) || field.required === undefined || origins.has(`outputs[${i}].${key}`)) continue;
      const envName = `CGFLUX_OUTPUTS_${envOutputName(o.name)}_${key.toUpperCase()}`;
      issues.add(origins.get(`outputs[${i}]`) ?? fallback, `outputs[${i}].${key}`,
        `missing required key "${key}" (type ${o.type}): ${field.required} (or set ${envName})`);
    }
  });
}

/** `influx-main` → `INFLUX_MAIN`, as used in `CGFLUX_OUTPUTS_<NAME>_<KEY>`. */
export function envOutputName(name: string): string {
  return name.toUpperCase().replace(/[-.]/g, '_');
}
