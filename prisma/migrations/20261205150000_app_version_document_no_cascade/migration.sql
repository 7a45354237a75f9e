-- Foreign keys never cascade (prisma/schema.prisma): an app version's document links are removed
-- by the application, like every other child row.
ALTER TABLE "AppVersionDocument" DROP CONSTRAINT "AppVersionDocument_appVersionId_fkey";
ALTER TABLE "AppVersionDocument" ADD CONSTRAINT "AppVersionDocument_appVersionId_fkey" FOREIGN KEY ("appVersionId") REFERENCES "AppVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
