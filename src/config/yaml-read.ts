// Reads the YAML file into a Config, node by node, so every problem carries the line:col of the
// node to fix (for a missing key: the map it belongs in).
import { Document, LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Node, type YAMLMap } from 'yaml';
import { IssueList, type Origin } from './errors.js';
import { closest } from './suggest.js';
import { isLeaf, isSection, leavesOf, type LeafField, type Section } from './spec.js';
import { parseScalar, shown } from './values.js';

export type Target = Record<string, unknown>;

export interface ReadContext {
  source: string;
  text: string;
  doc: Document;
  lines: LineCounter;
  issues: IssueList;
  /** YAML path → where it was set in the file, for checks made after all layers are merged. */
  origins: Map<string, Origin>;
  readOutputs: (node: Node | null, keyNode: Node, ctx: ReadContext) => void;
}

export function positionOf(ctx: ReadContext, node: Node | null | undefined): Origin {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = ctx.lines.linePos(offset);
  return { source: ctx.source, line, col };
}

export function resolveNode(ctx: ReadContext, node: unknown): Node | null {
  if (isAlias(node)) return (node.resolve(ctx.doc) as Node | undefined) ?? null;
  return (node as Node | null) ?? null;
}

/** The YAML text of a scalar as written (`1.10`, not 1.1). */
function sourceText(ctx: ReadContext, node: Node): string {
  const r = node.range;
  return r ? ctx.text.slice(r[0], r[1]).trim() : '';
}

/** The value of a node for type checks: scalars as is, collections as [] / {}. */
function plainValue(node: Node | null): unknown {
  if (node === null) return null;
  if (isSeq(node)) return [];
  if (isMap(node)) return {};
  return isScalar(node) ? node.value : null;
}

export function describeNode(ctx: ReadContext, node: Node | null): string {
  return shown(plainValue(node), node && isScalar(node) ? sourceText(ctx, node) : undefined);
}

/** Parses the text; syntax errors become issues and the result is null. */
export function parseYaml(text: string, source: string, issues: IssueList): { doc: Document; lines: LineCounter } | null {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems = [...doc.errors, ...doc.warnings];
  for (const e of problems) {
    let offset = e.pos[0];
    let message = e.message.split('\n')[0]!;
    if (e.code === 'TAB_AS_INDENT') message += '; expected spaces';
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^\s*([^:\n]+?)\s*:/.exec(text.slice(offset))?.[1];
      message = `key ${key ? JSON.stringify(key) : ''} appears twice in the same map; keep one`;
    }
    if (e.code === 'MISSING_CHAR' && message.includes('quote')) {
      // The parser notices at the end of the file; the operator needs the line the string opens on.
      const start = unterminatedStringStart(doc, offset);
      if (start !== null) {
        offset = start;
        message = 'this quoted string has no closing quote';
      }
    }
    const { line, col } = lines.linePos(offset);
    issues.add({ source, line, col }, '', `invalid YAML: ${message}`);
  }
  if (problems.length > 0) return null;
  // The parser accepts `*name` without a matching `&name`; it would silently read as empty.
  let danglingAliases = 0;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined) return;
      danglingAliases++;
      const { line, col } = lines.linePos(node.range?.[0] ?? 0);
      issues.add({ source, line, col }, '', `invalid YAML: alias *${node.source} has no anchor &${node.source} before it; expected an anchor defined earlier in the file`);
    },
  });
  return danglingAliases > 0 ? null : { doc, lines };
}

