-- The answers' version per assessment (issue 11, speed of the focus-area page). Every change to an
-- assessment's answers, to their evidence, or to the name or e-mail of a person who answered or
-- reviewed one raises it, by triggers, in the changing transaction. The page keeps the answers it
-- read with their version and reads them again only when the version has moved (one row to
-- compare instead of every answer; store/answers_cache.go). The version is the sum of n over an
-- assessment's rows: on PostgreSQL each connection writes its own slot, so that concurrent saves
-- never wait for one another on it; SQLite has one writer and uses slot 0. Derived data: neither
-- copied nor compared by backup, restore and the move between engines (store/checksum.go). (No
-- INSERT OR IGNORE here: inside a trigger, the firing statement's conflict rule would replace it.)
CREATE TABLE answer_versions (
	assessment_id INTEGER NOT NULL,
	slot INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (assessment_id, slot)
) WITHOUT ROWID;

CREATE TRIGGER answer_versions_insert AFTER INSERT ON answers BEGIN
	INSERT INTO answer_versions (assessment_id, slot, n) SELECT NEW.assessment_id, 0, 0
		WHERE NOT EXISTS (SELECT 1 FROM answer_versions WHERE assessment_id = NEW.assessment_id AND slot = 0);
	UPDATE answer_versions SET n = n + 1 WHERE assessment_id = NEW.assessment_id AND slot = 0;
END;

CREATE TRIGGER answer_versions_update AFTER UPDATE ON answers BEGIN
	INSERT INTO answer_versions (assessment_id, slot, n) SELECT NEW.assessment_id, 0, 0
		WHERE NOT EXISTS (SELECT 1 FROM answer_versions WHERE assessment_id = NEW.assessment_id AND slot = 0);
	UPDATE answer_versions SET n = n + 1 WHERE slot = 0 AND assessment_id IN (NEW.assessment_id, OLD.assessment_id);
END;

CREATE TRIGGER answer_versions_delete AFTER DELETE ON answers BEGIN
	INSERT INTO answer_versions (assessment_id, slot, n) SELECT OLD.assessment_id, 0, 0
		WHERE NOT EXISTS (SELECT 1 FROM answer_versions WHERE assessment_id = OLD.assessment_id AND slot = 0);
	UPDATE answer_versions SET n = n + 1 WHERE assessment_id = OLD.assessment_id AND slot = 0;
END;

CREATE TRIGGER answer_versions_evidence_insert AFTER INSERT ON evidence BEGIN
	INSERT INTO answer_versions (assessment_id, slot, n) SELECT DISTINCT a.assessment_id, 0, 0 FROM answers a WHERE a.id = NEW.answer_id
		AND NOT EXISTS (SELECT 1 FROM answer_versions v WHERE v.assessment_id = a.assessment_id AND v.slot = 0);
	UPDATE answer_versions SET n = n + 1 WHERE slot = 0 AND assessment_id IN (SELECT assessment_id FROM answers WHERE id = NEW.answer_id);
END;

CREATE TRIGGER answer_versions_evidence_update AFTER UPDATE ON evidence BEGIN
	INSERT INTO answer_versions (assessment_id, slot, n) SELECT DISTINCT a.assessment_id, 0, 0 FROM answers a WHERE a.id IN (NEW.answer_id, OLD.answer_id)
		AND NOT EXISTS (SELECT 1 FROM answer_versions v WHERE v.assessment_id = a.assessment_id AND v.slot = 0);
	UPDATE answer_versions SET n = n + 1 WHERE slot = 0 AND assessment_id IN (SELECT assessment_id FROM answers WHERE id IN (NEW.answer_id, OLD.answer_id));
END;

CREATE TRIGGER answer_versions_evidence_delete AFTER DELETE ON evidence BEGIN
	INSERT INTO answer_versions (assessment_id, slot, n) SELECT DISTINCT a.assessment_id, 0, 0 FROM answers a WHERE a.id = OLD.answer_id
		AND NOT EXISTS (SELECT 1 FROM answer_versions v WHERE v.assessment_id = a.assessment_id AND v.slot = 0);
	UPDATE answer_versions SET n = n + 1 WHERE slot = 0 AND assessment_id IN (SELECT assessment_id FROM answers WHERE id = OLD.answer_id);
END;

-- The pages show who answered and who reviewed by name (or e-mail).
CREATE TRIGGER answer_versions_people AFTER UPDATE OF name, email ON users
WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email BEGIN
	INSERT INTO answer_versions (assessment_id, slot, n)
		SELECT DISTINCT a.assessment_id, 0, 0 FROM answers a WHERE (a.answered_by = NEW.id OR a.reviewed_by = NEW.id)
		AND NOT EXISTS (SELECT 1 FROM answer_versions v WHERE v.assessment_id = a.assessment_id AND v.slot = 0);
	UPDATE answer_versions SET n = n + 1 WHERE slot = 0
		AND assessment_id IN (SELECT assessment_id FROM answers WHERE answered_by = NEW.id OR reviewed_by = NEW.id);
END;
