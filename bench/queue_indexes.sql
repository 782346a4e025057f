-- Statements for `bench/queue_million.py --try-sql bench/queue_indexes.sql`: run on the
-- generated million cases after the first measurement, then everything is measured again,
-- so that an index can be judged before it goes into a model's Meta.indexes.
--
-- The indexes first tried here (running and late deadlines, the covering index on
-- organization and received_at, the due-date order) are now in nghedan/cases/models.py
-- (migration cases/0004). A candidate still to judge: open cases of some organizations by
-- received_at (the queue filtered on "open", newest first).
CREATE INDEX case_open ON cases_case (organization_id, received_at) WHERE status IN ('received', 'classified', 'accepted', 'verifying');