function unterminatedStringStart(doc: Document, errorOffset: number): number | null {
  let start: number | null = null;
  visit(doc, {
    Scalar(_key, node) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (quoted && node.range && node.range[1] >= errorOffset) {
        start = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return start;
}

export function joinPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** The message for a key the section does not know, with the likely intended key. */
export function unknownKeyMessage(key: string, spec: Section): string {
  const known = Object.keys(spec);
  // `relist_interval_ms: 60000` in the file: point at the human-unit key.
  for (const l of leavesOf(spec)) {
    if (l.yamlPath.length === 1 && l.field.key === key) {
      return `unknown key "${key}" (did you mean "${l.yamlPath[0]}"? it takes a unit, e.g. ${l.field.leaf.kind === 'size' ? '512MiB' : '10s'})`;
    }
  }
  const guess = closest(key, known);
  return guess ? `unknown key "${key}" (did you mean "${guess}"?)` : `unknown key "${key}"; known keys here: ${known.join(', ')}`;
}

/**
 * Applies the map's keys onto `target` following `spec`.
 * @param unknownHint a better message for an unknown key, e.g. a key of another output type.
 */
export function readSection(
  ctx: ReadContext, spec: Section, map: YAMLMap, target: Target, path: string,
  unknownHint?: (key: string) => string | undefined,
): void {
  ctx.origins.set(path, positionOf(ctx, map));
  for (const pair of map.items) {
    const keyNode = pair.key as Node;
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      ctx.issues.add(positionOf(ctx, keyNode), path, `expected a plain text key, got ${describeNode(ctx, keyNode)}`);
      continue;
    }
    const key = keyNode.value;
    const childPath = joinPath(path, key);
    const field = spec[key];
    if (field === undefined) {
      ctx.issues.add(positionOf(ctx, keyNode), childPath, unknownHint?.(key) ?? unknownKeyMessage(key, spec));
      continue;
    }
    const valueNode = resolveNode(ctx, pair.value);
    if (isLeaf(field)) {
      readLeaf(ctx, field, valueNode, keyNode, target, key, childPath);
    } else if (isSection(field)) {
      const configKey = field.key ?? key;
      if (valueNode === null || (isScalar(valueNode) && valueNode.value === null)) continue; // `docker:` with everything commented out
      if (!isMap(valueNode)) {
        const keys = Object.keys(field.section).join(', ');
        ctx.issues.add(positionOf(ctx, valueNode), childPath, `expected a map of settings (${keys}), got ${describeNode(ctx, valueNode)}`);
        continue;
      }
      readSection(ctx, field.section, valueNode, target[configKey] as Target, childPath);
    } else {
      ctx.readOutputs(valueNode, keyNode, ctx);
    }
  }
}

function isEmptyValue(node: Node | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

export function readLeaf(ctx: ReadContext, field: LeafField, node: Node | null, keyNode: Node, target: Target, key: string, path: string): void {
  const leaf = field.leaf;
  const configKey = field.key ?? key;
  // An empty value has no useful position of its own; point at its key.
  const at = isEmptyValue(node) ? positionOf(ctx, keyNode) : positionOf(ctx, node);
  if (leaf.kind === 'list' || leaf.kind === 'map') {
    if (isEmptyValue(node)) {
      target[configKey] = leaf.kind === 'list' ? [] : {};
      ctx.origins.set(path, at);
      return;
    }
    if (leaf.kind === 'list') {
      if (!isSeq(node)) {
        ctx.issues.add(at, path, `expected a list like [a, b] or "- item" lines, got ${describeNode(ctx, node)}`);
        return;
      }
      const values: unknown[] = [];
      node.items.forEach((raw, i) => {
        const item = resolveNode(ctx, raw);
        const p = parseScalar(leaf.of, plainValue(item), describeNode(ctx, item), false);
        if (p.ok) values.push(p.value);
        else ctx.issues.add(positionOf(ctx, item ?? node), `${path}[${i}]`, p.message);
      });
      target[configKey] = values;
    } else {
      if (!isMap(node)) {
        ctx.issues.add(at, path, `expected a map of name: value pairs, got ${describeNode(ctx, node)}`);
        return;
      }
      const map: Record<string, string> = {};
      for (const pair of node.items) {
        const k = pair.key as Node;
        const v = resolveNode(ctx, pair.value);
        const name = isScalar(k) ? String(k.value) : '';
        const p = parseScalar({ kind: 'string' }, plainValue(v), describeNode(ctx, v), false);
        if (p.ok) map[name] = p.value as string;
        else ctx.issues.add(isEmptyValue(v) ? positionOf(ctx, k) : positionOf(ctx, v), joinPath(path, name), p.message);
      }
      target[configKey] = map;
    }
    ctx.origins.set(path, at);
    return;
  }
  const p = parseScalar(leaf, plainValue(node), describeNode(ctx, node), false);
  // Recorded even when invalid: the key is present, so it is not also "missing".
  ctx.origins.set(path, at);
  if (!p.ok) ctx.issues.add(at, path, p.message);
  else target[configKey] = p.value;
}
