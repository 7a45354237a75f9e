-- RevenueCat webhooks (subscription state, matched user, outcome), the operators' audit log,
-- daily activity for DAU/WAU, the daily analytics rollup, and the indexes of the analytics and
-- expiry-job queries.

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "subscriptionEventAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN     "eventAt" TIMESTAMP(3),
ADD COLUMN     "outcome" TEXT,
ADD COLUMN     "userId" UUID;

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" UUID NOT NULL,
    "actorId" UUID,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" UUID NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "deletionId" UUID,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserActivityDay" (
    "day" DATE NOT NULL,
    "userId" UUID NOT NULL,

    CONSTRAINT "UserActivityDay_pkey" PRIMARY KEY ("day","userId")
);

-- CreateTable
CREATE TABLE "AnalyticsDay" (
    "day" DATE NOT NULL,
    "signUps" INTEGER NOT NULL,
    "activeUsers" INTEGER NOT NULL,
    "assignmentsCreated" INTEGER NOT NULL,
    "lecturesCreated" INTEGER NOT NULL,
    "studySessionsCreated" INTEGER NOT NULL,
    "assignmentsCompleted" INTEGER NOT NULL,
    "premiumConversions" INTEGER NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AnalyticsDay_pkey" PRIMARY KEY ("day")
);

-- CreateIndex
CREATE INDEX "AuditLog_created_idx" ON "AuditLog"("createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_target_idx" ON "AuditLog"("targetId", "createdAt");

-- CreateIndex
CREATE INDEX "Assignment_created_idx" ON "Assignment"("createdAt");

-- CreateIndex
CREATE INDEX "Assignment_completed_idx" ON "Assignment"("completedAt") WHERE ("completedAt" IS NOT NULL);

-- CreateIndex
CREATE INDEX "Lecture_created_idx" ON "Lecture"("createdAt");

-- CreateIndex
CREATE INDEX "StudySession_created_idx" ON "StudySession"("createdAt");

-- CreateIndex
CREATE INDEX "User_created_idx" ON "User"("createdAt");

-- CreateIndex
CREATE INDEX "User_premium_expiry_idx" ON "User"("subscriptionExpiresAt") WHERE ("subscriptionTier" = 'PREMIUM' AND "deletedAt" IS NULL);

-- CreateIndex
CREATE INDEX "WebhookEvent_outcome_created_idx" ON "WebhookEvent"("outcome", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookEvent_purchase_idx" ON "WebhookEvent"("eventAt") WHERE (type = 'INITIAL_PURCHASE' AND outcome = 'APPLIED');


