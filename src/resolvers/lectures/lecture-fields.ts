/** The lecture's own column (the rest are the time-window task's: ../timed-tasks/rules.ts). */
export const LOCATION_MAX = 200;
