import type { StateDb } from '../state/db.js';
import { guardDb } from '../state/guard.js';
import type { ResultOf } from './protocol.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Counts the archive's activity per UTC day of the last `days` days, today included, oldest
 * first. A message counts as archived on the day its file was stored (ledger `stored_at`), with
 * its size in bytes. A message counts as failed on the last day a run failed on it (item_errors
 * `last_seen_at`), whether or not a later run archived it, so a day keeps its figure.
 */
export function readHistory(state: StateDb, days: number, now: Date = new Date()): ResultOf<'history'> {
  const todayStart = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00.000Z`);
  const firstDay = new Date(todayStart - (days - 1) * DAY_MS).toISOString();

  const { archived, failed, total } = guardDb(state.file, () => {
    const archivedRows = state.db
      .prepare(
        `SELECT substr(stored_at, 1, 10) AS day, COUNT(*) AS count, COALESCE(SUM(size), 0) AS bytes FROM ledger
         WHERE stored_at IS NOT NULL AND stored_at >= ?
         GROUP BY day`,
      )
      .all(firstDay) as Array<{ day: string; count: number; bytes: number }>;
    const failedRows = state.db
      .prepare(
        `SELECT substr(last_seen_at, 1, 10) AS day, COUNT(*) AS count FROM item_errors
         WHERE last_seen_at >= ?
         GROUP BY day`,
      )
      .all(firstDay) as Array<{ day: string; count: number }>;
    const totalRow = state.db.prepare(`SELECT COUNT(*) AS count FROM ledger WHERE stored_at IS NOT NULL`).get() as { count: number };
    return { archived: archivedRows, failed: failedRows, total: totalRow.count };
  });

  const archivedByDay = new Map(archived.map((row) => [row.day, row]));
  const failedByDay = new Map(failed.map((row) => [row.day, row.count]));
  const result: ResultOf<'history'>['days'] = [];
  for (let index = days - 1; index >= 0; index--) {
    const date = new Date(todayStart - index * DAY_MS).toISOString().slice(0, 10);
    const day = archivedByDay.get(date);
    result.push({ date, archived: day?.count ?? 0, failed: failedByDay.get(date) ?? 0, bytes: day?.bytes ?? 0 });
  }
  return { days: result, archivedTotal: total };
}
