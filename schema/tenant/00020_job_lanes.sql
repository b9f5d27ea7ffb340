-- +goose Up
-- Job lanes (customer, assistant, housekeeping: 0, 1, 2). The lane is stored with each job at
-- enqueue, so a worker claims the oldest due job of a lane with one seek into jobs_lane_due, and
-- the runner's per-lane "next run_at" is three seeks. Existing jobs start in housekeeping; the
-- runner moves open jobs into their kinds' lanes when it first meets the tenant.
ALTER TABLE jobs ADD COLUMN lane INTEGER NOT NULL DEFAULT 2 CHECK (lane BETWEEN 0 AND 2);
CREATE INDEX jobs_lane_due ON jobs(status, lane, run_at);
DROP INDEX jobs_due;

-- +goose Down
CREATE INDEX jobs_due ON jobs(status, run_at);
DROP INDEX jobs_lane_due;
ALTER TABLE jobs DROP COLUMN lane;
