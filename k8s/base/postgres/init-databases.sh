#!/bin/bash
# Runs once, on an empty data directory (docker-entrypoint-initdb.d of the official image).
# Database per service: each database is owned by its own login role. The names and
# passwords come from the services' Secrets through the environment, never from this file.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v order_user="$ORDER_SERVICE_DB_USER" -v order_password="$ORDER_SERVICE_DB_PASSWORD" \
  -v inventory_user="$INVENTORY_SERVICE_DB_USER" -v inventory_password="$INVENTORY_SERVICE_DB_PASSWORD" <<'SQL'
CREATE ROLE :"order_user" LOGIN PASSWORD :'order_password';
CREATE DATABASE orders OWNER :"order_user";
REVOKE ALL ON DATABASE orders FROM PUBLIC;

CREATE ROLE :"inventory_user" LOGIN PASSWORD :'inventory_password';
CREATE DATABASE inventory OWNER :"inventory_user";
REVOKE ALL ON DATABASE inventory FROM PUBLIC;
SQL
