-- antoan platform schema, version 1: units, users, sessions, agents, hosts,
-- reports, findings with their history, waivers and the audit log.
-- Times are unix milliseconds (UTC); dates are 'YYYY-MM-DD' text; booleans 0/1.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES units(id),
    path        TEXT NOT NULL UNIQUE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    depth       INTEGER NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_phc         TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('inspector', 'unit-admin', 'viewer')),
    unit_id              INTEGER REFERENCES units(id),
    disabled             INTEGER NOT NULL DEFAULT 0,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires_at);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_attempts (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    client   TEXT NOT NULL,
    ok       INTEGER NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts(username, client, at);

CREATE TABLE enrollment_tokens (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked      INTEGER NOT NULL DEFAULT 0,
    used_count   INTEGER NOT NULL DEFAULT 0,
    created_by   TEXT NOT NULL
);
CREATE INDEX enrollment_tokens_unit ON enrollment_tokens(unit_id);

CREATE TABLE agents (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    token_id    INTEGER REFERENCES enrollment_tokens(id),
    hostname    TEXT NOT NULL,
    os          TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    enrolled_at INTEGER NOT NULL,
    revoked     INTEGER NOT NULL DEFAULT 0,
    last_seq    INTEGER NOT NULL DEFAULT 0,
    last_seen   INTEGER
);
CREATE INDEX agents_unit ON agents(unit_id);

CREATE TABLE hosts (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES units(id),
    agent_id       INTEGER UNIQUE REFERENCES agents(id),
    hostname       TEXT NOT NULL,
    os_name        TEXT NOT NULL,
    os_version     TEXT NOT NULL,
    os_eol         INTEGER NOT NULL DEFAULT 0,
    office_eol     INTEGER NOT NULL DEFAULT 0,
    last_report_id INTEGER,
    last_seen      INTEGER,
    score          INTEGER,
    open_critical  INTEGER NOT NULL DEFAULT 0,
    open_high      INTEGER NOT NULL DEFAULT 0,
    open_total     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX hosts_unit ON hosts(unit_id, hostname);

CREATE TABLE reports (
    id             INTEGER PRIMARY KEY,
    host_id        INTEGER NOT NULL REFERENCES hosts(id),
    agent_id       INTEGER NOT NULL REFERENCES agents(id),
    seq            INTEGER NOT NULL,
    payload_sha256 TEXT NOT NULL,
    generated_at   TEXT NOT NULL,
    sent_at        INTEGER NOT NULL,
    received_at    INTEGER NOT NULL,
    score          INTEGER,
    findings_open  INTEGER NOT NULL,
    encoding       TEXT NOT NULL,
    body           BLOB NOT NULL,
    UNIQUE (agent_id, seq)
);
CREATE INDEX reports_host ON reports(host_id, id);

CREATE TABLE findings (
    id             INTEGER PRIMARY KEY,
    host_id        INTEGER NOT NULL REFERENCES hosts(id),
    finding_key    TEXT NOT NULL,
    check_id       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    severity       INTEGER NOT NULL,
    subject        TEXT NOT NULL,
    title_vi       TEXT NOT NULL,
    title_en       TEXT NOT NULL,
    remediation_vi TEXT NOT NULL,
    remediation_en TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('new', 'open', 'fixed', 'reopened')),
    first_seen     INTEGER NOT NULL,
    last_seen      INTEGER NOT NULL,
    fixed_at       INTEGER,
    last_report_id INTEGER,
    -- The report that first showed it; its "new" history entry is derived from
    -- first_seen/first_report_id (no event row: a new host brings ~50 findings).
    first_report_id INTEGER,
    assignee_id    INTEGER REFERENCES users(id),
    due            TEXT,
    -- Fingerprint of what the report says (severity, check, kind, subject, texts):
    -- an unchanged open finding needs no row update of its own on ingest.
    fp             TEXT NOT NULL DEFAULT '',
    UNIQUE (host_id, finding_key)
);
CREATE INDEX findings_state_severity ON findings(state, severity, id);
CREATE INDEX findings_assignee ON findings(assignee_id);

CREATE TABLE finding_events (
    id         INTEGER PRIMARY KEY,
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    at         INTEGER NOT NULL,
    event      TEXT NOT NULL,
    actor      TEXT NOT NULL,
    detail     TEXT NOT NULL,
    report_id  INTEGER
);
CREATE INDEX finding_events_finding ON finding_events(finding_id, id);

CREATE TABLE waivers (
    id                 INTEGER PRIMARY KEY,
    finding_id         INTEGER NOT NULL REFERENCES findings(id),
    justification      TEXT NOT NULL,
    approver           TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    created_by_user_id INTEGER,
    created_at         INTEGER NOT NULL,
    expires_on         TEXT NOT NULL,
    revoked            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX waivers_finding ON waivers(finding_id, id);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    actor_user_id INTEGER,
    action        TEXT NOT NULL,
    object        TEXT NOT NULL,
    detail        TEXT NOT NULL,
    unit_path     TEXT
);
CREATE INDEX audit_log_unit ON audit_log(unit_path, id);
