-- AlterTable
ALTER TABLE "JobRun" ADD COLUMN     "scheduledFor" TIMESTAMP(3);

-- CreateIndex
CREATE UNIQUE INDEX "JobRun_job_tick_key" ON "JobRun"("job", "scheduledFor");
