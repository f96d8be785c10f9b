-- The answers' version per assessment (issue 11, speed of the focus-area page). Every change to an
-- assessment's answers, to their evidence, or to the name or e-mail of a person who answered or
-- reviewed one raises it, by triggers, in the changing transaction. The page keeps the answers it
-- read with their version and reads them again only when the version has moved (one row to
-- compare instead of every answer; store/answers_cache.go). The version is the sum of n over an
-- assessment's rows, and each connection writes its own slot (its backend's number modulo 64):
-- concurrent saves to one assessment never wait for one another on it, and each commit still
-- raises the sum. Derived data: neither copied nor compared by backup, restore and the move
-- between engines (store/checksum.go).
CREATE TABLE answer_versions (
	assessment_id BIGINT NOT NULL,
	slot INTEGER NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (assessment_id, slot)
);

-- One statement's changed answers (the transition table "changed") raise their assessments.
CREATE FUNCTION answer_versions_answers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO answer_versions (assessment_id, slot, n)
		SELECT DISTINCT assessment_id, pg_backend_pid() % 64, 1 FROM changed ORDER BY 1
	ON CONFLICT (assessment_id, slot) DO UPDATE SET n = answer_versions.n + 1;
	RETURN NULL;
END $$;

CREATE TRIGGER answer_versions_insert AFTER INSERT ON answers
	REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION answer_versions_answers();
CREATE TRIGGER answer_versions_update AFTER UPDATE ON answers
	REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION answer_versions_answers();
CREATE TRIGGER answer_versions_delete AFTER DELETE ON answers
	REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION answer_versions_answers();

-- Changed evidence raises its answers' assessments.
CREATE FUNCTION answer_versions_evidence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO answer_versions (assessment_id, slot, n)
		SELECT DISTINCT a.assessment_id, pg_backend_pid() % 64, 1 FROM changed e JOIN answers a ON a.id = e.answer_id ORDER BY 1
	ON CONFLICT (assessment_id, slot) DO UPDATE SET n = answer_versions.n + 1;
	RETURN NULL;
END $$;

CREATE TRIGGER answer_versions_evidence_insert AFTER INSERT ON evidence
	REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION answer_versions_evidence();
CREATE TRIGGER answer_versions_evidence_update AFTER UPDATE ON evidence
	REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION answer_versions_evidence();
CREATE TRIGGER answer_versions_evidence_delete AFTER DELETE ON evidence
	REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION answer_versions_evidence();

-- The pages show who answered and who reviewed by name (or e-mail).
CREATE FUNCTION answer_versions_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO answer_versions (assessment_id, slot, n)
		SELECT DISTINCT assessment_id, pg_backend_pid() % 64, 1 FROM answers
		WHERE answered_by = NEW.id OR reviewed_by = NEW.id ORDER BY 1
	ON CONFLICT (assessment_id, slot) DO UPDATE SET n = answer_versions.n + 1;
	RETURN NULL;
END $$;

CREATE TRIGGER answer_versions_people AFTER UPDATE OF name, email ON users FOR EACH ROW
	WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
	EXECUTE FUNCTION answer_versions_people();
