// Go encoding/json emulation, part 1: syntax scanning into a small AST, with Go's error texts,
// and the Go encoder's output rules (HTML escaping, sorted map keys, float formatting).
//
// Only behaviour is reproduced here (CONTRACT.md §0.3); no Go code is copied.
//
// Two reading modes exist in Go and both are needed:
//  - json.Decoder.Decode (REST bodies): reads the FIRST value only, ignores trailing bytes,
//    an empty body gives `EOF`, a truncated one `unexpected EOF`.
//  - json.Unmarshal (JWT header/claims): the whole input must be one value; trailing bytes give
//    `invalid character 'x' after top-level value`, empty or truncated input gives
//    `unexpected end of JSON input`.

export type JsonNode =
  | { kind: 'object'; entries: Array<[string, JsonNode]> }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; raw: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' };

/** A Go json.SyntaxError or io error, carrying Go's exact message. */
export class GoJsonError extends Error {}

class Incomplete extends Error {}

const SIMPLE_ESCAPES: Record<number, string> = { 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' };

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Go's quoteChar: how the scanner shows an offending byte (bytes ≥ 0x80 show as Latin-1 runes). */
export function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const q = goQuote(String.fromCharCode(c));
  return `'${q.slice(1, -1)}'`;
}

/** strconv.Quote for strings that are valid Unicode (what our decoded strings always are). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (cp === 0x07) out += '\\a';
    else if (cp === 0x08) out += '\\b';
    else if (cp === 0x0c) out += '\\f';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp === 0x09) out += '\\t';
    else if (cp === 0x0b) out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if ((cp >= 0x80 && cp < 0xa0) || cp === 0xad || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) {
      out += '\\u' + cp.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

/** Decodes one UTF-8 rune like Go's utf8.DecodeRune: invalid sequences yield U+FFFD of width 1. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c0 = b[i] ?? 0;
  if (c0 < 0x80) return [c0, 1];
  const cont = (k: number): number => {
    const x = b[i + k];
    return x !== undefined && (x & 0xc0) === 0x80 ? x & 0x3f : -1;
  };
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    const c1 = cont(1);
    if (c1 >= 0) return [((c0 & 0x1f) << 6) | c1, 2];
  } else if (c0 >= 0xe0 && c0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 >= 0 && c2 >= 0) {
      const cp = ((c0 & 0x0f) << 12) | (c1 << 6) | c2;
      if (cp >= 0x800 && !(cp >= 0xd800 && cp <= 0xdfff)) return [cp, 3];
    }
  } else if (c0 >= 0xf0 && c0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
      const cp = ((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
      if (cp >= 0x10000 && cp <= 0x10ffff) return [cp, 4];
    }
  }
  return [0xfffd, 1];
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes → string, invalid sequences replaced rune by rune as Go does. */
function decodeUtf8(b: Buffer, start: number, end: number, ascii: boolean): string {
  if (ascii) return b.toString('latin1', start, end);
  try {
    return fatalUtf8.decode(b.subarray(start, end));
  } catch {
    let out = '';
    for (let i = start; i < end; ) {
      const [cp, w] = decodeRune(b, i);
      out += String.fromCodePoint(cp);
      i += w;
    }
    return out;
  }
}

