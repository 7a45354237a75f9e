-- Find and sort (search over task titles and descriptions): trigram indexes (pg_trgm). The
-- extension ships with PostgreSQL (contrib, trusted since 13); the embedded database (PGlite)
-- loads its build of it (src/db/embedded.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- assignments(filter: { search }) and agenda(search:): title or description contains the text.
CREATE INDEX "Assignment_search_trgm_idx" ON "Assignment" USING GIN ("title" gin_trgm_ops, "description" gin_trgm_ops) WHERE "deletedAt" IS NULL;

-- lectures(filter: { search }) and agenda(search:): title or location contains the text.
CREATE INDEX "Lecture_search_trgm_idx" ON "Lecture" USING GIN ("title" gin_trgm_ops, "location" gin_trgm_ops) WHERE "deletedAt" IS NULL;

-- studySessions(filter: { search }) and agenda(search:): title or notes contains the text.
CREATE INDEX "StudySession_search_trgm_idx" ON "StudySession" USING GIN ("title" gin_trgm_ops, "notes" gin_trgm_ops) WHERE "deletedAt" IS NULL;
