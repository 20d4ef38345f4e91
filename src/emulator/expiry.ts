// When a file expires. Files of purpose batch expire 30 days after their upload unless `expires_after`
// says otherwise; the output and error files of a batch 30 days after they are written unless the
// batch's `output_expires_after` says otherwise; other files never. A policy is {anchor: 'created_at',
// seconds: 3600 to 2592000} (FileExpirationAfter, BatchFileExpirationAfter); anything else is a 400 in
// the API's words. An expired file is gone: retrieving or downloading it is a 404 (files.ts).
import { ApiError } from './http.js';

/** 30 days: the default life of a batch file, and the longest a policy may ask for. */
export const DEFAULT_EXPIRY_SECONDS = 30 * 24 * 3600;
const MIN_SECONDS = 3600;

/**
 * The seconds an expiration policy asks for, or null without one. `param` names it in errors
 * (`expires_after`, `output_expires_after`); `seconds` may come as text (a multipart field).
 */
export function expirySeconds(policy: { anchor?: unknown; seconds?: unknown } | undefined, param: string): number | null {
  if (policy === undefined) return null;
  const { anchor, seconds } = policy;
  if (anchor === undefined) throw missing(`${param}.anchor`);
  if (anchor !== 'created_at') {
    throw new ApiError(400, `Invalid value: '${String(anchor)}'. Supported values are: 'created_at'.`, 'invalid_request_error', `${param}.anchor`, 'invalid_value');
  }
  if (seconds === undefined) throw missing(`${param}.seconds`);
  const n = typeof seconds === 'string' && /^-?\d+$/.test(seconds) ? Number(seconds) : seconds;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new ApiError(400, `Invalid type for '${param}.seconds': expected an integer, but got ${JSON.stringify(seconds)} instead.`, 'invalid_request_error', `${param}.seconds`, 'invalid_type');
  }
  if (n < MIN_SECONDS) {
    throw new ApiError(400, `Invalid '${param}.seconds': integer below minimum value. Expected a value >= ${MIN_SECONDS}, but got ${n} instead.`, 'invalid_request_error', `${param}.seconds`, 'integer_below_min_value');
  }
  if (n > DEFAULT_EXPIRY_SECONDS) {
    throw new ApiError(400, `Invalid '${param}.seconds': integer above maximum value. Expected a value <= ${DEFAULT_EXPIRY_SECONDS}, but got ${n} instead.`, 'invalid_request_error', `${param}.seconds`, 'integer_above_max_value');
  }
  return n;
}

/** A policy given as JSON (output_expires_after): an object, or absent. */
export function jsonPolicy(value: unknown, param: string): { anchor?: unknown; seconds?: unknown } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(400, `Invalid type for '${param}': expected an object, but got ${JSON.stringify(value)} instead.`, 'invalid_request_error', param, 'invalid_type');
  }
  return value as { anchor?: unknown; seconds?: unknown };
}

function missing(param: string): ApiError {
  return new ApiError(400, `Missing required parameter: '${param}'.`, 'invalid_request_error', param, 'missing_required_parameter');
}
