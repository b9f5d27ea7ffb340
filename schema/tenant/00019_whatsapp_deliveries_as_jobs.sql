-- +goose Up
-- A WhatsApp delivery is one row of the job queue from its 200 to the inbox: the job's payload is
-- the parsed delivery and its status the delivery's only status machine. Before, the raw body
-- waited in data_import_jobs and a second job row pointed at it. Deliveries acknowledged but not
-- yet processed when this runs move into the queue with their raw body (the processor parses
-- it), the jobs that pointed at them are cancelled, and the old rows stay as history.
UPDATE jobs SET status = 'cancelled', last_error = 'replaced by one job per delivery on upgrade',
       updated_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
 WHERE kind = 'whatsapp_process' AND status IN ('queued', 'running');

INSERT INTO jobs(kind, payload, max_attempts, run_at, created_at, updated_at)
SELECT 'whatsapp_process', json_object('envelope', CAST(body AS TEXT)), 8,
       CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), created_at,
       CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
  FROM data_import_jobs
 WHERE source = 'whatsapp' AND status IN ('pending', 'running')
 ORDER BY id;

UPDATE data_import_jobs SET status = 'completed', error = 'moved to the job queue on upgrade',
       finished_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
 WHERE source = 'whatsapp' AND status IN ('pending', 'running');

-- +goose Down
-- Nothing to undo: the moved deliveries are ordinary jobs.
SELECT 1;
