-- Knowledge search speed (issue 15): PostgreSQL's knowledge_search, one row per language version
-- with its search vector and its post's columns (postgres/0025). SQLite has had its own since
-- 0021, read through the FTS5 rowid; nothing changes here. The number is kept in step.
SELECT 1;
