// Word splitting shared by Exec*= and Environment= (04 §7 step 2): whitespace separated, quotes
// anywhere in a word, C escapes inside and outside quotes. Unknown escapes are kept (relaxed).

export interface Word {
  readonly text: string;   // unquoted, unescaped
  readonly raw: string;    // as written (so `;` can be told from `\;`)
}

export type SplitResult =
  | { readonly ok: true; readonly words: readonly Word[]; readonly unknownEscapes: readonly string[] }
  | { readonly ok: false; readonly reason: 'unbalanced' | 'escape'; readonly words: readonly Word[] };

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' ',
};
const WS = ' \t\n\r';

/** Decodes one escape at text[i] === '\\'; returns the text and the index after it, or null if invalid. */
function decodeEscape(text: string, i: number): { out: string; next: number; unknown: boolean } | null {
  const c = text[i + 1];
  if (c === undefined) return { out: '\\', next: i + 1, unknown: false };
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { out: simple, next: i + 2, unknown: false };
  const forms: readonly [string, RegExp, number][] = [['x', /^[0-9a-fA-F]{2}/, 16], ['u', /^[0-9a-fA-F]{4}/, 16], ['U', /^[0-9a-fA-F]{8}/, 16]];
  for (const [lead, re, base] of forms) {
    if (c !== lead) continue;
    const m = re.exec(text.slice(i + 2));
    if (!m) return null;
    const code = parseInt(m[0], base);
    if (code === 0 || code > 0x10ffff) return null;
    return { out: String.fromCodePoint(code), next: i + 2 + m[0].length, unknown: false };
  }
  const oct = /^[0-7]{3}/.exec(text.slice(i + 1));
  if (oct) {
    const code = parseInt(oct[0], 8);
    return code === 0 || code > 255 ? null : { out: String.fromCharCode(code), next: i + 4, unknown: false };
  }
  return { out: `\\${c}`, next: i + 2, unknown: true };
}

/** Splits `text` into words. Stops at the first error (the words so far are returned). */
export function splitWords(text: string): SplitResult {
  const words: Word[] = [];
  const unknownEscapes: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && WS.includes(text[i]!)) i++;
    if (i >= text.length) break;
    const start = i;
    let out = '';
    let quote: string | null = null;
    for (; i < text.length; ) {
      const ch = text[i]!;
      if (quote === null && WS.includes(ch)) break;
      if (ch === '\\') {
        const esc = decodeEscape(text, i);
        if (!esc) return { ok: false, reason: 'escape', words };
        if (esc.unknown) unknownEscapes.push(text.slice(i, esc.next));
        out += esc.out;
        i = esc.next;
      } else if (quote === null && (ch === '"' || ch === "'")) { quote = ch; i++; }
      else if (ch === quote) { quote = null; i++; }
      else { out += ch; i++; }
    }
    if (quote !== null) return { ok: false, reason: 'unbalanced', words };
    words.push({ text: out, raw: text.slice(start, i) });
  }
  return { ok: true, words, unknownEscapes };
}
