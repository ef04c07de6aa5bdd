// The OpenAI error envelope and the messages the emulator answers with. Where OpenAI documents no
// text, the wording is ours (see ../shared/docs/openai-uploads-contract.md). The two texts the
// proxy also reads or sends (a refused state change, the 500, a part body that is not a form) come from the contract.
import { errorEnvelope, invalidContentTypeMessage, malformedMultipartMessage, SERVER_ERROR_MESSAGE, wrongStatusMessage, type ErrorEnvelope } from '#contract/uploads.ts';

export { errorEnvelope, type ErrorEnvelope };

export const messages = {
  noApiKey:
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
  incorrectApiKey: (key: string) =>
    `Incorrect API key provided: ${redactKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
  invalidUrl: (method: string, path: string) => `Invalid URL (${method} ${path})`,
  noSuchUpload: (id: string) => `No such Upload object: ${id}`,
  wrongStatus: wrongStatusMessage,
  rateLimited:
    'Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.',
  serverError: SERVER_ERROR_MESSAGE,
} as const;

/** OpenAI shows the first 8 and last 4 characters of a rejected key. */
export function redactKey(key: string): string {
  if (key.length <= 12) return '*'.repeat(key.length);
  return `${key.slice(0, 8)}${'*'.repeat(Math.max(4, key.length - 12))}${key.slice(-4)}`;
}

export function envelopeForStatus(status: number): ErrorEnvelope {
  if (status === 429) return errorEnvelope(messages.rateLimited, 'requests', null, 'rate_limit_exceeded');
  if (status === 401) return errorEnvelope(messages.noApiKey, 'invalid_request_error');
  if (status === 404) return errorEnvelope('Not found.', 'invalid_request_error');
  if (status >= 500) return errorEnvelope(messages.serverError, 'server_error');
  return errorEnvelope(`Request failed with status ${status}.`, 'invalid_request_error');
}

/**
 * Request-validation texts in OpenAI's own wording (as quoted in public issues), for callers that
 * check request bodies the way OpenAI does (the emulator).
 */
export const requestMessages = {
  invalidJson:
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
  unrecognizedArgument: (name: string) => `Unrecognized request argument supplied: ${name}`,
  missingParameter: (name: string) => `Missing required parameter: '${name}'.`,
  invalidType: (param: string, expected: string, got: string) =>
    `Invalid type for '${param}': expected ${expected}, but got ${got} instead.`,
  invalidValue: (value: string, supported: readonly string[]) =>
    `Invalid value: '${value}'. Supported values are: ${listInWords(supported.map((v) => `'${v}'`))}.`,
  belowMinimum: (param: string, minimum: number | bigint, got: unknown) =>
    `Invalid '${param}': integer below minimum value. Expected a value >= ${minimum}, but got ${String(got)} instead.`,
  aboveMaximum: (param: string, maximum: number | bigint, got: unknown) =>
    `Invalid '${param}': integer above maximum value. Expected a value <= ${maximum}, but got ${String(got)} instead.`,
  emptyArray: (param: string) =>
    `Invalid '${param}': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
  invalidParameter: (param: string, detail: string) => `Invalid '${param}': ${detail}`,
  invalidContentType: invalidContentTypeMessage,
  bodyTooLarge: (maxBytes: number) => `The request body is too large: at most ${maxBytes} bytes are accepted.`,
} as const;

/** Upload rules OpenAI documents without wording: the texts are our choice (contract page). */
export const uploadRuleMessages = {
  unsupportedMimeType: (mimeType: string, purpose: string, supported: string) =>
    `Invalid 'mime_type': '${mimeType}' is not supported for purpose '${purpose}'. Supported types: ${supported}.`,
  partTooLarge: (maxBytes: number) => `The part is too large: a part may be at most ${maxBytes} bytes.`,
  uploadTooLarge: (uploadId: string, maxBytes: number) =>
    `Adding this part would take upload ${uploadId} past its maximum of ${maxBytes} bytes.`,
  duplicateData: "The 'data' field was given more than once; send one part per request.",
  malformedMultipart: malformedMultipartMessage,
  partNotInUpload: (partId: string, uploadId: string) => `Part ${partId} is not a part of upload ${uploadId}.`,
  duplicatePart: (partId: string) => `Part ${partId} appears more than once in 'part_ids'.`,
  sizeMismatch: (expected: number, actual: number) =>
    `The parts add up to ${actual} bytes, but the upload was created with bytes=${expected}; they must be equal.`,
  md5Mismatch: (given: string, actual: string) =>
    `The md5 checksum of the uploaded content (${actual}) does not match the md5 provided (${given}).`,
} as const;

/** "a", "a and b", "a, b, and c": the way OpenAI lists supported values. */
function listInWords(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1)}`;
}
