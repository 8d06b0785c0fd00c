-- A CPU-bound Lua benchmark (bench/jit_bench.sh, tests/scripts/lua.sh):
-- what interpreter benchmarks do, in one run: calls and recursion, arrays,
-- sorting, strings, closures, coroutines, floating point and hash tables.
-- Every part prints a checksum, so any engine must print the same lines.
-- Nothing depends on the clock, on math.random (seeded at startup) or on
-- the order pairs() visits string keys (their hash seed changes per run).
--
-- Usage: lua bench.lua [SIZE]   (work grows linearly with SIZE; default 10)

local size = math.tointeger(tonumber(arg and arg[1] or 10))
assert(size and size > 0, "usage: lua bench.lua [SIZE]")

-- our own generator: 31-bit LCG, the same numbers everywhere
local seed = 42
local function rand(n)
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n
end

local function report(name, v)
    if math.type(v) == "float" then
        print(string.format("%-10s %.12e", name, v))
    else
        print(string.format("%-10s %d", name, v))
    end
end

-- calls and recursion
local function fib(n)
    if n < 2 then return n end
    return fib(n - 1) + fib(n - 2)
end
local function ack(m, n)
    if m == 0 then return n + 1 end
    if n == 0 then return ack(m - 1, 1) end
    return ack(m - 1, ack(m, n - 1))
end
do
    local s = 0
    for i = 1, size do s = s + fib(20 + i % 4) + ack(2, i % 50) end
    report("calls", s)
end

-- arrays: sieve of Eratosthenes
do
    local s = 0
    for r = 1, size do
        local n = 20000 + r * 97
        local comp = {}
        for i = 1, n do comp[i] = false end
        local count, last = 0, 0
        for i = 2, n do
            if not comp[i] then
                count, last = count + 1, i
                for j = i * i, n, i do comp[j] = true end
            end
        end
        s = s + count * 7 + last
    end
    report("sieve", s)
end

-- sorting: default order, a comparator, records by two keys
do
    local s = 0
    for r = 1, size do
        local a, recs = {}, {}
        for i = 1, 1000 do
            a[i] = rand(100000)
            recs[i] = { k = rand(50), v = i }
        end
        table.sort(a)
        local b = {}
        for i = 1, #a do b[i] = a[i] end
        table.sort(b, function(x, y) return x > y end)
        table.sort(recs, function(x, y)
            if x.k ~= y.k then return x.k < y.k end
            return x.v > y.v
        end)
        for i = 1, #a, 37 do s = s + a[i] * i - b[i] end
        for i = 1, #recs, 11 do s = s + recs[i].v * (recs[i].k + 1) end
        s = s % 1000000007
    end
    report("sort", s)
end

