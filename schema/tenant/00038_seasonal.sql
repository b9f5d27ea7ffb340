-- +goose Up
-- The seasonal calendar (app/seasonal, guide 46-seasonal-calendar.md): the dates a business
-- prepares for (Valentine's Day, Mother's Day, the religious holidays, the start of the building
-- season). A campaign's date is a rule: a fixed day of the year ('fixed': month and day; 29
-- February falls on the 28th in other years), a weekday of a month ('nth_weekday': the nth
-- weekday, nth -1 = the last; Turkey's Mother's Day is the second Sunday of May), or a list of
-- dates ('dates': the lunar holidays, given as data for the coming years). lead_days is how long
-- before the date the business starts preparing; uplift_pct the demand it expects in the seven
-- days up to and including the date, against a usual week (the forecast applies it). preset is
-- the key of the preset it was added from ('' for the owner's own). Times are Unix ms (UTC).
CREATE TABLE seasonal_campaigns (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    rule       TEXT NOT NULL CHECK (rule IN ('fixed','nth_weekday','dates')),
    month      INTEGER NOT NULL DEFAULT 0 CHECK (month BETWEEN 0 AND 12),
    day        INTEGER NOT NULL DEFAULT 0 CHECK (day BETWEEN 0 AND 31),
    weekday    INTEGER NOT NULL DEFAULT 0 CHECK (weekday BETWEEN 0 AND 6), -- 0 Sunday … 6 Saturday
    nth        INTEGER NOT NULL DEFAULT 0 CHECK (nth BETWEEN -1 AND 5),
    dates      TEXT NOT NULL DEFAULT '' CHECK (length(dates) <= 2000),      -- 'YYYY-MM-DD,YYYY-MM-DD,…', sorted
    lead_days  INTEGER NOT NULL CHECK (lead_days BETWEEN 0 AND 120),
    uplift_pct INTEGER NOT NULL CHECK (uplift_pct BETWEEN -100 AND 1000),
    notes      TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
    preset     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((rule = 'fixed' AND month >= 1 AND day >= 1) OR (rule = 'nth_weekday' AND month >= 1 AND nth <> 0) OR (rule = 'dates' AND dates <> ''))
);
CREATE UNIQUE INDEX seasonal_campaigns_preset ON seasonal_campaigns(preset) WHERE preset <> '';

-- The recommendations the seasonal job raised: one per campaign and year of its date (the
-- occurrence a lead time belongs to: New Year 2028's lead time starts in December 2027 and is
-- year 2028). The primary key keeps it once, whatever runs the job again.
CREATE TABLE seasonal_raised (
    campaign_id       INTEGER NOT NULL REFERENCES seasonal_campaigns(id) ON DELETE CASCADE,
    year              INTEGER NOT NULL,
    occurs_on         TEXT NOT NULL,  -- YYYY-MM-DD
    recommendation_id INTEGER REFERENCES decision_recommendations(id),
    raised_at         INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, year)
);

-- +goose Down
DROP TABLE seasonal_raised;
DROP TABLE seasonal_campaigns;
