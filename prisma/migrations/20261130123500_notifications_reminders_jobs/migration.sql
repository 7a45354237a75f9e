-- DropIndex
DROP INDEX "Notification_user_created_live_idx";

-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "channels" "NotificationChannel"[] DEFAULT ARRAY[]::"NotificationChannel"[],
ADD COLUMN     "digestId" UUID,
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "reminderId" UUID,
ADD COLUMN     "subjectId" UUID,
ADD COLUMN     "subjectKind" TEXT;

-- AlterTable
ALTER TABLE "NotificationPreference" ADD COLUMN     "dailyDigestEnabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "quietHoursEnd" INTEGER,
ADD COLUMN     "quietHoursStart" INTEGER;

-- CreateTable
CREATE TABLE "Reminder" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "taskKind" TEXT NOT NULL,
    "taskId" UUID NOT NULL,
    "leadMinutes" INTEGER NOT NULL,
    "taskAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "deletionId" UUID,

    CONSTRAINT "Reminder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Digest" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "day" TEXT NOT NULL,
    "tasks" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "deletionId" UUID,

    CONSTRAINT "Digest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" UUID NOT NULL,
    "job" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3) NOT NULL,
    "rowsTouched" INTEGER NOT NULL DEFAULT 0,
    "result" JSONB,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "deletionId" UUID,

    CONSTRAINT "JobRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Reminder_userId_idx" ON "Reminder"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Reminder_taskId_leadMinutes_key" ON "Reminder"("taskId", "leadMinutes");

-- CreateIndex
CREATE UNIQUE INDEX "Digest_userId_day_key" ON "Digest"("userId", "day");

-- CreateIndex
CREATE INDEX "JobRun_job_started_idx" ON "JobRun"("job", "startedAt");

-- CreateIndex
CREATE INDEX "JobRun_started_idx" ON "JobRun"("startedAt");

-- CreateIndex
CREATE INDEX "Notification_user_inbox_idx" ON "Notification"("userId", "channel", "createdAt", "id") WHERE ("deletedAt" IS NULL);

-- CreateIndex
CREATE INDEX "Notification_user_unread_idx" ON "Notification"("userId", "channel", "createdAt", "id") WHERE ("deletedAt" IS NULL AND "readAt" IS NULL);

-- CreateIndex
CREATE INDEX "Notification_outgoing_idx" ON "Notification"("scheduledFor") WHERE ("sentAt" IS NULL AND "deletedAt" IS NULL AND channel <> 'IN_APP');

-- CreateIndex
CREATE UNIQUE INDEX "Notification_reminderId_channel_key" ON "Notification"("reminderId", "channel");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_digestId_channel_key" ON "Notification"("digestId", "channel");

-- AddForeignKey
ALTER TABLE "Reminder" ADD CONSTRAINT "Reminder_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Digest" ADD CONSTRAINT "Digest_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


