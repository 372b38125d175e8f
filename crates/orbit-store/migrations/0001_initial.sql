-- orbit store, schema version 1: the scenario's timeline, actors, indicators, trade, energy,
-- sanctions and the sources they cite.
--
-- Applied in one transaction by `migrate()`, which then sets `PRAGMA user_version = 1`.
-- Dates are stored three ways: as written (`date`, e.g. `2004-07`), and as the first and
-- last day they may mean (`date_first`, `date_last`, `YYYY-MM-DD`, which sort as text).
-- Rows referring to other rows use the scenario's codes and ids, not SQLite row ids, so the
-- tables read well on their own.

CREATE TABLE scenario_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sources (
    id   INTEGER PRIMARY KEY,
    text TEXT UNIQUE NOT NULL
);

CREATE TABLE actors (
    code      TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    parent    TEXT REFERENCES actors (code) DEFERRABLE INITIALLY DEFERRED,
    note      TEXT,
    source_id INTEGER NOT NULL REFERENCES sources (id)
);

CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    date        TEXT NOT NULL,
    date_first  TEXT NOT NULL,
    date_last   TEXT NOT NULL,
    precision   TEXT NOT NULL CHECK (precision IN ('year', 'month', 'day')),
    end_date    TEXT,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL,
    quantity    REAL,
    unit        TEXT,
    key         INTEGER NOT NULL CHECK (key IN (0, 1)),
    note        TEXT,
    source_id   INTEGER NOT NULL REFERENCES sources (id),
    -- Description, note and source, case-folded by the loader (Unicode-aware, unlike
    -- SQLite's ASCII-only `LIKE`) and joined by newlines; what `search` matches against.
    search_text TEXT NOT NULL
);
CREATE INDEX events_date_first ON events (date_first);
CREATE INDEX events_kind ON events (kind);

CREATE TABLE event_actors (
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    actor_code TEXT NOT NULL REFERENCES actors (code),
    -- The actor's place in the event's list as written, so the order survives.
    position   INTEGER NOT NULL,
    PRIMARY KEY (event_id, actor_code)
);
CREATE INDEX event_actors_actor_code ON event_actors (actor_code);

CREATE TABLE indicators (
    id         INTEGER PRIMARY KEY,
    actor_code TEXT NOT NULL REFERENCES actors (code),
    name       TEXT NOT NULL,
    year_first INTEGER NOT NULL,
    year_last  INTEGER NOT NULL,
    value      REAL NOT NULL,
    unit       TEXT NOT NULL,
    signed     INTEGER NOT NULL CHECK (signed IN (0, 1)),
    estimate   INTEGER NOT NULL CHECK (estimate IN (0, 1)),
    note       TEXT,
    source_id  INTEGER NOT NULL REFERENCES sources (id)
);
CREATE INDEX indicators_actor_name ON indicators (actor_code, name);

CREATE TABLE trade (
    id        INTEGER PRIMARY KEY,
    reporter  TEXT NOT NULL REFERENCES actors (code),
    partner   TEXT NOT NULL REFERENCES actors (code),
    year      INTEGER NOT NULL,
    flow      TEXT NOT NULL,
    value_usd REAL,
    share     REAL,
    note      TEXT,
    source_id INTEGER NOT NULL REFERENCES sources (id)
);

CREATE TABLE energy (
    id                  INTEGER PRIMARY KEY,
    importer            TEXT NOT NULL REFERENCES actors (code),
    exporter            TEXT NOT NULL REFERENCES actors (code),
    commodity           TEXT NOT NULL,
    year                INTEGER NOT NULL,
    period              TEXT,
    price               REAL,
    reference_price     REAL,
    reference_source_id INTEGER REFERENCES sources (id),
    volume              REAL,
    note                TEXT,
    source_id           INTEGER NOT NULL REFERENCES sources (id)
);

CREATE TABLE sanctions (
    id          TEXT PRIMARY KEY,
    imposer     TEXT NOT NULL REFERENCES actors (code),
    target      TEXT NOT NULL REFERENCES actors (code),
    kind        TEXT NOT NULL,
    start       TEXT NOT NULL,
    start_first TEXT NOT NULL,
    end_date    TEXT,
    end_last    TEXT,
    individuals REAL,
    entities    REAL,
    description TEXT NOT NULL,
    event_id    TEXT REFERENCES events (id),
    note        TEXT,
    source_id   INTEGER NOT NULL REFERENCES sources (id)
);
