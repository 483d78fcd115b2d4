#!/usr/bin/env bash
# Brings the whole suite up on this machine: installs missing Debian
# packages, builds (Release), starts a throwaway PostgreSQL 15 under
# deploy/local/run/, provisions one schema and one login role per service,
# starts every service, loads the demo data and prints where everything
# listens. Ctrl-C stops everything cleanly. A second run reuses the data.
#
#   deploy/local/up.sh            # build, start, keep existing data
#   deploy/local/up.sh --fresh    # wipe the run directory first
#   deploy/local/up.sh --no-build # skip the build step
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
run=${HPEDU_RUN_DIR:-$root/deploy/local/run}
build=${HPEDU_BUILD_DIR:-$root/build/release}
pg_port=${HPEDU_PG_PORT:-54329}
pg_bin=/usr/lib/postgresql/15/bin
fresh=0
do_build=1
for arg in "$@"; do
  case "$arg" in
    --fresh) fresh=1 ;;
    --no-build) do_build=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

# service name and gRPC port; a service is started if its binary was built.
services=(registry:50051 plans:50052 indicators:50053 staffing:50054 budget:50055)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# PostgreSQL refuses to run as root: run it as the postgres user then.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

"$root/deploy/local/deps.sh"

if [ "$do_build" -eq 1 ]; then
  say "Biên dịch / building (Release) in $build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j "$(nproc)" --target hpedu_deploy
fi
hpedu="$build/services/cli/hpedu"

if [ "$fresh" -eq 1 ] && [ -d "$run" ]; then
  say "Xóa dữ liệu cũ / removing $run"
  as_pg "$pg_bin/pg_ctl" -D "$run/pgdata" stop -m fast >/dev/null 2>&1 || true
  rm -rf "$run"
fi
mkdir -p "$run/logs" "$run/pg" "$run/demo"
chmod 700 "$run"
[ "$(id -u)" -eq 0 ] && chown postgres: "$run" "$run/pg" && chmod 711 "$run"

if [ ! -f "$run/pgdata/PG_VERSION" ]; then
  say "Khởi tạo PostgreSQL / initdb in $run/pgdata"
  mkdir -p "$run/pgdata"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$run/pgdata"
  as_pg "$pg_bin/initdb" -D "$run/pgdata" -U postgres -E UTF8 \
    --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >"$run/logs/initdb.log"
fi

say "Khởi động PostgreSQL / starting PostgreSQL on 127.0.0.1:$pg_port"
as_pg "$pg_bin/pg_ctl" -D "$run/pgdata" -l "$run/pg/postgresql.log" -w \
  -o "-p $pg_port -k $run/pg -c listen_addresses=127.0.0.1" start >/dev/null

pids=()
stop_all() {
  trap - INT TERM EXIT
  say "Dừng / stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  as_pg "$pg_bin/pg_ctl" -D "$run/pgdata" stop -m fast >/dev/null 2>&1 || true
  say "Đã dừng / stopped"
}
trap stop_all INT TERM EXIT

superuser="host=$run/pg port=$pg_port dbname=postgres user=postgres"
if ! psql "$superuser" -tAc "SELECT 1 FROM pg_database WHERE datname = 'hpedu'" | grep -q 1; then
  psql "$superuser" -qc "CREATE DATABASE hpedu"
fi

# Mutual TLS between everything: a local CA, a certificate per service and
# one for the hpedu command (deploy/local/make-certs.sh; kept with the data).
names=(hpedu-cli gateway)
for entry in "${services[@]}"; do names+=("${entry%%:*}"); done
"$root/deploy/local/make-certs.sh" "$run/pki" "${names[@]}"
export HPEDU_TLS_CA="$run/pki/ca.pem" HPEDU_TLS_CERT="$run/pki/hpedu-cli.pem" \
       HPEDU_TLS_KEY="$run/pki/hpedu-cli.key"

# People carry bearer tokens from the city's identity provider; locally, a
# key of our own stands in for it (`hpedu token` signs with it). Every
# service reads HPEDU_JWT_* and verifies tokens itself.
if [ ! -f "$run/pki/idp.key" ]; then
  (umask 077; openssl ecparam -name prime256v1 -genkey -noout |
     openssl pkcs8 -topk8 -nocrypt -out "$run/pki/idp.key")
  openssl pkey -in "$run/pki/idp.key" -pubout -out "$run/pki/idp.pub"
fi
export HPEDU_JWT_ISSUER="https://id.local.hpedu.vn" HPEDU_JWT_AUDIENCE=hpedu \
       HPEDU_JWT_KEYS="$run/pki/idp.pub" HPEDU_TOKEN_KEY="$run/pki/idp.key"

