-- AlterTable
ALTER TABLE "OutboxEvent" ADD COLUMN     "traceparent" TEXT;

-- CreateTable
CREATE TABLE "ErrorLogEntry" (
    "id" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "errorName" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "stack" TEXT,
    "count" INTEGER NOT NULL DEFAULT 1,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "sampleRequestId" TEXT NOT NULL,
    "sampleOperation" TEXT,
    "samplePath" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "deletionId" UUID,

    CONSTRAINT "ErrorLogEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ErrorLogEntry_fingerprint_key" ON "ErrorLogEntry"("fingerprint");

-- CreateIndex
CREATE INDEX "ErrorLogEntry_lastSeenAt_id_idx" ON "ErrorLogEntry"("lastSeenAt" DESC, "id" DESC);