class Scanner {
  pos = 0;
  readonly b: Buffer;
  constructor(bytes: Uint8Array) {
    this.b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  peek(): number | undefined {
    return this.b[this.pos];
  }
  skipSpace(): void {
    while (this.pos < this.b.length && isSpace(this.b[this.pos] ?? 0)) this.pos++;
  }
  fail(c: number, context: string): never {
    throw new GoJsonError(`invalid character ${quoteChar(c)} ${context}`);
  }
  need(): number {
    const c = this.b[this.pos];
    if (c === undefined) throw new Incomplete();
    return c;
  }

  value(): JsonNode {
    this.skipSpace();
    const c = this.need();
    switch (c) {
      case 0x7b:
        return this.object();
      case 0x5b:
        return this.array();
      case 0x22:
        return { kind: 'string', value: this.string() };
      case 0x74:
        this.literal('true');
        return { kind: 'bool', value: true };
      case 0x66:
        this.literal('false');
        return { kind: 'bool', value: false };
      case 0x6e:
        this.literal('null');
        return { kind: 'null' };
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(c, 'looking for beginning of value');
    }
  }

  literal(word: string): void {
    this.pos++;
    for (let k = 1; k < word.length; k++) {
      const c = this.need();
      const want = word.charCodeAt(k);
      if (c !== want) this.fail(c, `in literal ${word} (expecting ${quoteChar(want)})`);
      this.pos++;
    }
  }

  number(): JsonNode {
    const start = this.pos;
    const digit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
    if (this.peek() === 0x2d) {
      this.pos++;
      const c = this.need();
      if (!digit(c)) this.fail(c, 'in numeric literal');
    }
    if (this.peek() === 0x30) this.pos++;
    else while (digit(this.peek())) this.pos++;
    if (this.peek() === 0x2e) {
      this.pos++;
      const c = this.need();
      if (!digit(c)) this.fail(c, 'after decimal point in numeric literal');
      while (digit(this.peek())) this.pos++;
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.pos++;
      let c = this.need();
      if (c === 0x2b || c === 0x2d) {
        this.pos++;
        c = this.need();
      }
      if (!digit(c)) this.fail(c, 'in exponent of numeric literal');
      while (digit(this.peek())) this.pos++;
    }
    return { kind: 'number', raw: Buffer.from(this.b.subarray(start, this.pos)).toString('latin1') };
  }

  /** Scans a string starting at the opening quote and returns its decoded value (Go unquote rules). */
  string(): string {
    this.pos++;
    const parts: string[] = [];
    let runStart = this.pos;
    let ascii = true;
    const flush = (): void => {
      if (this.pos > runStart) parts.push(decodeUtf8(this.b, runStart, this.pos, ascii));
    };
    for (;;) {
      const c = this.need();
      if (c === 0x22) {
        flush();
        this.pos++;
        return parts.join('');
      }
      if (c < 0x20) this.fail(c, 'in string literal');
      if (c !== 0x5c) {
        if (c >= 0x80) ascii = false;
        this.pos++;
        continue;
      }
      flush();
      this.pos++;
      const e = this.need();
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        parts.push(simple);
        this.pos++;
      } else {
        if (e !== 0x75) this.fail(e, 'in string escape code');
        this.pos++;
        parts.push(this.unicodeEscape());
      }
      runStart = this.pos;
      ascii = true;
    }
  }

  /** After `\u`: one escape, or a surrogate pair of two; a lone surrogate becomes U+FFFD. */
  unicodeEscape(): string {
    const u1 = this.hex4();
    if (u1 >= 0xd800 && u1 < 0xdc00) {
      const save = this.pos;
      if (this.b[this.pos] === 0x5c && this.b[this.pos + 1] === 0x75) {
        this.pos += 2;
        const u2 = this.hex4();
        if (u2 >= 0xdc00 && u2 < 0xe000) return String.fromCharCode(u1, u2);
        this.pos = save;
      }
      return '\ufffd';
    }
    if (u1 >= 0xdc00 && u1 < 0xe000) return '\ufffd';
    return String.fromCharCode(u1);
  }