# Every built service's address, known before any starts: indicators calls
# staffing and budget, which start after it.
for entry in "${services[@]}"; do
  name=${entry%%:*}
  if [ -x "$build/services/$name/hpedu_$name" ]; then
    export "HPEDU_$(echo "$name" | tr a-z A-Z)_ADDR=127.0.0.1:${entry##*:}"
  fi
done

# Reminder emails go to a local mail catcher (Debian's python3-aiosmtpd),
# which keeps each in a Maildir: $run/mail/new/.
mail_port=${HPEDU_MAIL_PORT:-2525}
gateway_http=${HPEDU_GATEWAY_HTTP_PORT:-8080}
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$mail_port" \
  -c aiosmtpd.handlers.Mailbox "$run/mail" >>"$run/logs/mail.log" 2>&1 &
pids+=($!)
export HPEDU_PLANS_SMTP_URL="smtp://127.0.0.1:$mail_port" \
       HPEDU_PLANS_SMTP_FROM="nhacviec@sgddt.haiphong.gov.vn" \
       HPEDU_PLANS_DASHBOARD_URL="http://127.0.0.1:$gateway_http/"

printf '\n' >&2
for entry in "${services[@]}"; do
  name=${entry%%:*}; port=${entry##*:}
  binary="$build/services/$name/hpedu_$name"
  [ -x "$binary" ] || continue
  # One password per role, made on first run and kept with the data.
  secret="$run/secret-$name"
  [ -f "$secret" ] || (umask 077; openssl rand -hex 24 >"$secret")
  conninfo=$("$hpedu" db provision \
    --superuser="host=$run/pg port=$pg_port dbname=hpedu user=postgres" \
    --service="$name" --password="$(cat "$secret")" --host=127.0.0.1)
  # Prometheus metrics on 9451.. (50051 -> 9451, 50052 -> 9452, ...).
  metrics_port=$((port - 50051 + 9451))
  # The plans jobs wait for the demo data: a second replica runs them
  # (below), as a replica among several would.
  run_jobs=true
  [ "$name" = plans ] && run_jobs=false
  HPEDU_DB="$conninfo" "$binary" --listen="127.0.0.1:$port" --run_jobs=$run_jobs \
    --metrics_listen="127.0.0.1:$metrics_port" \
    --tls_cert="$run/pki/$name.pem" --tls_key="$run/pki/$name.key" \
    --tls_ca="$run/pki/ca.pem" >>"$run/logs/$name.log" 2>&1 &
  pids+=($!)
  (umask 077; echo "$conninfo" >"$run/conninfo-$name")
  export "HPEDU_$(echo "$name" | tr a-z A-Z)_ADDR=127.0.0.1:$port"
  for _ in $(seq 1 100); do
    if "$hpedu" health --addr="127.0.0.1:$port" --timeout=1s >/dev/null 2>&1; then break; fi
    kill -0 "${pids[-1]}" 2>/dev/null || { tail -20 "$run/logs/$name.log" >&2; exit 1; }
    sleep 0.2
  done
  say "$name: $("$hpedu" health --addr="127.0.0.1:$port") on 127.0.0.1:$port, metrics http://127.0.0.1:$metrics_port/metrics"
done

say "Nạp dữ liệu mẫu / loading demo data"
"$build/services/registry/hpedu_registry_demo" >"$run/demo/units.csv"
"$hpedu" import units "$run/demo/units.csv"

# Plans: the seed documents, the 38 tasks of the city's plan for 51/NQ-CP,
# the Sở's report deadlines, and generated progress (once: reports are
# history, a second run must not repeat them). The plans service got
# --registry_addr from HPEDU_REGISTRY_ADDR, exported above.
plans_demo="$build/services/plans/hpedu_plans_demo"
if [ -x "$build/services/plans/hpedu_plans" ] && [ -x "$plans_demo" ]; then
  "$plans_demo" documents >"$run/demo/plan_documents.csv"
  "$plans_demo" tasks >"$run/demo/plan_tasks_nq51.csv"
  "$plans_demo" deadlines >"$run/demo/plan_report_deadlines.csv"
  "$hpedu" import documents "$run/demo/plan_documents.csv"
  "$hpedu" import tasks "$run/demo/plan_tasks_nq51.csv" \
    --parent=documents/d-kh-ubnd-hp-nq51
  "$hpedu" import tasks "$run/demo/plan_report_deadlines.csv" \
    --parent=documents/d-kh-sgddt-2025-2026
  if [ ! -f "$run/demo/plans-progress.done" ]; then
    "$plans_demo" progress | while IFS= read -r report; do
      "$hpedu" call PlansService.CreateStatusReport "$report" >/dev/null
    done
    # The Sở's three deadlines as a report cycle every commune answers, and
    # the communes' reports: on time, late, or missing.
    "$hpedu" call PlansService.CreateReportCycle "$("$plans_demo" cycle)" >/dev/null
    "$plans_demo" reports <"$run/demo/units.csv" | while IFS= read -r report; do
      "$hpedu" call PlansService.SubmitReport "$report" >/dev/null
    done
    touch "$run/demo/plans-progress.done"
  fi
  # Where two units' reminders go: the local mail catcher takes any address.
  for pair in so-gddt:vanphong@sgddt.haiphong.gov.vn \
              phuong-do-son:vanthu@doson.haiphong.gov.vn; do
    "$hpedu" call PlansService.UpdateReminderSettings \
      "{\"reminderSettings\": {\"name\": \"units/${pair%%:*}/reminderSettings\", \"email\": \"${pair#*:}\"}, \"updateMask\": \"email\"}" >/dev/null
  done
fi

# Indicators: the Sở's 25 indicators and Resolution 71's targets, then
# generated values for every commune and school (streamed import; the
# loader is idempotent). The service got --registry_addr from
# HPEDU_REGISTRY_ADDR, exported above; the loader reads the same variables.
indicators_demo="$build/services/indicators/hpedu_indicators_demo"
if [ -x "$build/services/indicators/hpedu_indicators" ] && [ -x "$indicators_demo" ]; then
  "$indicators_demo"
fi

# Staffing: generated classes, rosters (one import per commune) and commune
# quotas for the registry's schools, staffed near the norms in force, a few
# communes deliberately short (idempotent). The service got --registry_addr
# from HPEDU_REGISTRY_ADDR, exported above.
staffing_demo="$build/services/staffing/hpedu_staffing_demo"
if [ -x "$build/services/staffing/hpedu_staffing" ] && [ -x "$staffing_demo" ]; then
  "$staffing_demo"
fi

# Budget: generated budgets of the city and every commune (2022-2026, every
# stage), school projects and their payments (idempotent loader). The
# service got --registry_addr and --staffing_addr (the allowance what-if's
# headcounts) from HPEDU_REGISTRY_ADDR and HPEDU_STAFFING_ADDR, exported
# above: staffing starts before budget.
budget_demo="$build/services/budget/hpedu_budget_demo"
if [ -x "$build/services/budget/hpedu_budget" ] && [ -x "$budget_demo" ]; then
  "$budget_demo"
fi

# Indicators 10-13 and the budget shares, computed by staffing and budget
# from the data just loaded: the indicators service asks them for the demo's
# school years and fiscal years (closed ones by override, as the loader).
if [ -x "$build/services/indicators/hpedu_indicators" ]; then
  for period in 2022-2023 2023-2024 2024-2025 2025-2026 2022 2023 2024 2025 2026; do
    "$hpedu" call IndicatorsService.RefreshComputedValues "{\"indicator\": \"indicators/-\", \"period\": \"$period\", \"overrideReason\": \"dữ liệu mẫu sinh tự động (generated demo data)\"}" >/dev/null
  done
fi

# With the demo data in, a second plans replica on the same database runs
# the scheduled jobs (mark-late, reminders): only one replica runs each.
if [ -f "$run/conninfo-plans" ]; then
  HPEDU_DB="$(cat "$run/conninfo-plans")" "$build/services/plans/hpedu_plans" \
    --listen=127.0.0.1:50062 --tls_cert="$run/pki/plans.pem" \
    --tls_key="$run/pki/plans.key" --tls_ca="$run/pki/ca.pem" \
    >>"$run/logs/plans-jobs.log" 2>&1 &
  pids+=($!)
  say "plans (jobs): replica on 127.0.0.1:50062 running the scheduled jobs"
fi

# The gateway (no database): city-wide views over gRPC on 50050, and over
# HTTP/JSON with the Sở's dashboard on 8080 (HPEDU_GATEWAY_HTTP_PORT),
# Prometheus metrics on 9450 (50050 -> 9450, like the services). It
# finds the services (registry, plans, indicators, staffing, budget) through
# HPEDU_<SERVICE>_ADDR, each exported above as its service started.
gateway_bin="$build/services/gateway/hpedu_gateway"
if [ -x "$gateway_bin" ]; then
  "$gateway_bin" --listen=127.0.0.1:50050 --http_listen="127.0.0.1:$gateway_http" \
    --metrics_listen=127.0.0.1:9450 \
    --tls_cert="$run/pki/gateway.pem" --tls_key="$run/pki/gateway.key" \
    --tls_ca="$run/pki/ca.pem" >>"$run/logs/gateway.log" 2>&1 &
  pids+=($!)
  export HPEDU_GATEWAY_ADDR=127.0.0.1:50050
  for _ in $(seq 1 100); do
    if "$hpedu" health --addr=127.0.0.1:50050 --timeout=1s >/dev/null 2>&1; then break; fi
    kill -0 "${pids[-1]}" 2>/dev/null || { tail -20 "$run/logs/gateway.log" >&2; exit 1; }
    sleep 0.2
  done
  say "gateway: $("$hpedu" health --addr=127.0.0.1:50050) on 127.0.0.1:50050, dashboard http://127.0.0.1:$gateway_http/, metrics http://127.0.0.1:9450/metrics"
fi

cat >&2 <<MSG

hpedu đang chạy / is running. Dữ liệu / data: $run (PostgreSQL 127.0.0.1:$pg_port)
  registry   127.0.0.1:50051   (gRPC, health, reflection)
  plans      127.0.0.1:50052   (documents, tasks, chasing list)
  indicators 127.0.0.1:50053   (indicators, targets, values, roll-ups)
  staffing   127.0.0.1:50054   (staff, movements, norms, shortage, training standard)
  budget     127.0.0.1:50055   (budgets by stage, 20%/5% compliance, projects)
  gateway    127.0.0.1:50050   (city-wide views, gRPC)
  dashboard  http://127.0.0.1:$gateway_http/   (bảng điều khiển của Sở; nhập số liệu #/nhap-lieu, duyệt #/duyet)
             API: /api/v1/<Method> (views), /api/<full service name>/<Method> (the services, as you), /api/openapi.json
             đăng nhập bằng mã / sign in with a token, one per person of the reporting loop:
               lãnh đạo Sở    $hpedu token --role=leadership --name="Lãnh đạo Sở"
               phòng QLCL     $hpedu token --role=division --unit=units/so-gddt-qlcl --name="Phòng Quản lý chất lượng"
               cán bộ phường  $hpedu token --role=commune_officer --unit=units/phuong-do-son --name="Cán bộ phường Đồ Sơn"
               cán bộ trường  $hpedu token --role=school_officer --unit=units/th-do-son --name="Cán bộ Trường Tiểu học Đồ Sơn"
  metrics    http://127.0.0.1:9451/metrics .. 9455 (Prometheus), gateway http://127.0.0.1:9450/metrics
  mail       smtp://127.0.0.1:$mail_port: thư nhắc việc / reminder emails in $run/mail/new/ (đặt nơi nhận / set where they go: #/nhac-viec)
  logs       $run/logs/ (PostgreSQL: $run/pg/postgresql.log)

Mọi kết nối dùng mTLS / every connection is mutual TLS. In another shell:
  export HPEDU_TLS_CA=$HPEDU_TLS_CA HPEDU_TLS_CERT=$HPEDU_TLS_CERT HPEDU_TLS_KEY=$HPEDU_TLS_KEY
  export HPEDU_TOKEN_KEY=$HPEDU_TOKEN_KEY HPEDU_JWT_ISSUER=$HPEDU_JWT_ISSUER HPEDU_JWT_AUDIENCE=hpedu
The CLI's certificate acts as a service (all rights). To act as a person:
  export HPEDU_TOKEN=\$($hpedu token --role=commune_officer --unit=units/phuong-do-son)

Thử / try:
  $hpedu list units --kind=WARD
  $hpedu list units --query="do son"
  $hpedu call RegistryService.ResolveUnit '{"query": "Quận Đồ Sơn"}'
  $hpedu call PlansService.GetChasingList '{"dueWithinDays": 14}'
  $hpedu call PlansService.GetCascadeCoverage '{"document": "documents/d-71-nq-tw"}'
  $hpedu call IndicatorsService.RollUp '{"indicator": "indicators/hp-18", "period": "2025-2026", "drillDown": true}'
  $hpedu call StaffingService.GetShortageView '{"schoolYear": "2025-2026", "limit": 10}'
  $hpedu call StaffingService.GetTrainingStandardShares '{"asOf": {"year": 2025, "month": 9, "day": 5}}'
  $hpedu call BudgetService.GetComplianceReport '{"firstYear": 2026, "stage": "ESTIMATE"}'
  $hpedu call BudgetService.EstimateAllowanceCost '{"fiscalYear": 2026, "orgUnit": "units/phuong-do-son", "groups": [{"label": "Giáo viên", "category": "TEACHER", "averageCoefficient": "4.32", "currentRatePercent": 35}, {"label": "Nhân viên", "category": "SCHOOL_STAFF", "averageCoefficient": "2.10"}]}'
  $hpedu call GatewayService.GetCityOverview '{"period": "2025-2026"}'
  curl -s 'http://127.0.0.1:$gateway_http/api/v1/RankCommunes?indicator=indicators/hp-16&period=2025-2026'
  $hpedu methods

Ctrl-C để dừng / to stop.
MSG
wait "${pids[@]}"
