// Go encoding/json emulation, part 2: decoding a JSON AST into a described Go type the way
// json.Decoder with DisallowUnknownFields() does (CONTRACT.md §0.3):
//  - keys match struct fields exactly first, then case-insensitively (Unicode simple folding,
//    so the Kelvin sign matches `k` and the long s matches `s`);
//  - unknown keys are an error at every struct level (not inside maps);
//  - a duplicate key decodes again INTO the existing value (last scalar wins, maps and structs merge,
//    slices are overwritten element-wise in their old backing array);
//  - `null` resets pointers, slices and maps, and leaves everything else untouched;
//  - integer fields reject fractions and exponents and check the bit size;
//  - the FIRST error (type mismatch or unknown field) is reported, with Go's field context
//    (`Go struct field Resource.resources.hostname of type string`).

import { type JsonNode, decodeFirstValue, GoJsonError, goQuote, unmarshalValue } from './gojson.js';

export type GoType =
  | { k: 'int'; name: 'int64' | 'int32' | 'int'; bits: 32 | 64 }
  | { k: 'float'; name: 'float64' }
  | { k: 'string'; name: string }
  | { k: 'bool'; name: 'bool' }
  | { k: 'struct'; name: string; goName: string; fields: GoField[] }
  | { k: 'ptr'; elem: GoType }
  | { k: 'slice'; elem: GoType; name: string }
  | { k: 'map'; elem: GoType; name: string };

export interface GoField {
  json: string;
  type: GoType;
  omitempty?: boolean;
}

/** Decoded Go values: ints are bigint, structs are plain records keyed by JSON name. */
export type GoValue =
  | null
  | bigint
  | number
  | string
  | boolean
  | GoValue[]
  | Map<string, GoValue>
  | { [field: string]: GoValue }
  | GoSlice;

/** A Go slice while decoding: a backing array (its length is the capacity) and a length. */
class GoSlice {
  constructor(
    public backing: GoValue[],
    public len: number,
  ) {}
}

export const T = {
  int64: { k: 'int', name: 'int64', bits: 64 } as GoType,
  int32: { k: 'int', name: 'int32', bits: 32 } as GoType,
  int: { k: 'int', name: 'int', bits: 64 } as GoType,
  float64: { k: 'float', name: 'float64' } as GoType,
  string: { k: 'string', name: 'string' } as GoType,
  bool: { k: 'bool', name: 'bool' } as GoType,
  named: (name: string): GoType => ({ k: 'string', name }),
  ptr: (elem: GoType): GoType => ({ k: 'ptr', elem }),
  slice: (elem: GoType, name: string): GoType => ({ k: 'slice', elem, name }),
  map: (elem: GoType, name: string): GoType => ({ k: 'map', elem, name }),
  struct: (goName: string, fields: GoField[]): GoType => ({ k: 'struct', name: goName.replace(/^.*\./, ''), goName, fields }),
};

/** The Go type's String() as it appears in UnmarshalTypeError. */
export function typeName(t: GoType): string {
  switch (t.k) {
    case 'struct':
      return t.goName;
    case 'ptr':
      return '*' + typeName(t.elem);
    default:
      return t.name;
  }
}

export function zeroValue(t: GoType): GoValue {
  switch (t.k) {
    case 'int':
      return 0n;
    case 'float':
      return 0;
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'struct': {
      const o: { [f: string]: GoValue } = {};
      for (const f of t.fields) o[f.json] = zeroValue(f.type);
      return o;
    }
    default:
      return null;
  }
}

/** Go's simple case folding for matching keys against ASCII field names. */
function fold(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\u212a') out += 'k';
    else if (ch === '\u017f') out += 's';
    else out += ch.length === 1 && ch >= 'A' && ch <= 'Z' ? ch.toLowerCase() : ch;
  }
  return out;
}

class DecodeState {
  saved: string | null = null;
  structName = '';
  fieldStack: string[] = [];

  typeError(value: string, t: GoType): void {
    if (this.saved !== null) return;
    const tn = typeName(t);
    if (this.structName !== '' || this.fieldStack.length > 0) {
      this.saved = `json: cannot unmarshal ${value} into Go struct field ${this.structName}.${this.fieldStack.join('.')} of type ${tn}`;
    } else {
      this.saved = `json: cannot unmarshal ${value} into Go value of type ${tn}`;
    }
  }
  plainError(msg: string): void {
    if (this.saved === null) this.saved = msg;
  }

  /** Decodes `node` into the current value `cur` of type `t`; returns the new value. */
  value(node: JsonNode, t: GoType, cur: GoValue): GoValue {
    if (t.k === 'ptr') {
      if (node.kind === 'null') return null;
      return this.value(node, t.elem, cur ?? zeroValue(t.elem));
    }
    switch (node.kind) {
      case 'null':
        return t.k === 'slice' || t.k === 'map' ? null : cur;
      case 'string':
        if (t.k === 'string') return node.value;
        this.typeError('string', t);
        return cur;
      case 'bool':
        if (t.k === 'bool') return node.value;
        this.typeError('bool', t);
        return cur;
      case 'number':
        return this.number(node.raw, t, cur);
      case 'object':
        return this.object(node.entries, t, cur);
      case 'array':
        return this.array(node.items, t, cur);
    }
  }

