-- Calendar feed (GET /calendar/<token>.ics): the hash of the secret token of each account's feed URL.
ALTER TABLE "User" ADD COLUMN "calendarFeedTokenHash" TEXT,
ADD COLUMN "calendarFeedCreatedAt" TIMESTAMP(3);

-- GET /calendar/<token>.ics: the account behind a feed token's hash.
CREATE UNIQUE INDEX "User_calendar_feed_token_key" ON "User"("calendarFeedTokenHash");
