-- The course and assignment foreign-key columns get plain (not partial) indexes. A hard delete
-- (the purge job) makes PostgreSQL check that no row, deleted or not, still references the
-- deleted one; that check, and the purge's NOT EXISTS guard, cannot use an index restricted to
-- live rows, and scanned the whole child table per purged row (36 ms each at 1.6M task rows).
-- deletedAt is the last column, so the course page and Assignment.studySessions still find the
-- live rows, and count them, from the index alone.

-- DropIndex
DROP INDEX "Assignment_course_due_live_idx";

-- DropIndex
DROP INDEX "Lecture_course_start_live_idx";

-- DropIndex
DROP INDEX "StudySession_assignment_live_idx";

-- DropIndex
DROP INDEX "StudySession_course_start_live_idx";

-- CreateIndex
CREATE INDEX "Assignment_course_due_idx" ON "Assignment"("courseId", "dueAt", "deletedAt");

-- CreateIndex
CREATE INDEX "Lecture_course_start_idx" ON "Lecture"("courseId", "startsAt", "deletedAt");

-- CreateIndex
CREATE INDEX "StudySession_course_start_idx" ON "StudySession"("courseId", "startsAt", "deletedAt");

-- CreateIndex
CREATE INDEX "StudySession_assignment_idx" ON "StudySession"("assignmentId", "deletedAt");