-- strings: formatting, concatenation, patterns, gsub, byte/char
do
    local h = 0
    local function hash(str)
        for i = 1, #str, 3 do h = (h * 31 + str:byte(i)) % 4294967296 end
    end
    for r = 1, size do
        local parts = {}
        for i = 1, 400 do
            parts[#parts + 1] = string.format("%d:%x:%5.2f;", i * r, i * 7919, i / 7)
        end
        local str = table.concat(parts)
        hash(str)
        local t = str:gsub("(%d+):(%x+)", function(a, b) return b .. "=" .. a end)
        hash(t)
        local n = 0
        for num in str:gmatch("%d+%.%d+") do n = n + #num end
        h = (h + n) % 4294967296
        local up = t:upper():gsub("[AEIOU]", "_")
        hash(up)
        local acc = ""
        for i = 1, 200 do acc = acc .. string.char(65 + (i * r) % 26) end
        hash(acc:rep(3):reverse())
        local a, b = str:find("(%d+):ff", 1)
        h = (h + (a or 0) + (b or 0)) % 4294967296
    end
    report("strings", h)
end

-- closures and higher-order functions
do
    local function counter(step)
        local c = 0
        return function() c = c + step; return c end
    end
    local function map(t, f)
        local out = {}
        for i = 1, #t do out[i] = f(t[i]) end
        return out
    end
    local function filter(t, f)
        local out = {}
        for i = 1, #t do if f(t[i]) then out[#out + 1] = t[i] end end
        return out
    end
    local function reduce(t, f, acc)
        for i = 1, #t do acc = f(acc, t[i]) end
        return acc
    end
    local s = 0
    for r = 1, size do
        local cs = {}
        for i = 1, 50 do cs[i] = counter(i) end
        local t = {}
        for i = 1, 9000 do t[i] = cs[i % 50 + 1]() end
        local m = map(t, function(x) return x * 3 + r end)
        local f = filter(m, function(x) return x % 7 ~= 0 end)
        s = (s + reduce(f, function(a, x) return (a + x) % 1000003 end, 0)) % 1000000007
    end
    report("closures", s)
end

-- coroutines: a generator pipeline
do
    local function gen(n)
        return coroutine.wrap(function()
            for i = 1, n do coroutine.yield(i) end
        end)
    end
    local function squares(src)
        return coroutine.wrap(function()
            for v in src do coroutine.yield(v * v) end
        end)
    end
    local s = 0
    for r = 1, size do
        for v in squares(gen(6000 + r)) do s = (s + v) % 1000000007 end
    end
    report("coroutines", s)
end

-- floating point: n-body (the benchmarks game's), then spectral norm
do
    local pi = 3.141592653589793
    local solar, dpy = 4 * pi * pi, 365.24
    local bodies = {
        { x = 0, y = 0, z = 0, vx = 0, vy = 0, vz = 0, mass = solar },
        { x = 4.84143144246472090e+00, y = -1.16032004402742839e+00, z = -1.03622044471123109e-01,
          vx = 1.66007664274403694e-03 * dpy, vy = 7.69901118419740425e-03 * dpy,
          vz = -6.90460016972063023e-05 * dpy, mass = 9.54791938424326609e-04 * solar },
        { x = 8.34336671824457987e+00, y = 4.12479856412430479e+00, z = -4.03523417114321381e-01,
          vx = -2.76742510726862411e-03 * dpy, vy = 4.99852801234917238e-03 * dpy,
          vz = 2.30417297573763929e-05 * dpy, mass = 2.85885980666130812e-04 * solar },
        { x = 1.28943695621391310e+01, y = -1.51111514016986312e+01, z = -2.23307578892655734e-01,
          vx = 2.96460137564761618e-03 * dpy, vy = 2.37847173959480950e-03 * dpy,
          vz = -2.96589568540237556e-05 * dpy, mass = 4.36624404335156298e-05 * solar },
        { x = 1.53796971148509165e+01, y = -2.59193146099879641e+01, z = 1.79258772950371181e-01,
          vx = 2.68067772490389322e-03 * dpy, vy = 1.62824170038242295e-03 * dpy,
          vz = -9.51592254519715870e-05 * dpy, mass = 5.15138902046611451e-05 * solar },
    }
    local nb = #bodies
    local function advance(dt)
        for i = 1, nb do
            local bi = bodies[i]
            local bix, biy, biz, bimass = bi.x, bi.y, bi.z, bi.mass
            local bivx, bivy, bivz = bi.vx, bi.vy, bi.vz
            for j = i + 1, nb do
                local bj = bodies[j]
                local dx, dy, dz = bix - bj.x, biy - bj.y, biz - bj.z
                local d2 = dx * dx + dy * dy + dz * dz
                local mag = dt / (d2 * math.sqrt(d2))
                local bm = bj.mass * mag
                bivx, bivy, bivz = bivx - dx * bm, bivy - dy * bm, bivz - dz * bm
                bm = bimass * mag
                bj.vx, bj.vy, bj.vz = bj.vx + dx * bm, bj.vy + dy * bm, bj.vz + dz * bm
            end
            bi.vx, bi.vy, bi.vz = bivx, bivy, bivz
            bi.x, bi.y, bi.z = bix + dt * bivx, biy + dt * bivy, biz + dt * bivz
        end
    end
    local function energy()
        local e = 0.0
        for i = 1, nb do
            local b = bodies[i]
            e = e + 0.5 * b.mass * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz)
            for j = i + 1, nb do
                local c = bodies[j]
                local dx, dy, dz = b.x - c.x, b.y - c.y, b.z - c.z
                e = e - b.mass * c.mass / math.sqrt(dx * dx + dy * dy + dz * dz)
            end
        end
        return e
    end
    local px, py, pz = 0.0, 0.0, 0.0
    for i = 1, nb do
        local b = bodies[i]
        px, py, pz = px + b.vx * b.mass, py + b.vy * b.mass, pz + b.vz * b.mass
    end
    bodies[1].vx, bodies[1].vy, bodies[1].vz = -px / solar, -py / solar, -pz / solar
    local e0 = energy()
    for _ = 1, size * 600 do advance(0.01) end
    report("nbody", e0 - energy())

    local function A(i, j)
        local ij = i + j - 1
        return 1.0 / (ij * (ij - 1) * 0.5 + i)
    end
    local function Av(x, y, n)
        for i = 1, n do
            local a = 0.0
            for j = 1, n do a = a + x[j] * A(i, j) end
            y[i] = a
        end
    end
    local function Atv(x, y, n)
        for i = 1, n do
            local a = 0.0
            for j = 1, n do a = a + x[j] * A(j, i) end
            y[i] = a
        end
    end
    local n = 80
    local u, v, t = {}, {}, {}
    for i = 1, n do u[i] = 1.0 end
    for _ = 1, size do
        Av(u, t, n); Atv(t, v, n)
        Av(v, t, n); Atv(t, u, n)
    end
    local vBv, vv = 0.0, 0.0
    for i = 1, n do
        local ui, vi = u[i], v[i]
        vBv, vv = vBv + ui * vi, vv + vi * vi
    end
    report("spectral", math.sqrt(vBv / vv))
end

-- hash tables: word counts (string keys), integer-keyed sparse tables,
-- deletion; sums do not depend on the visiting order
do
    local words = {}
    for i = 1, 500 do
        local w = {}
        for k = 1, 3 + i % 6 do w[k] = string.char(97 + rand(26)) end
        words[i] = table.concat(w)
    end
    local s = 0
    for r = 1, size do
        local count = {}
        for _ = 1, 6000 do
            local w = words[rand(#words) + 1]
            count[w] = (count[w] or 0) + 1
        end
        local distinct, sq = 0, 0
        for w, c in pairs(count) do distinct = distinct + 1; sq = sq + c * c * #w end
        local sparse = {}
        for i = 1, 4000 do sparse[(i * 7919 + r) % 100003] = i end
        for i = 1, 4000, 3 do sparse[(i * 7919 + r) % 100003] = nil end
        local left = 0
        for k, v in pairs(sparse) do left = left + k % 1000 + v end
        s = (s + distinct * 1000 + sq + left) % 1000000007
    end
    report("hash", s)
end
