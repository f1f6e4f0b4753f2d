// C0, DEL and C1 controls: enough to move a cursor, recolour or retitle a terminal.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Makes attacker-controlled text safe to print on a terminal: control characters become visible escapes. */
export function escapeControl(text: string): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROL, (c) => ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const C1 = /[\u007f-\u009f]/g;

/** JSON.stringify escapes C0 controls but not DEL/C1; this escapes those too, keeping valid JSON. */
export function safeJson(value: unknown, space?: number): string {
  const text = JSON.stringify(value, null, space);
  C1.lastIndex = 0;
  if (!C1.test(text)) return text;
  return text.replace(C1, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
