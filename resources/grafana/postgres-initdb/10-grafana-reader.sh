#!/bin/bash
# Runs once, when the stack's PostgreSQL initialises its data volume (official image convention).
# Creates the read-only role Grafana's data source uses. Grafana lets every dashboard viewer send SQL
# through the data source, so it must not connect as the superuser.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -q \
  -v reader="$GRAFANA_READER_USER" -v password="$GRAFANA_READER_PASSWORD" -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"reader" LOGIN PASSWORD :'password';
GRANT pg_read_all_data TO :"reader";
GRANT CONNECT ON DATABASE :"db" TO :"reader";
ALTER ROLE :"reader" SET default_transaction_read_only = on;
ALTER ROLE :"reader" SET statement_timeout = '30s';
SQL
