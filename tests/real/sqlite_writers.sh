# Several sqlite3 processes writing one database at once (run by
# tests/scripts/real_sqlite.sh with dash, under vmsim with the riscv64
# builds and natively with the host's). $SQLITE is the sqlite3 shell.
# Without working fcntl locks the writers overwrite each other's commits and
# rows vanish; the final table must be what a native run leaves.
db=t.db
"$SQLITE" $db 'CREATE TABLE t(w INTEGER, i INTEGER, PRIMARY KEY (w, i));' || exit 1
# One writer holds an exclusive transaction for a while; the others wait
# with a busy timeout (sqlite3 sleeps and retries on SQLITE_BUSY). Every
# process has one, so whoever comes first, every commit happens and the
# final table is the same in every interleaving.
"$SQLITE" -cmd '.timeout 20000' $db "BEGIN EXCLUSIVE; INSERT INTO t VALUES (0, 0);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000)
SELECT count(*) FROM c WHERE x % 7 = 0; COMMIT;" >excl.out &
for w in 1 2 3 4; do
    (
        sql=".timeout 20000"
        i=1
        while [ $i -le 25 ]; do
            sql="$sql
BEGIN IMMEDIATE; INSERT INTO t VALUES ($w, $i); UPDATE t SET i = i WHERE w = $w; COMMIT;"
            i=$((i + 1))
        done
        printf '%s\n' "$sql" | "$SQLITE" $db
        echo "writer $w: status $?"
    ) >w$w.out 2>&1 &
done
wait
for w in 1 2 3 4; do while read -r l; do echo "$l"; done <w$w.out; done
echo "exclusive: $(while read -r l; do echo "$l"; done <excl.out)"
"$SQLITE" $db 'SELECT count(*), sum(i), count(DISTINCT w) FROM t;
SELECT w, count(*), min(i), max(i) FROM t GROUP BY w ORDER BY w;
PRAGMA integrity_check;'
