import { MAX_NESTING } from './safe-text';

// JSON.parse accepts documents that mean something else than they say, or that a later step turns
// into an attack; a JSON body (and an NDJSON line) is refused, before it is parsed, when it has:
// - a key twice in one object (JSON.parse keeps the last silently: a checked and a stored value differ);
// - a key '__proto__', 'constructor' or 'prototype' (prototype pollution through a later merge or assign);
// - objects and arrays nested deeper than MAX_NESTING (recursive checks then overflow the stack);
// - an integer beyond ±2^53 − 1, or a number beyond what a double holds (silently rounded, or Infinity).
// Returns the first problem in zh-CN and English, or undefined. Text that is not JSON is left to
// JSON.parse to refuse (this scanner never throws).

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;

export function jsonTextProblem(text: string, maxDepth = MAX_NESTING): string | undefined {
  // A container: the keys of an object so far, or null for an array.
  const stack: (Set<string> | null)[] = [];
  let keyNext = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      stack.push(c === 0x7b ? new Set() : null);
      if (stack.length > maxDepth)
        return `objects and arrays are nested deeper than ${maxDepth} levels / JSON 嵌套层级超过 ${maxDepth} 层`;
      keyNext = c === 0x7b;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      keyNext = false;
      i++;
    } else if (c === 0x2c /* , */) {
      keyNext = stack.length > 0 && stack[stack.length - 1] !== null;
      i++;
    } else if (c === 0x22 /* " */) {
      let end = i + 1;
      for (;;) {
        end = text.indexOf('"', end);
        if (end < 0) return undefined; // unterminated: JSON.parse says so
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
        end++;
      }
      const keys = stack[stack.length - 1];
      if (keyNext && keys) {
        let key = text.slice(i + 1, end);
        // Escapes ("\u005f_proto__" is "__proto__") are read as JSON reads them.
        if (key.includes('\\'))
          try {
            key = JSON.parse(text.slice(i, end + 1)) as string;
          } catch {
            return undefined;
          }
        if (FORBIDDEN_KEYS.has(key)) return `the key "${key}" is not accepted / 不接受名为 "${key}" 的字段`;
        if (keys.has(key))
          return `the key "${key.slice(0, 100)}" appears twice in one object / 同一对象中字段 "${key.slice(0, 100)}" 重复`;
        keys.add(key);
        keyNext = false;
      }
      i = end + 1;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) return undefined;
      const value = Number(m[0]);
      if (!Number.isFinite(value))
        return `the number ${m[0].slice(0, 40)} is out of range / 数值 ${m[0].slice(0, 40)} 超出范围`;
      if (m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(value))
        return `the integer ${m[0].slice(0, 40)} is beyond ±2^53 − 1 and would be rounded: send it as a string / 整数 ${m[0].slice(0, 40)} 超出 ±2^53 − 1，请以字符串发送`;
      i = NUMBER.lastIndex;
    } else i++;
  }
  return undefined;
}
