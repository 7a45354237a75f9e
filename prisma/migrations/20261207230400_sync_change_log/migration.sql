-- The change log behind `changes(since:)` and the resumable subscriptions (docs/sync.md).
-- Every row is written by a trigger in the transaction (and statement) of the write it records,
-- so no write path can forget it: Prisma calls, hand-written statements, cascades and restores.
-- "xid" is the writing transaction's id: a page reads only rows of transactions older than its
-- snapshot's xmin (all finished), in ("xid", "seq") order, so a transaction that began early and
-- committed late is never skipped.

-- CreateTable
CREATE TABLE "SyncChange" (
    "seq" BIGSERIAL NOT NULL,
    "xid" xid8 NOT NULL DEFAULT pg_current_xact_id(),
    "userId" UUID NOT NULL,
    "stream" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "entityId" UUID NOT NULL,
    "courseId" UUID,
    "operation" TEXT NOT NULL,
    "rowDeletedAt" TIMESTAMP(3),
    "rowDeletionId" UUID,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncChange_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "SyncHorizon" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "xid" xid8 NOT NULL,
    "seq" BIGINT NOT NULL,
    "prunedAt" TIMESTAMP(3),

    CONSTRAINT "SyncHorizon_pkey" PRIMARY KEY ("id")
);

INSERT INTO "SyncHorizon" ("id", "xid", "seq") VALUES (1, '0'::xid8, 0);

-- CreateIndex
CREATE INDEX "SyncChange_user_position_idx" ON "SyncChange"("userId", "stream", "xid", "seq");

-- CreateIndex
CREATE INDEX "SyncChange_changed_idx" ON "SyncChange"("changedAt");

-- One log row per written row of Course, Assignment, Lecture, StudySession (TG_ARGV[0] is the kind).
CREATE FUNCTION "sync_log_planner_row"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  op TEXT;
  course UUID;
BEGIN
  IF TG_OP = 'INSERT' THEN
    op := 'CREATED';
  ELSIF OLD."deletedAt" IS NULL AND NEW."deletedAt" IS NOT NULL THEN
    op := 'DELETED';
  ELSIF OLD."deletedAt" IS NOT NULL AND NEW."deletedAt" IS NULL THEN
    op := 'RESTORED';
  ELSE
    op := 'UPDATED';
  END IF;
  -- Each statement is prepared on first use: a branch for a column Course lacks never runs for it.
  IF TG_ARGV[0] = 'COURSE' THEN
    course := NEW."id";
  ELSE
    course := NEW."courseId";
  END IF;
  IF TG_ARGV[0] = 'ASSIGNMENT' AND op = 'UPDATED' THEN
    IF OLD."completedAt" IS NULL AND NEW."completedAt" IS NOT NULL THEN
      op := 'COMPLETED';
    ELSIF OLD."completedAt" IS NOT NULL AND NEW."completedAt" IS NULL THEN
      op := 'REOPENED';
    END IF;
  END IF;
  INSERT INTO "SyncChange" ("userId", "stream", "kind", "entityId", "courseId", "operation", "rowDeletedAt", "rowDeletionId")
  VALUES (NEW."userId", 'planner', TG_ARGV[0], NEW."id", course, op, NEW."deletedAt", NEW."deletionId");
  RETURN NULL;
END;
$$;

-- One log row per in-app notification written (the `notifications` subscription's stream).
CREATE FUNCTION "sync_log_notification"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SyncChange" ("userId", "stream", "kind", "entityId", "operation")
  VALUES (NEW."userId", 'notifications', 'NOTIFICATION', NEW."id", 'CREATED');
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Course_sync_insert" AFTER INSERT ON "Course"
  FOR EACH ROW EXECUTE FUNCTION "sync_log_planner_row"('COURSE');
CREATE TRIGGER "Course_sync_update" AFTER UPDATE ON "Course"
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION "sync_log_planner_row"('COURSE');
CREATE TRIGGER "Assignment_sync_insert" AFTER INSERT ON "Assignment"
  FOR EACH ROW EXECUTE FUNCTION "sync_log_planner_row"('ASSIGNMENT');
CREATE TRIGGER "Assignment_sync_update" AFTER UPDATE ON "Assignment"
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION "sync_log_planner_row"('ASSIGNMENT');
CREATE TRIGGER "Lecture_sync_insert" AFTER INSERT ON "Lecture"
  FOR EACH ROW EXECUTE FUNCTION "sync_log_planner_row"('LECTURE');
CREATE TRIGGER "Lecture_sync_update" AFTER UPDATE ON "Lecture"
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION "sync_log_planner_row"('LECTURE');
CREATE TRIGGER "StudySession_sync_insert" AFTER INSERT ON "StudySession"
  FOR EACH ROW EXECUTE FUNCTION "sync_log_planner_row"('STUDY_SESSION');
CREATE TRIGGER "StudySession_sync_update" AFTER UPDATE ON "StudySession"
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION "sync_log_planner_row"('STUDY_SESSION');
CREATE TRIGGER "Notification_sync_insert" AFTER INSERT ON "Notification"
  FOR EACH ROW WHEN (NEW."channel" = 'IN_APP') EXECUTE FUNCTION "sync_log_notification"();
