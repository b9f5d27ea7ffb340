-- +goose Up
-- A recommendation's kind and parameters (JSON, app/words.Rec): pages make its title and summary
-- from them in the viewer's language instead of showing text the assistant wrote in one language.
-- Rows from before keep words = '' and show their stored title and summary.
ALTER TABLE decision_recommendations ADD COLUMN words TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE decision_recommendations DROP COLUMN words;