  hex4(): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.need();
      const h = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
      if (h < 0) this.fail(c, 'in \\u hexadecimal character escape');
      v = v * 16 + h;
      this.pos++;
    }
    return v;
  }

  object(): JsonNode {
    this.pos++;
    const entries: Array<[string, JsonNode]> = [];
    this.skipSpace();
    if (this.need() === 0x7d) {
      this.pos++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.skipSpace();
      const c = this.need();
      if (c !== 0x22) this.fail(c, 'looking for beginning of object key string');
      const key = this.string();
      this.skipSpace();
      const colon = this.need();
      if (colon !== 0x3a) this.fail(colon, 'after object key');
      this.pos++;
      entries.push([key, this.value()]);
      this.skipSpace();
      const sep = this.need();
      this.pos++;
      if (sep === 0x2c) continue;
      if (sep === 0x7d) return { kind: 'object', entries };
      this.fail(sep, 'after object key:value pair');
    }
  }

  array(): JsonNode {
    this.pos++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.need() === 0x5d) {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      const sep = this.need();
      this.pos++;
      if (sep === 0x2c) continue;
      if (sep === 0x5d) return { kind: 'array', items };
      this.fail(sep, 'after array element');
    }
  }
}

/**
 * json.Decoder.Decode: the first JSON value of the stream. Trailing bytes are never looked at.
 * Throws GoJsonError with `EOF` (nothing but white space), `unexpected EOF` (truncated) or a
 * syntax error text.
 */
export function decodeFirstValue(body: Uint8Array): JsonNode {
  const s = new Scanner(body);
  s.skipSpace();
  if (s.pos >= body.length) throw new GoJsonError('EOF');
  try {
    return s.value();
  } catch (e) {
    if (e instanceof Incomplete) throw new GoJsonError('unexpected EOF');
    throw e;
  }
}

/** json.Unmarshal's syntax phase: exactly one value, optionally surrounded by white space. */
export function unmarshalValue(data: Uint8Array): JsonNode {
  const s = new Scanner(data);
  try {
    const v = s.value();
    s.skipSpace();
    const c = s.peek();
    if (c !== undefined) s.fail(c, 'after top-level value');
    return v;
  } catch (e) {
    if (e instanceof Incomplete) throw new GoJsonError('unexpected end of JSON input');
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding (json.Marshal / json.NewEncoder(w).Encode with the default SetEscapeHTML(true)).

/** A JSON object whose key order is kept as given (Go structs); plain Maps are sorted (Go maps). */
export class GoStruct {
  constructor(readonly fields: Array<[string, GoJsonValue]>) {}
}
/** Raw JSON text embedded verbatim (a DB column holding JSON that Go would re-marshal identically). */
export class RawJson {
  constructor(readonly text: string) {}
}
export type GoJsonValue =
  | null
  | string
  | number
  | bigint
  | boolean
  | GoJsonValue[]
  | Map<string, GoJsonValue>
  | GoStruct
  | RawJson;

const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;

function escapeOf(c: number): string | undefined {
  switch (c) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    default:
      if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) return '\\u' + c.toString(16).padStart(4, '0');
      return undefined;
  }
}

/** A Go JSON string: HTML-safe escaping; lone surrogates (invalid UTF-8 for Go) become \ufffd. */
export function goString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  const parts: string[] = ['"'];
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc = escapeOf(c);
    if (esc === undefined && c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1);
      if (c < 0xdc00 && d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc === undefined) continue;
    parts.push(s.slice(last, i), esc);
    last = i + 1;
  }
  parts.push(s.slice(last), '"');
  return parts.join('');
}

/** Go's float64 formatting in encoding/json. */
export function goFloat(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${n}`);
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

/** Byte-wise (UTF-8) key order, as Go sorts map keys. */
export function goKeyCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function goMarshal(v: GoJsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return '[' + v.map(goMarshal).join(',') + ']';
  if (v instanceof GoStruct) return '{' + v.fields.map(([k, x]) => goString(k) + ':' + goMarshal(x)).join(',') + '}';
  const keys = [...v.keys()].sort(goKeyCompare);
  return '{' + keys.map((k) => goString(k) + ':' + goMarshal(v.get(k) ?? null)).join(',') + '}';
}

/** json.NewEncoder(w).Encode(v): the marshalled value plus a newline. */
export function goEncode(v: GoJsonValue): string {
  return goMarshal(v) + '\n';
}
