-- The role gunicorn and the workers connect as: it reads and writes the app's tables but
-- cannot rewrite history. Run as the role that owns the tables (the one that runs
-- `manage.py migrate`), after creating the login role once:
--   CREATE ROLE kyphoplan_app LOGIN PASSWORD '…';
-- and again after every migrate that adds tables (GRANT … ON ALL TABLES covers only
-- existing ones). tests/audit/test_postgres_role.py runs this very file.
GRANT USAGE ON SCHEMA public TO kyphoplan_app;
-- No TRUNCATE, REFERENCES or TRIGGER on anything: only row access.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO kyphoplan_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO kyphoplan_app;
-- The audit trail is append-only: the triggers refuse UPDATE and DELETE for everyone,
-- and this role may not even ask. TRUNCATE (which skips row triggers) was never granted.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent FROM kyphoplan_app;
