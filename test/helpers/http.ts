// Reading an answer the way the wire tests need it: the exact text, and the text parsed as JSON when it is JSON.

/** The body as text, and parsed as JSON (undefined when it is not JSON). */
export async function bodyOf(res: Response): Promise<{ text: string; json: any }> {
  const text = await res.text();
  return { text, json: parseJson(text) };
}

/** JSON.parse, or undefined for text that is not JSON. */
export function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
