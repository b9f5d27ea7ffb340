-- +goose Up
-- Queued jobs by lane and kind (app/jobs: claim, claimMore). While a batch of a kind runs (WhatsApp
-- deliveries), a worker may still claim the lane's other kinds (an operator's reply to send); it
-- found them by walking the lane's queue in time order past every queued delivery, which after a
-- burst meant reading tens of thousands of rows on the tenant's one writer at every claim. Only
-- queued rows are in the index: a job stored done (a delivery processed as it was acknowledged)
-- costs it nothing.
CREATE INDEX jobs_queued_kind ON jobs(lane, kind, run_at) WHERE status = 'queued';

-- +goose Down
DROP INDEX jobs_queued_kind;
