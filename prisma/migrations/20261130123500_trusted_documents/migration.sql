-- Trusted documents: app versions, the operation documents they publish, and which version sends which;
-- deprecated usage per UTC day for schema:check's usage window.
-- CreateEnum
CREATE TYPE "AppVersionStatus" AS ENUM ('ACTIVE', 'RETIRED');

-- CreateTable
CREATE TABLE "DeprecatedFieldUsageDay" (
    "coordinate" TEXT NOT NULL,
    "clientName" TEXT NOT NULL,
    "clientVersion" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "deletionId" UUID,

    CONSTRAINT "DeprecatedFieldUsageDay_pkey" PRIMARY KEY ("coordinate","clientName","clientVersion","day")
);

-- CreateTable
CREATE TABLE "AppVersion" (
    "id" UUID NOT NULL,
    "client" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "status" "AppVersionStatus" NOT NULL DEFAULT 'ACTIVE',
    "retiredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "deletionId" UUID,

    CONSTRAINT "AppVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrustedDocument" (
    "hash" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "operationName" TEXT,
    "operationType" TEXT NOT NULL,
    "deprecatedCoordinates" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "deletionId" UUID,

    CONSTRAINT "TrustedDocument_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "AppVersionDocument" (
    "appVersionId" UUID NOT NULL,
    "documentHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "deletionId" UUID,

    CONSTRAINT "AppVersionDocument_pkey" PRIMARY KEY ("appVersionId","documentHash")
);

-- CreateIndex
CREATE INDEX "DeprecatedFieldUsageDay_day_idx" ON "DeprecatedFieldUsageDay"("day");

-- CreateIndex
CREATE UNIQUE INDEX "AppVersion_client_version_key" ON "AppVersion"("client", "version");

-- CreateIndex
CREATE INDEX "AppVersionDocument_documentHash_idx" ON "AppVersionDocument"("documentHash");

-- AddForeignKey
ALTER TABLE "AppVersionDocument" ADD CONSTRAINT "AppVersionDocument_appVersionId_fkey" FOREIGN KEY ("appVersionId") REFERENCES "AppVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppVersionDocument" ADD CONSTRAINT "AppVersionDocument_documentHash_fkey" FOREIGN KEY ("documentHash") REFERENCES "TrustedDocument"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;


