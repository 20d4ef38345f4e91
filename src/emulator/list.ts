// Cursor pagination as the SDK's CursorPage reads it: `data` in order, `has_more`, and the next
// page asked for with `after` = the last id seen.
import { ApiError } from './http.js';

export interface ListPage<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export function cursorPage<T extends { id: string }>(
  items: readonly T[],
  query: URLSearchParams,
  limits: { fallback: number; max: number },
): ListPage<T> {
  const limit = parseLimit(query.get('limit'), limits);
  const after = query.get('after');
  // An unknown cursor yields an empty page rather than the first page again, so a client that
  // loses its cursor stops instead of looping forever.
  const start = after === null ? 0 : items.findIndex((item) => item.id === after) + 1 || items.length;
  const data = items.slice(start, start + limit);
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: start + limit < items.length,
  };
}

function parseLimit(text: string | null, limits: { fallback: number; max: number }): number {
  if (text === null) return limits.fallback;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > limits.max) {
    throw ApiError.invalid(`Invalid 'limit': ${text}. Expected an integer from 1 to ${limits.max}.`, 'limit');
  }
  return limit;
}
