-- Version 2: dashboard aggregates kept up to date by ingest, so the overview
-- never scans findings. units.open_* = sums over the hosts directly in the
-- unit; unit_daily = the unit's open counts at the end of each day, and how
-- many reports it received that day.

ALTER TABLE units ADD COLUMN open_critical INTEGER NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN open_high INTEGER NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN open_total INTEGER NOT NULL DEFAULT 0;

UPDATE units SET
    open_critical = (SELECT COALESCE(SUM(h.open_critical), 0) FROM hosts h WHERE h.unit_id = units.id),
    open_high = (SELECT COALESCE(SUM(h.open_high), 0) FROM hosts h WHERE h.unit_id = units.id),
    open_total = (SELECT COALESCE(SUM(h.open_total), 0) FROM hosts h WHERE h.unit_id = units.id);

CREATE TABLE unit_daily (
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    day           TEXT NOT NULL,
    open_critical INTEGER NOT NULL,
    open_high     INTEGER NOT NULL,
    open_total    INTEGER NOT NULL,
    reports       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, day)
);
