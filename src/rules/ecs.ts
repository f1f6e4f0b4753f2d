import { ECS_FIELDS } from './generated/ecs-fields.js';

export { ECS_FIELDS };

const NUMERIC = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'unsigned_long']);

/** Is this an ECS field (or a field under an ECS `object`/`flattened` field, which holds any keys)? */
export function isEcsField(path: string): boolean {
  if (ECS_FIELDS.types[path] !== undefined) return true;
  for (let i = path.lastIndexOf('.'); i > 0; i = path.lastIndexOf('.', i - 1)) {
    const t = ECS_FIELDS.types[path.slice(0, i)];
    if (t === 'object' || t === 'flattened') return true;
  }
  return false;
}

/** Does ECS type this field as a number? */
export function isNumericField(path: string): boolean {
  return NUMERIC.has(ECS_FIELDS.types[path] ?? '');
}

export const ECS_NAMES = Object.keys(ECS_FIELDS.types);
