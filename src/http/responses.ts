import type { PageParams } from '../platform/list.js';
import type { PageQueryStatic } from '../platform/schema.js';

export function ok<T>(data: T, message: string, code: 'OK' | 'CREATED' | 'UPDATED' = 'OK') {
  return { success: true, message, code, data };
}

export function deleted(message: string) {
  return { success: true, message, code: 'DELETED' as const };
}

export function pageParams(q: PageQueryStatic, defaultSort = 'created_at'): PageParams {
  return {
    cursor: q.cursor,
    limit: q.limit,
    direction: q.direction,
    includeTotalCount: q.include_total_count,
    sortBy: q.sort_by ?? defaultSort,
    descending: q.descending,
  };
}

export const SECURITY = [{ HTTPBearer: [] }];
