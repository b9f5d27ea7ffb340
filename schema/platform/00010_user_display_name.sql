-- +goose Up
-- The name a person goes by (app/platform): what a customer reads where a reply template says
-- {{agent}}, and what colleagues see as the assignee of a conversation, in its header and in
-- notifications. Empty means "not given": the login name is shown, as before this column.
-- Trimmed, at most 60 characters, no control characters (checked in the platform room).
ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT '' CHECK (length(display_name) <= 60);

-- +goose Down
ALTER TABLE users DROP COLUMN display_name;
