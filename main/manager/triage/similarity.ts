// How alike two root-cause mechanisms are (0..1), by their words and the code identifiers they name.

/** Words that carry no mechanism (grammar, and filler that every hypothesis uses). */
const STOPWORDS = new Set([
  'a',
  'an',
  'the',
  'and',
  'or',
  'but',
  'of',
  'to',
  'in',
  'on',
  'at',
  'by',
  'for',
  'with',
  'from',
  'into',
  'onto',
  'as',
  'is',
  'are',
  'was',
  'were',
  'be',
  'been',
  'being',
  'it',
  'its',
  'this',
  'that',
  'these',
  'those',
  'there',
  'here',
  'which',
  'who',
  'what',
  'when',
  'where',
  'while',
  'then',
  'than',
  'so',
  'such',
  'if',
  'do',
  'does',
  'did',
  'done',
  'has',
  'have',
  'had',
  'not',
  'no',
  'can',
  'could',
  'will',
  'would',
  'should',
  'may',
  'might',
  'must',
  'also',
  'only',
  'just',
  'very',
  'some',
  'any',
  'all',
  'each',
  'both',
  'because',
  'since',
  'due',
  'thus',
  'hence',
  'therefore',
  'happen',
  'happens',
  'happened',
  'happening',
  'occur',
  'occurs',
  'occurred',
  'cause',
  'causes',
  'caused',
  'causing',
  'result',
  'results',
  'resulting',
  'lead',
  'leads',
  'leading',
  'get',
  'gets',
  'got',
  'make',
  'makes',
  'made',
  'instead',
  'actually',
  'still',
  'function',
  'method',
  'code',
  'line',
  'lines',
  'file',
  'bug',
  'issue',
  'problem',
  'we',
  'you',
  'they',
  'he',
  'she',
  'them',
  'their',
  'our',
  'via',
  'per',
  'up',
  'out',
  'over',
  'under',
  'about',
  'whose',
]);

/** Words with one meaning for a mechanism, mapped to one token (applied to words and to their stems). */
const SYNONYMS: Record<string, string> = {
  argument: 'arg',
  argu: 'arg',
  args: 'arg',
  param: 'arg',
  parameter: 'arg',
  params: 'arg',
  operand: 'arg',
  swap: 'swap',
  swapp: 'swap',
  exchang: 'swap',
  revers: 'swap',
  transpos: 'swap',
  flip: 'swap',
  flipp: 'swap',
  invert: 'swap',
  check: 'check',
  validat: 'check',
  verif: 'check',
  verify: 'check',
  guard: 'check',
  assert: 'check',
  empty: 'empty',
  blank: 'empty',
  zero: 'zero',
  nil: 'none',
  null: 'none',
  none: 'none',
  undefined: 'none',
  error: 'error',
  exception: 'error',
  rais: 'error',
  throw: 'error',
  thrown: 'error',
};

/** Identifiers (named code) weigh more than prose words. */
const IDENTIFIER_WEIGHT = 2;
const WORD_WEIGHT = 1;
/** Bounds the work on untrusted, possibly huge, mechanism text. */
const MAX_TEXT = 10_000;

/** A light stemmer: enough to make swapped/swap, validating/validation, emptiness/empty meet. */
export function stem(word: string): string {
  let w = word;
  for (const suffix of ['ness', 'ings', 'ing', 'ions', 'ion', 'ed', 'es', 's', 'e']) {
    if (w.length - suffix.length >= 3 && w.endsWith(suffix)) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  if (w.length >= 4 && w.at(-1) === w.at(-2) && !'aeiou'.includes(w.at(-1) ?? '')) w = w.slice(0, -1);
  if (w.length >= 4 && w.endsWith('i')) w = `${w.slice(0, -1)}y`;
  return w;
}

function canonical(word: string): string | null {
  if (STOPWORDS.has(word)) return null;
  const direct = SYNONYMS[word];
  if (direct) return direct;
  const s = stem(word);
  if (STOPWORDS.has(s)) return null;
  return SYNONYMS[s] ?? s;
}

/** Splits camelCase, PascalCase and digit runs: "signalKernel2D" → signal, kernel, 2, d. */
function splitCase(raw: string): string[] {
  return raw
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])/g, '$1 $2')
    .replace(/([0-9])([A-Za-z])/g, '$1 $2')
    .split(' ')
    .filter((p) => p.length > 0);
}

/** A raw token looks like code when it has an inner capital, an underscore or a dot, or is called. */
function looksLikeIdentifier(raw: string, followedByParen: boolean): boolean {
  return followedByParen || /[a-z][A-Z]/.test(raw) || /[A-Za-z0-9]_[A-Za-z0-9]/.test(raw) || /\w\.\w/.test(raw);
}

/** Weighted bag of mechanism tokens: token → weight (the largest weight it occurs with). */
export function mechanismTokens(text: string): Map<string, number> {
  const tokens = new Map<string, number>();
  const add = (token: string | null, weight: number): void => {
    if (!token || (token.length < 2 && !/^[0-9]$/.test(token))) return;
    tokens.set(token, Math.max(tokens.get(token) ?? 0, weight));
  };
  const source = typeof text === 'string' ? text.slice(0, MAX_TEXT) : '';
  // Raw tokens keep "_" and "." so identifiers can be recognised before they are split.
  for (const match of source.matchAll(/[A-Za-z0-9_][A-Za-z0-9_.]*/g)) {
    const raw = match[0].replace(/\.+$/, '');
    if (raw.length === 0) continue;
    const after = source.slice((match.index ?? 0) + match[0].length).trimStart();
    const identifier = looksLikeIdentifier(raw, after.startsWith('('));
    const parts = raw
      .split(/[_.]+/)
      .flatMap(splitCase)
      .map((p) => p.toLowerCase());
    if (identifier) {
      // The whole identifier and its last segment (the called name) are code; the parts are words.
      // signal_kernel and signalKernel are the same identifier.
      add(raw.toLowerCase().replace(/_/g, ''), IDENTIFIER_WEIGHT);
      const last = raw.split('.').at(-1)?.toLowerCase().replace(/_/g, '') ?? '';
      add(canonical(last), IDENTIFIER_WEIGHT);
    }
    for (const part of parts) add(canonical(part), WORD_WEIGHT);
  }
  return tokens;
}

function normalizeText(text: string): string {
  return (typeof text === 'string' ? text.slice(0, MAX_TEXT) : '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Weighted Jaccard similarity of the two mechanisms' token bags: Σ min(wa, wb) / Σ max(wa, wb).
 * Identical texts score 1; texts without a single content token score 0 unless identical.
 */
export function mechanismSimilarity(a: string, b: string): number {
  const na = normalizeText(a);
  const nb = normalizeText(b);
  if (na.length > 0 && na === nb) return 1;
  const ta = mechanismTokens(a);
  const tb = mechanismTokens(b);
  if (ta.size === 0 || tb.size === 0) return 0;
  let shared = 0;
  let total = 0;
  for (const key of new Set([...ta.keys(), ...tb.keys()])) {
    const wa = ta.get(key) ?? 0;
    const wb = tb.get(key) ?? 0;
    shared += Math.min(wa, wb);
    total += Math.max(wa, wb);
  }
  return total === 0 ? 0 : shared / total;
}
