/** Where an assignment stands: done, or not yet and either still ahead or past its due time. */
export type AssignmentStatus = 'UPCOMING' | 'OVERDUE' | 'COMPLETED';

/** The status of an assignment at `now`; the same rule as the `status` filter of listAssignments. */
export function assignmentStatus(assignment: { completedAt: Date | null; dueAt: Date }, now: Date): AssignmentStatus {
  if (assignment.completedAt) return 'COMPLETED';
  return assignment.dueAt < now ? 'OVERDUE' : 'UPCOMING';
}
