-- Version 2: dashboard aggregates kept up to date by ingest, so the overview
-- never scans findings. units.open_* = sums over the hosts directly in the
-- unit; unit_daily = the unit's open counts at the end of each day, and how
-- many reports it received that day.

ALTER TABLE units ADD COLUMN open_critical BIGINT NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN open_high BIGINT NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN open_total BIGINT NOT NULL DEFAULT 0;

UPDATE units SET
    open_critical = (SELECT COALESCE(SUM(h.open_critical), 0) FROM hosts h WHERE h.unit_id = units.id),
    open_high = (SELECT COALESCE(SUM(h.open_high), 0) FROM hosts h WHERE h.unit_id = units.id),
    open_total = (SELECT COALESCE(SUM(h.open_total), 0) FROM hosts h WHERE h.unit_id = units.id);

CREATE TABLE unit_daily (
    unit_id       BIGINT NOT NULL REFERENCES units(id),
    day           TEXT NOT NULL,
    open_critical BIGINT NOT NULL,
    open_high     BIGINT NOT NULL,
    open_total    BIGINT NOT NULL,
    reports       BIGINT NOT NULL,
    PRIMARY KEY (unit_id, day)
);
