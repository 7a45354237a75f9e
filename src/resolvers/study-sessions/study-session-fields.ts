/** The study session's own columns (the rest are the time-window task's: ../timed-tasks/rules.ts). */
export const NOTES_MAX = 5000;
/** Minutes actually studied: at most one day. */
export const ACTUAL_MINUTES_MAX = 1440;
