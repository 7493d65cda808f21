for p in $(pgrep -f "scripts/start.ts"); do grep -qa "PORT=3911" /proc/$p/environ 2>/dev/null && kill $p; done
sleep 1
(DATABASE_PATH=/tmp/shots/db/x.db PORT=3911 nohup npx tsx scripts/start.ts --no-build > /tmp/shots/server.log 2>&1 &)
for i in $(seq 1 30); do curl -s -o /dev/null http://localhost:3911/healthz && break; sleep 0.5; done
