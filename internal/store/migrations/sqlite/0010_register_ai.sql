-- AI in the register (issue 11.14): whether a system uses AI, for what, from which supplier, and
-- whether its data-processing agreement covers that use, checked on a date (Unix milliseconds).
ALTER TABLE systems ADD COLUMN ai_use TEXT NOT NULL DEFAULT ''; -- '', none, feature, purpose
ALTER TABLE systems ADD COLUMN ai_purpose TEXT NOT NULL DEFAULT '';
ALTER TABLE systems ADD COLUMN ai_supplier TEXT NOT NULL DEFAULT '';
ALTER TABLE systems ADD COLUMN ai_dpa_covered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE systems ADD COLUMN ai_checked INTEGER NOT NULL DEFAULT 0;
