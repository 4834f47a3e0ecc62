-- Version 3: inspections (checklists per unit, evidence files), site hosts,
-- state-secret marks and device handovers.
--
-- A site host (hosts.kind = 'site') is the one pseudo-host per unit that
-- carries the unit's physical and process findings from inspections
-- (hostname = the unit's name, os_name ''). It is never counted as a host;
-- its findings live in the same lifecycle as the agents' findings.

ALTER TABLE hosts ADD COLUMN kind TEXT NOT NULL DEFAULT 'agent' CHECK (kind IN ('agent', 'site'));
ALTER TABLE hosts ADD COLUMN state_secret INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX hosts_site ON hosts(unit_id) WHERE kind = 'site';

-- The owner named by an inspection (the assignee stays a user).
ALTER TABLE findings ADD COLUMN owner TEXT;

CREATE TABLE inspections (
    id                 INTEGER PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    level              INTEGER NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('open', 'concluded')),
    document           TEXT NOT NULL,
    previous_id        INTEGER REFERENCES inspections(id),
    created_by         TEXT NOT NULL,
    created_by_user_id INTEGER,
    created_at         INTEGER NOT NULL,
    concluded_at       INTEGER
);

CREATE TABLE inspection_units (
    inspection_id INTEGER NOT NULL REFERENCES inspections(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    checklist     TEXT NOT NULL,
    version       INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    updated_by    TEXT NOT NULL,
    PRIMARY KEY (inspection_id, unit_id)
);
CREATE INDEX inspection_units_unit ON inspection_units(unit_id);

CREATE TABLE evidence (
    id            INTEGER PRIMARY KEY,
    inspection_id INTEGER NOT NULL REFERENCES inspections(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    item_id       TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    body          BLOB NOT NULL,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   INTEGER NOT NULL
);
CREATE INDEX evidence_checklist ON evidence(inspection_id, unit_id, id);

CREATE TABLE handovers (
    id               INTEGER PRIMARY KEY,
    host_id          INTEGER NOT NULL REFERENCES hosts(id),
    date             TEXT NOT NULL,
    reason           TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('open', 'closed', 'exception')),
    opened_by        TEXT NOT NULL,
    opened_at        INTEGER NOT NULL,
    closed_at        INTEGER,
    closed_report_id INTEGER,
    -- JSON of the last evaluation ('' before the first one).
    status           TEXT NOT NULL DEFAULT '',
    exception_by     TEXT,
    exception_reason TEXT
);
CREATE INDEX handovers_host_state ON handovers(host_id, state);
CREATE INDEX handovers_state ON handovers(state, id);
