// What a committed secret looks like: known key formats (the prefix is public, the rest is not),
// private-key blocks, passwords in URLs, and long random values assigned to secret-named keys.
// Placeholders (`sk-...`, `XXXX`, `your-key-here`, `CAMBIAR_POR_...`) are not secrets. Matches
// are only ever shown masked.

export interface SecretHit {
  kind: string;
  /** The value, masked: the public prefix at most, then asterisks. */
  masked: string;
}

interface Pattern {
  kind: string;
  re: RegExp;
  /** Characters of the match that are a public prefix (shown); the rest is masked. */
  keep: number;
  /** The group holding the secret, when not the whole match. */
  group?: number;
}

const PATTERNS: Pattern[] = [
  { kind: "private key", re: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g, keep: 0 },
  { kind: "AWS access key ID", re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, keep: 4 },
  { kind: "GitHub token", re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, keep: 4 },
  { kind: "GitHub token", re: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g, keep: 11 },
  { kind: "Slack token", re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, keep: 5 },
  { kind: "SendGrid API key", re: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g, keep: 3 },
  { kind: "Stripe live key", re: /\b[sr]k_live_[A-Za-z0-9]{20,}/g, keep: 8 },
  { kind: "OpenAI API key", re: /(?<![\w-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, keep: 3 },
  { kind: "Google API key", re: /\bAIza[0-9A-Za-z_-]{35}\b/g, keep: 4 },
  { kind: "Twilio Account SID", re: /\bAC[0-9a-f]{32}\b/g, keep: 2 },
  { kind: "Twilio API key SID", re: /\bSK[0-9a-f]{32}\b/g, keep: 2 },
];

/** A secret-named key assigned a value: API_KEY=..., "token": "...", SECRET_KEY = '...'. */
const ASSIGNED =
  /\b([A-Za-z0-9_]*(?:SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH_?KEY|SIGNING_?KEY|CREDENTIALS?)[A-Za-z0-9_]*)["']?\s*(?:=|:)\s*[rbuf]?["']?([^\s"'`,;\\]{16,})/gi;
/** scheme://user:password@host */
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^:@\s/"'`]+:([^@\s/"'`]{8,})@([^\s/:"'`]+)/gi;

const PLACEHOLDER_WORDS = /x{4}|your|example|change|placeholder|dummy|replace|fake|sample|todo|secret_?here|cambiar|tu[_-]|aqui|\.\.\.|<|>|\*{3}|\$\{|\{\{|%\(|^\$|test|insecure-?dev|not-?secret|passw(or)?d|token/i;

export function isPlaceholder(value: string): boolean {
  if (PLACEHOLDER_WORDS.test(value)) return true;
  if (/(.)\1{5,}/.test(value)) return true; // XXXXXX, 000000
  return new Set(value).size < 6;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** Looks generated: long, mixed letters and digits, high entropy, and not code (a dotted name). */
function looksRandom(value: string): boolean {
  if (value.length < 16 || !/[A-Za-z]/.test(value) || !/\d/.test(value)) return false;
  // Code, not a value: a dotted name, or a call (hashlib.sha512(...), os.environ.get(...)).
  if (/^[A-Za-z_][\w.]*(\(|$)/.test(value) && !/^[A-Za-z_]\w*$/.test(value)) return false;
  return entropy(value) >= 3.5;
}

export function mask(value: string, keep: number): string {
  return value.slice(0, keep) + "*".repeat(Math.max(4, Math.min(value.length - keep, 12)));
}

/** The secrets on one line of a file. */
export function secretsInLine(line: string): SecretHit[] {
  const hits: SecretHit[] = [];
  const taken: [number, number][] = [];
  const overlaps = (start: number, end: number) => taken.some(([s, e]) => start < e && end > s);
  for (const p of PATTERNS) {
    for (const m of line.matchAll(p.re)) {
      const value = m[0];
      if (p.keep > 0 && isPlaceholder(value.slice(p.keep))) continue;
      taken.push([m.index, m.index + value.length]);
      hits.push({ kind: p.kind, masked: p.kind === "private key" ? value : mask(value, p.keep) });
    }
  }
  for (const m of line.matchAll(URL_PASSWORD)) {
    const password = m[1]!;
    const host = m[2]!.toLowerCase();
    const start = m.index + m[0].indexOf(password);
    // Local development defaults (postgres:postgres@localhost, @db inside compose) and templates
    // (${...}) are not secrets; a generated password has digits or is long.
    const generated = (/\d/.test(password) && /[A-Za-z]/.test(password)) || password.length >= 16;
    if (overlaps(start, start + password.length) || isPlaceholder(password) || !generated || !host.includes(".") || /^(localhost|127\.)|[${]/.test(host)) continue;
    taken.push([start, start + password.length]);
    hits.push({ kind: "password in a URL", masked: mask(password, 0) });
  }
  for (const m of line.matchAll(ASSIGNED)) {
    const value = m[2]!;
    const start = m.index + m[0].lastIndexOf(value);
    if (overlaps(start, start + value.length) || isPlaceholder(value) || !looksRandom(value)) continue;
    hits.push({ kind: `random-looking value of ${m[1]}`, masked: mask(value, 0) });
  }
  return hits;
}
