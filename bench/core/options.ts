/**
 * Command-line options of a scenario, declared once with their kind, default and meaning: the
 * same declaration parses `--flags`, types the result and prints the help. Unknown or malformed
 * options fail loudly with the list of valid ones.
 */
export type OptionKind = 'int' | 'number' | 'string' | 'list' | 'flag';

export interface OptionSpec {
  readonly kind: OptionKind;
  readonly default: string | number | boolean | readonly string[];
  readonly doc: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<K extends OptionKind> = K extends 'int' | 'number'
  ? number
  : K extends 'flag'
    ? boolean
    : K extends 'list'
      ? string[]
      : string;

export type Options<S extends OptionSpecs> = { -readonly [K in keyof S]: ValueOf<S[K]['kind']> };

function convert(name: string, spec: OptionSpec, raw: string): Options<OptionSpecs>[string] {
  switch (spec.kind) {
    case 'int':
    case 'number': {
      const n = Number(raw.replace(/_/g, ''));
      if (!Number.isFinite(n) || (spec.kind === 'int' && !Number.isInteger(n)) || n < 0) {
        throw new Error(`--${name} wants a non-negative ${spec.kind === 'int' ? 'integer' : 'number'}, got "${raw}"`);
      }
      return n;
    }
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'flag':
      if (raw !== 'true' && raw !== 'false') throw new Error(`--${name} is a flag (true or false), got "${raw}"`);
      return raw === 'true';
    case 'string':
      return raw;
  }
}

export function parseOptions<S extends OptionSpecs>(argv: readonly string[], specs: S): Options<S> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    out[name] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    const spec = m ? specs[m[1] as string] : undefined;
    if (!m || !spec) {
      throw new Error(`unknown option "${arg}"; valid: ${Object.keys(specs).map((k) => `--${k}`).join(' ') || '(none)'}`);
    }
    const name = m[1] as string;
    let raw = m[2];
    if (raw === undefined) {
      if (spec.kind === 'flag') raw = 'true';
      else {
        raw = argv[++i];
        if (raw === undefined) throw new Error(`--${name} needs a value`);
      }
    }
    out[name] = convert(name, spec, raw);
  }
  return out as Options<S>;
}

/** One line per option, for `--help`. */
export function describeOptions(specs: OptionSpecs): string {
  return Object.entries(specs)
    .map(([name, s]) => `  --${name.padEnd(20)} ${s.doc} (default: ${Array.isArray(s.default) ? s.default.join(',') : String(s.default)})`)
    .join('\n');
}
