-- Businesses as DayZero lists them: an updated_at, and a sort key for the name
-- (the application's case folding from now on; lower() for the rows already here).
ALTER TABLE businesses ADD COLUMN updated_at timestamptz;
ALTER TABLE businesses ADD COLUMN name_key text COLLATE "C";
UPDATE businesses SET updated_at = created_at, name_key = lower(name);
ALTER TABLE businesses ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE businesses ALTER COLUMN updated_at SET DEFAULT now();
ALTER TABLE businesses ALTER COLUMN name_key SET NOT NULL;
