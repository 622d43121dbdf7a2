/**
 * Named points between the steps of archiving one message. Tests set M365_ARCHIVER_CRASH_AT to
 * "<point>" or "<point>:<n>" (the n-th time the point is reached, from 1) and the process kills
 * itself with SIGKILL there, which shows that a restart repeats at most the interrupted step.
 * Unset, as in every real installation, a crash point does nothing.
 */
export const CRASH_POINTS = [
  'after-stage-file',
  'after-ledger-staged',
  'after-install',
  'after-journal',
  'after-stored',
  'after-patch',
  'after-marked',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

export const CRASH_VARIABLE = 'M365_ARCHIVER_CRASH_AT';

const reached = new Map<CrashPoint, number>();

export function crashPoint(point: CrashPoint): void {
  const setting = process.env[CRASH_VARIABLE];
  if (!setting) {
    return;
  }
  const [name, occurrence] = setting.split(':');
  if (name !== point) {
    return;
  }
  const count = (reached.get(point) ?? 0) + 1;
  reached.set(point, count);
  if (count >= Number(occurrence ?? '1')) {
    process.kill(process.pid, 'SIGKILL');
  }
}
