-- Indexes tried by `bench/queue_million.py --try-sql bench/queue_indexes.sql` (on the generated
-- million cases, after the first measurement); proposed for cases/models.py in docs/benchmarks.md.
-- Running deadlines (met_on IS NULL, about 4 % of deadlines): the queue's due date, overdue and due-soon filters, the dashboard's overdue counts.
CREATE INDEX casedeadline_running ON cases_casedeadline (case_id, due_on) WHERE met_on IS NULL;
-- Deadlines met late: the dashboard's on-time rate.
CREATE INDEX casedeadline_late ON cases_casedeadline (case_id) WHERE met_on > due_on;
-- A period's cases of some organizations, with what the dashboard groups by, from the index alone.
CREATE INDEX case_org_received_cover ON cases_case (organization_id, received_at) INCLUDE (status, channel, category_id);
-- Open cases of some organizations.
CREATE INDEX case_open ON cases_case (organization_id, received_at) WHERE status IN ('received', 'classified', 'accepted', 'verifying');
