// Request bodies are checked with zod; a failure is told the way OpenAI tells it (its wording,
// `param` naming the field, its error codes), so clients see the errors they would see upstream.
import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from '#server/lib/api-error.ts';
import { requestMessages } from './openai-errors.ts';

/**
 * The body of a JSON operation. Like OpenAI, it is parsed whatever the Content-Type says
 * (`curl -d` sends form encoding); an empty body counts as `{}` so the answer names what is missing.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, requestMessages.invalidJson);
  }
}

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body, { reportInput: true });
  if (parsed.success) return parsed.data;
  // An unknown key is usually a misspelt known one: naming it helps more than "missing X".
  const issues = parsed.error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (!issue) throw new ApiError(400, 'Invalid request body.');
  return issueToError(issue);
}

function issueToError(issue: z.core.$ZodIssue): never {
  const param = paramName(issue.path);
  const fail = (message: string, code: string | null, at: string | null = param || null): never => {
    throw new ApiError(400, message, { param: at, code });
  };
  const input = 'input' in issue ? issue.input : undefined;
  // With reportInput, zod leaves `input` out exactly when the key is absent.
  if (input === undefined && param && issue.code !== 'unrecognized_keys') {
    return fail(requestMessages.missingParameter(param), 'missing_required_parameter');
  }

  switch (issue.code) {
    case 'unrecognized_keys': {
      const [first = ''] = issue.keys;
      const key = paramName([...issue.path, first]);
      return fail(requestMessages.unrecognizedArgument(key), null, key);
    }
    case 'invalid_type':
      if (!param) return fail(requestMessages.invalidType('body', 'an object', describe(input)), 'invalid_type', null);
      return fail(requestMessages.invalidType(param, article(issue.expected), describe(input)), 'invalid_type');
    case 'invalid_value':
      return fail(requestMessages.invalidValue(String(input), issue.values.map(String)), 'invalid_value');
    case 'too_small':
      if (issue.origin === 'array') return fail(requestMessages.emptyArray(param), 'empty_array');
      if (issue.origin === 'string') {
        return fail(requestMessages.invalidParameter(param, 'empty string. Expected a non-empty string.'), 'empty_string');
      }
      return fail(requestMessages.belowMinimum(param, issue.minimum, input), 'integer_below_min_value');
    case 'too_big':
      return fail(requestMessages.aboveMaximum(param, issue.maximum, input), 'integer_above_max_value');
    default: {
      const detail = issue.message.endsWith('.') ? issue.message : `${issue.message}.`;
      if (!param) return fail(detail.charAt(0).toUpperCase() + detail.slice(1), 'invalid_value');
      return fail(requestMessages.invalidParameter(param, detail), 'invalid_value');
    }
  }
}

/** `expires_after.seconds`, `part_ids[2]`: how OpenAI names a nested parameter. */
function paramName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, key) => {
    if (typeof key === 'number') return `${name}[${key}]`;
    return name ? `${name}.${String(key)}` : String(key);
  }, '');
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal number';
  return article(typeof value);
}
