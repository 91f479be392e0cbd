// Which containers enter the known set: include/exclude by name glob and label (`key` or
// `key=value-glob`), and by Docker state. Exclusion wins over inclusion; empty include rules
// include everything.
import type { DockerConfig, MatchRules } from '../config/schema.js';
import { globToRegExp } from '../glob.js';

interface LabelRule {
  key: string;
  value?: RegExp;
}

interface CompiledRules {
  names: RegExp[];
  labels: LabelRule[];
}

function compile(rules: MatchRules): CompiledRules {
  return {
    names: rules.names.map(globToRegExp),
    labels: rules.labels.map((rule) => {
      const eq = rule.indexOf('=');
      return eq < 0 ? { key: rule } : { key: rule.slice(0, eq), value: globToRegExp(rule.slice(eq + 1)) };
    }),
  };
}

function matches(rules: CompiledRules, name: string, labels: Record<string, string>): boolean {
  if (rules.names.some((r) => r.test(name))) return true;
  return rules.labels.some((rule) => {
    const value = labels[rule.key];
    return value !== undefined && (rule.value === undefined || rule.value.test(value));
  });
}

export class ContainerFilter {
  private readonly include: CompiledRules;
  private readonly exclude: CompiledRules;
  private readonly states: Set<string>;

  constructor(config: Pick<DockerConfig, 'include' | 'exclude' | 'states'>) {
    this.include = compile(config.include);
    this.exclude = compile(config.exclude);
    this.states = new Set(config.states);
  }

  /** The states to ask dockerd for; empty = every state. */
  wantedStates(): string[] {
    return [...this.states];
  }

  /** Name and label rules only (events carry name and labels but no state). */
  admitsIdentity(name: string, labels: Record<string, string>): boolean {
    const hasInclude = this.include.names.length > 0 || this.include.labels.length > 0;
    if (hasInclude && !matches(this.include, name, labels)) return false;
    return !matches(this.exclude, name, labels);
  }

  admitsState(state: string): boolean {
    return this.states.size === 0 || this.states.has(state);
  }

  admits(name: string, labels: Record<string, string>, state: string): boolean {
    return this.admitsState(state) && this.admitsIdentity(name, labels);
  }
}
