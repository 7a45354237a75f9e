-- Devices that receive push notifications (docs/push.md), and per-device delivery of a PUSH row.
CREATE TYPE "DevicePlatform" AS ENUM ('IOS', 'ANDROID', 'WEB');

CREATE TABLE "Device" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "platform" "DevicePlatform" NOT NULL,
    "token" TEXT NOT NULL,
    "appVersion" TEXT,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "deletionId" UUID,

    CONSTRAINT "Device_pkey" PRIMARY KEY ("id")
);

-- registerDevice and unregisterDevice(token): the device of a token.
CREATE UNIQUE INDEX "Device_token_key" ON "Device"("token");

-- me { devices } and the deliver-notifications job: one user's devices, oldest first.
CREATE INDEX "Device_user_created_idx" ON "Device"("userId", "createdAt", "id");

ALTER TABLE "Device" ADD CONSTRAINT "Device_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The devices that accepted a PUSH row: a retry sends only to the others.
ALTER TABLE "Notification" ADD COLUMN "pushedDeviceIds" UUID[] DEFAULT ARRAY[]::UUID[];
