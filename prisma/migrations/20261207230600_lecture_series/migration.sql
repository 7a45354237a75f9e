-- Weekly timetables: a LectureSeries holds the rule; its occurrences are Lecture rows, one per day.
-- AlterTable
ALTER TABLE "Lecture" ADD COLUMN     "detached" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "occurrenceDate" DATE,
ADD COLUMN     "seriesId" UUID;

-- CreateTable
CREATE TABLE "LectureSeries" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "courseId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "location" TEXT,
    "recurrence" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "timezone" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "deletionId" UUID,

    CONSTRAINT "LectureSeries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LectureSeries_course_idx" ON "LectureSeries"("courseId");

-- CreateIndex
CREATE INDEX "LectureSeries_user_idx" ON "LectureSeries"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Lecture_series_day_key" ON "Lecture"("seriesId", "occurrenceDate");

-- AddForeignKey
ALTER TABLE "Lecture" ADD CONSTRAINT "Lecture_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "LectureSeries"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LectureSeries" ADD CONSTRAINT "LectureSeries_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LectureSeries" ADD CONSTRAINT "LectureSeries_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


