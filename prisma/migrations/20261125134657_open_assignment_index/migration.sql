-- CreateIndex
CREATE INDEX "Assignment_user_open_due_idx" ON "Assignment"("userId", "dueAt") WHERE ("deletedAt" IS NULL AND "completedAt" IS NULL);

-- Covering index (Prisma has no syntax for INCLUDE): the owner's live assignments by due date,
-- carrying completedAt so that counts by status (assignments' totalCount) need no heap access.
DROP INDEX "Assignment_user_due_live_idx";
CREATE INDEX "Assignment_user_due_live_idx" ON "Assignment"("userId", "dueAt") INCLUDE ("completedAt") WHERE ("deletedAt" IS NULL);
