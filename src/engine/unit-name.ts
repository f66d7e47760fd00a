// Unit names (01 §1.2): validation, splitting into prefix/instance/type, template ↔ instance,
// escaping and unescaping (`\xNN`, paths for %f), and the CLI's suffix mangling.
import { fail, ok, type Result } from './errors.ts';
import { UNIT_TYPES, type UnitName, type UnitType } from './types.ts';

export const UNIT_NAME_MAX = 256;

export type UnitNameKind = 'plain' | 'template' | 'instance';

export interface ParsedUnitName {
  readonly prefix: string;          // part before '@' (or the whole stem)
  readonly instance: string | null; // '' for templates, null for plain names
  readonly type: UnitType;
  readonly kind: UnitNameKind;
}

const TYPE_SET: ReadonlySet<string> = new Set(UNIT_TYPES);
const PREFIX_CHARS = /^[A-Za-z0-9:\-_.\\]+$/;
const INSTANCE_CHARS = /^[A-Za-z0-9:\-_.\\@]*$/;

export const isUnitType = (s: string): s is UnitType => TYPE_SET.has(s);

/** Splits a name into its parts, or null when it is not a valid unit name of any kind. */
export function parseUnitName(name: string): ParsedUnitName | null {
  if (name.length === 0 || name.length >= UNIT_NAME_MAX) return null;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  const type = name.slice(dot + 1);
  if (!isUnitType(type)) return null;
  const stem = name.slice(0, dot);
  const at = stem.indexOf('@');
  if (at < 0) return PREFIX_CHARS.test(stem) ? { prefix: stem, instance: null, type, kind: 'plain' } : null;
  const prefix = stem.slice(0, at);
  const instance = stem.slice(at + 1);
  if (!PREFIX_CHARS.test(prefix) || !INSTANCE_CHARS.test(instance)) return null;
  return { prefix, instance, type, kind: instance === '' ? 'template' : 'instance' };
}

export const isValidUnitName = (name: string, kinds?: readonly UnitNameKind[]): boolean => {
  const p = parseUnitName(name);
  return p !== null && (kinds === undefined || kinds.includes(p.kind));
};

/** A name a unit can be loaded under: valid and not a bare template. */
export function validateUnitName(name: string): Result<UnitName> {
  const p = parseUnitName(name);
  if (!p) return fail('InvalidArgs', [`Unit name ${name} is not valid.`]);
  if (p.kind === 'template') return fail('InvalidArgs', [`Unit name ${name} is missing the instance name.`]);
  return ok(name);
}

export const unitTypeOf = (name: string): UnitType | null => parseUnitName(name)?.type ?? null;

/** `foo@bar.service` → `foo@.service`; null for names that are not instances. */
export function templateOf(name: string): UnitName | null {
  const p = parseUnitName(name);
  return p?.kind === 'instance' ? `${p.prefix}@.${p.type}` : null;
}

/** `foo@.service` + `bar` → `foo@bar.service` (also replaces an existing instance). */
export function withInstance(name: string, instance: string): UnitName | null {
  const p = parseUnitName(name);
  return p && p.kind !== 'plain' ? `${p.prefix}@${instance}.${p.type}` : null;
}

/** The name without its type suffix (`%N`). */
export const stripSuffix = (name: string): string => name.slice(0, name.lastIndexOf('.'));

const hex2 = (code: number): string => `\\x${code.toString(16).padStart(2, '0')}`;
const PLAIN_CHAR = /[A-Za-z0-9:_.]/;

/** Escapes arbitrary text for use in a unit name: `/` → `-`, others → `\xNN` (01 §1.2). */
export function escapeUnitNamePart(text: string): string {
  let out = '';
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const ch = String.fromCharCode(b);
    if (ch === '/') out += '-';
    else if (b < 0x80 && PLAIN_CHAR.test(ch) && !(i === 0 && ch === '.')) out += ch;
    else out += hex2(b);
  }
  return out;
}

/** Path escaping (`systemd-escape --path`): trims and collapses slashes; `/` alone is `-`. */
export function escapePath(path: string): string {
  const trimmed = path.split('/').filter((p) => p !== '').join('/');
  return trimmed === '' ? '-' : escapeUnitNamePart(trimmed);
}

/** Reverses escaping: `\xNN` → byte, `-` → `/` (systemd's unit_name_unescape). */
export function unescapeUnitNamePart(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const m = ch === '\\' ? /^x([0-9a-fA-F]{2})/.exec(text.slice(i + 1, i + 4)) : null;
    if (m) {
      bytes.push(parseInt(m[1]!, 16));
      i += 3;
    } else if (ch === '-') bytes.push(0x2f);
    else bytes.push(...new TextEncoder().encode(ch));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Path unescaping (%f): `-` alone is `/`, otherwise `/` + unescaped text. */
export function unescapePath(text: string): string {
  if (text === '-' || text === '') return '/';
  const body = unescapeUnitNamePart(text);
  return body.startsWith('/') ? body : `/${body}`;
}

/** CLI mangling (06 §2): append `.service` (or `defaultSuffix`) when there is no known type suffix. */
export function mangleUnitName(name: string, defaultSuffix: string = '.service'): string {
  const dot = name.lastIndexOf('.');
  if (dot > 0 && isUnitType(name.slice(dot + 1))) return name;
  return `${name}${defaultSuffix}`;
}