  number(raw: string, t: GoType, cur: GoValue): GoValue {
    if (t.k === 'int') {
      if (!/^-?\d+$/.test(raw)) {
        this.typeError(`number ${raw}`, t);
        return cur;
      }
      const n = BigInt(raw);
      if (BigInt.asIntN(t.bits, n) !== n || BigInt.asIntN(64, n) !== n) {
        this.typeError(`number ${raw}`, t);
        return cur;
      }
      return n;
    }
    if (t.k === 'float') {
      const f = Number(raw);
      if (!Number.isFinite(f)) {
        this.typeError(`number ${raw}`, t);
        return cur;
      }
      return f;
    }
    this.typeError('number', t);
    return cur;
  }

  object(entries: Array<[string, JsonNode]>, t: GoType, cur: GoValue): GoValue {
    if (t.k === 'map') {
      const m = cur instanceof Map ? cur : new Map<string, GoValue>();
      for (const [key, node] of entries) {
        const saveStruct = this.structName;
        const saveDepth = this.fieldStack.length;
        m.set(key, this.value(node, t.elem, zeroValue(t.elem)));
        this.structName = saveStruct;
        this.fieldStack.length = saveDepth;
      }
      return m;
    }
    if (t.k !== 'struct') {
      this.typeError('object', t);
      return cur;
    }
    const obj = cur as { [f: string]: GoValue };
    for (const [key, node] of entries) {
      const field = t.fields.find((f) => f.json === key) ?? t.fields.find((f) => fold(f.json) === fold(key));
      if (!field) {
        this.plainError(`json: unknown field ${goQuote(key)}`);
        continue;
      }
      const saveStruct = this.structName;
      const saveDepth = this.fieldStack.length;
      this.fieldStack.push(field.json);
      this.structName = t.name;
      obj[field.json] = this.value(node, field.type, obj[field.json] ?? zeroValue(field.type));
      this.structName = saveStruct;
      this.fieldStack.length = saveDepth;
    }
    return obj;
  }

  array(items: JsonNode[], t: GoType, cur: GoValue): GoValue {
    if (t.k !== 'slice') {
      this.typeError('array', t);
      return cur;
    }
    let s = cur instanceof GoSlice ? cur : new GoSlice([], 0);
    let i = 0;
    for (const item of items) {
      if (i >= s.backing.length) {
        const cap = s.backing.length;
        const newCap = Math.max(cap + Math.floor(cap / 2), 4);
        const backing: GoValue[] = new Array<GoValue>(newCap);
        for (let k = 0; k < newCap; k++) backing[k] = k < s.len ? (s.backing[k] ?? null) : zeroValue(t.elem);
        s = new GoSlice(backing, s.len);
      }
      if (i >= s.len) s.len = i + 1;
      s.backing[i] = this.value(item, t.elem, s.backing[i] ?? zeroValue(t.elem));
      i++;
    }
    if (i < s.len) s.len = i;
    if (i === 0) s = new GoSlice([], 0);
    return s;
  }
}

/** Plain JS value of a JSON node, as Go would decode into interface{} (numbers are float64). */
export function plain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'null':
      return null;
    case 'bool':
    case 'string':
      return node.value;
    case 'number':
      return Number(node.raw);
    case 'array':
      return node.items.map(plain);
    case 'object': {
      const o: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const [k, v] of node.entries) o[k] = plain(v);
      return o;
    }
  }
}

/** Replaces decoding-time slices by plain arrays of their visible elements. */
function materialize(v: GoValue): GoValue {
  if (v instanceof GoSlice) return v.backing.slice(0, v.len).map(materialize);
  if (v instanceof Map) {
    for (const [k, x] of v) v.set(k, materialize(x));
    return v;
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const k of Object.keys(v)) (v as { [f: string]: GoValue })[k] = materialize((v as { [f: string]: GoValue })[k] ?? null);
  }
  return v;
}

export type DecodeResult<V> = { ok: true; value: V } | { ok: false; error: string };

/**
 * What cc-backend's `decode(r.Body, &val)` does: json.NewDecoder + DisallowUnknownFields + Decode,
 * starting from `initial` (the handler's pre-filled struct).
 */
export function goDecodeBody<V>(body: Uint8Array, t: GoType, initial: GoValue = zeroValue(t)): DecodeResult<V> {
  let node: JsonNode;
  try {
    node = decodeFirstValue(body);
  } catch (e) {
    if (e instanceof GoJsonError) return { ok: false, error: e.message };
    throw e;
  }
  const st = new DecodeState();
  const value = materialize(st.value(node, t, initial));
  if (st.saved !== null) return { ok: false, error: st.saved };
  return { ok: true, value: value as V };
}

/** json.Unmarshal into interface-valued maps (JWT header and claims). */
export function goUnmarshalObject(data: Uint8Array, goTypeName: string): DecodeResult<Record<string, unknown>> {
  let node: JsonNode;
  try {
    node = unmarshalValue(data);
  } catch (e) {
    if (e instanceof GoJsonError) return { ok: false, error: e.message };
    throw e;
  }
  if (node.kind === 'null') return { ok: true, value: Object.create(null) as Record<string, unknown> };
  if (node.kind !== 'object') {
    const what = node.kind === 'bool' ? 'bool' : node.kind;
    return { ok: false, error: `json: cannot unmarshal ${what} into Go value of type ${goTypeName}` };
  }
  return { ok: true, value: plain(node) as Record<string, unknown> };
}
