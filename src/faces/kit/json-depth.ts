// How deep a parsed JSON value nests, measured without recursion. JSON.parse takes bodies nested hundreds of
// thousands of levels deep (a 1 MiB body holds 200,000 levels of `{"a":`), but every recursive walk after it
// (copying, sorting keys, validating, JSON.stringify when the value is stored) overflows the stack. Faces
// refuse such values with their own error before anything walks them.

/** The deepest nesting any face keeps in a free-form JSON field (metadata, JsonData, descriptions). */
export const MAX_JSON_DEPTH = 64;

/** Whether `v` nests objects and arrays more than `max` levels deep (a scalar is depth 0). */
export function jsonDepthExceeds(v: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[v, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
