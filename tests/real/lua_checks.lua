-- Lua 5.4 on its corners (run by tests/scripts/real_lua.sh under vmsim, under
-- qemu-riscv64 and natively; all must print the same bytes and end with
-- status 7). Only what is the same on every 64-bit Linux: no clock, no
-- addresses, no local time zone, no NaN printed (its sign is the CPU's),
-- no pairs() order of string keys. Reads "3 4.5" and a line from stdin.

local function show(...)
    local t = table.pack(...)
    for i = 1, t.n do t[i] = tostring(t[i]) end
    print(table.concat(t, " "))
end

print("-- numbers")
show(7 // 2, 7 / 2, -7 // 2, -7 % 3, 7 % -3, -7.5 % 2, 5.5 // 2, 2^10, 10 // 3.0)
show(math.maxinteger + 1 == math.mininteger, math.mininteger // -1, math.mininteger % -1)
show(math.maxinteger * 2, math.mininteger - 1, -math.mininteger, math.abs(math.mininteger))
show(1 / 0, -1 / 0, 1 // 0.0, -1 % math.huge, 0.0 == -0.0, -0.0, 0 / 0 ~= 0 / 0)
show(pcall(function() return 1 // 0 end))
show(pcall(function() return 1 % 0 end))
show(math.tointeger(2^53), math.tointeger(2^63), math.tointeger(3.5), math.tointeger("8"))
show(2^63 == math.maxinteger + 1.0, math.maxinteger + 0.0, math.ult(1, -1), 1 < -1)
show(1 << 63, 1 << 64, -1 >> 1, ~0, 0xF0 & 0x3C, 0xF0 | 0x0F, 0xF0 ~ 0xFF, 3 >> -1)
show(tonumber("0x10"), tonumber("  12  "), tonumber("1e2"), tonumber("z", 36), tonumber("0x1p4"),
     tonumber("9223372036854775808"), tonumber("0x7fffffffffffffff"), tonumber("1e"), tonumber(""))
show(3 == 3.0, math.type(3), math.type(3.0), math.type("3"), "10" + 5, "3.5" * 2, 10 .. 20)
show(math.floor(-3.5), math.ceil(-3.5), math.floor(2^62), math.fmod(-7, 3), math.fmod(7, -3.5),
     math.max(3, 7.5, -1), math.min(3, 7.5, -1), math.sqrt(2), math.abs(-2^63))
show(1e15, 1e16, 2^53, 2^53 + 1, 0.1 + 0.2, 100.0, -1e-310, 1e308 * 10, 123456789012)
print(string.format("%.12g %.12g %.12g %.12g", math.sin(1), math.exp(1), math.log(10), math.atan(1, 2)))
math.randomseed(42)
show(math.random(1, 100), math.random(1, 100), math.random(1000000), math.random(-5, 5))

print("-- string.format")
print(string.format("%d|%5d|%-5d|%05d|%+d|%i", 42, 42, 42, 42, 42, -7))
print(string.format("%x|%X|%#x|%o|%c%c|%%", 255, 255, 255, 8, 76, 117))
print(string.format("%.3f|%10.4f|%-10.2f|%e|%.0e|%E", 2.5, math.pi, -1 / 3, 12345.6789, 0.5, 1e-300))
print(string.format("%g|%g|%g|%g|%.3g|%#g", 1e-5, 123456789, 0.0001, 100000, 2 / 3, 1.0))
print(string.format("%a|%a|%A|%.3a", 1.0, -0.1, 255.5, math.pi))
print(string.format("%5.1f|%.1f|%.1f|%.2f|%.20f", -0.05, 0.25, 0.35, 1.005, 0.1))
print(string.format("%s|%10s|%-10s|%.3s|%10.4s|", "x", "right", "left", "abcdef", "abcdefgh"))
print(string.format("%q", "tab\tnl\nzero\0quote\"back\\ \200end"))
print(string.format("%q|%q|%q|%q", 1 / 3, math.mininteger, 2^63, 7))
show(pcall(string.format, "%d", 3.5))
show(string.format("%d", 3.0), string.format("%s %s", 1, 1.0), string.format("%.14g", 0.1))

print("-- strings and patterns")
local s = "The quick brown fox jumps over the lazy dog 123 times, 45.6%!"
show(s:find("quick"), s:find("o", 15), s:find("%d+"), s:find("(%a+) (%a+)$"), s:find(".", 1, true))
show(s:match("(%a+) fox"), s:match("(%d+)%.(%d+)"), s:match("()lazy()"), s:match("^The"), s:match("^the"))
show(s:gsub("o", "0"))
show(s:gsub("(%w+)", "<%1>", 3))
show(s:gsub("%f[%a]%a", string.upper))
show(("hello world from lua"):gsub("%w+", { hello = "HI", lua = 54 }))
show(("x = 1, y = 22, z = 333"):gsub("(%w+) = (%w+)", "%2 = %1"))
show(("f(a(b)c) g(d) (e"):match("%b()"), ("THE (quick) fox"):find("%f[%a]%a+%f[%A]"))
local words = {}
for k, v in ("a=1, bb=22, ccc=333"):gmatch("(%w+)=(%w+)") do words[#words + 1] = k .. ":" .. v end
show(table.concat(words, ";"), ("abc"):rep(3, "-"), ("abc"):reverse(), ("MiXeD"):lower(), #("x"):rep(100000))
show(("  trim me  "):match("^%s*(.-)%s*$") .. "|", ("a,b,,c"):gsub(",", ";"), ("%d"):gsub("%%", "%%%%"))
show(("hello"):byte(1, -1))
show(string.char(72, 105), ("abc"):sub(2), ("abc"):sub(-2, -2), ("abc"):sub(5), ("abc"):upper())
show(pcall(string.rep, "x", -1), pcall(string.find, "a", "[a"))
show(string.pack(">i4", 100):byte(1, -1))
show(string.unpack("<i2 >i2 z s1", "\1\0\0\1hi\0\3abc"))
show(#string.pack("d n j", 1.5, 2.5, 3), string.unpack("d", string.pack("d", -0.1)), string.packsize("i4 i8 !8 d"))
local buf = {}
for i = 1, 3000 do buf[#buf + 1] = string.format("%04d", i * 37 % 10000) end
local big = table.concat(buf, ",")
local n, sum = 0, 0
for d in big:gmatch("%d+") do n, sum = n + 1, sum + tonumber(d) end
show(#big, n, sum, big:sub(1, 20), select(2, big:gsub("0", "")))

print("-- tables")
local t = { 5, 2, 8, 1, 9, 3 }
table.sort(t)
show(table.concat(t, ","))
table.sort(t, function(a, b) return a > b end)
show(table.concat(t, ","))
local people = {}
for i = 1, 200 do people[i] = { name = "p" .. (i * 7 % 200), age = i * 13 % 50 } end
table.sort(people, function(a, b)
    if a.age ~= b.age then return a.age < b.age end
    return a.name < b.name
end)
show(people[1].name, people[1].age, people[100].name, people[100].age, people[200].name, people[200].age)
show(pcall(table.sort, { 3, 1, 2, "x" }))
table.insert(t, 1, 100); table.insert(t, 200)
show(table.concat(t, ","), table.remove(t), table.remove(t, 1), #t)
show(table.unpack({ 1, 2, 3 }, 2), select("#", table.unpack({}, 1, 3)), select(-1, "a", "b"))
show(table.concat(table.move({ 1, 2, 3, 4, 5 }, 2, 4, 1), ","), #{ n = 1 }, next({}))
local keys, kt = {}, { banana = 1, apple = 2, cherry = 3, [1] = "one", [2.5] = "f" }
for k in pairs(kt) do keys[#keys + 1] = tostring(k) end
table.sort(keys)
show(table.concat(keys, " "), rawlen({ 1, 2 }), rawequal(kt, kt), rawget(kt, "apple"))

print("-- metatables and closures")
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({ x = a.x + b.x, y = a.y + b.y }, V) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__tostring = function(a) return "(" .. a.x .. "," .. a.y .. ")" end
V.__len = function() return 2 end
V.__call = function(self, k) return self.x * k end
V.__concat = function(a, b) return tostring(a) .. "&" .. tostring(b) end
V.__unm = function(a) return setmetatable({ x = -a.x, y = -a.y }, V) end
local function vec(x, y) return setmetatable({ x = x, y = y }, V) end
local a, b = vec(1, 2), vec(3, 4)
show(a + b, a == vec(1, 2), a < b, b <= a, #a, a(10), a .. b, -a)
local log = {}
local proxy = setmetatable({}, {
    __index = function(_, k) return k .. "?" end,
    __newindex = function(_, k, v) log[#log + 1] = k .. "=" .. tostring(v) end,
})
proxy.a = 1; proxy.b = nil
show(proxy.zz, table.concat(log, ","), rawget(proxy, "a"))
local function counter()
    local c = 0
    return function() c = c + 1; return c end, function() return c end
end
local inc, get = counter()
inc(); inc(); inc()
show(get())
local fs = {}
for i = 1, 3 do fs[i] = function() return i * 10 end end
show(fs[1](), fs[2](), fs[3]())
do
    local order = {}
    do
        local x <close> = setmetatable({}, { __close = function(_, e) order[#order + 1] = "x:" .. tostring(e) end })
        local y <close> = setmetatable({}, { __close = function() order[#order + 1] = "y" end })
    end
    pcall(function()
        local z <close> = setmetatable({}, { __close = function(_, e) order[#order + 1] = "z:" .. tostring(e):match("boom") end })
        error("boom")
    end)
    show(table.concat(order, ","))
end
local gced = 0
setmetatable({}, { __gc = function() gced = gced + 1 end })
collectgarbage(); collectgarbage()
show(gced, getmetatable("x").__index == string)
local function va(...) return select("#", ...), ... end
show(va(), va(nil, nil), va(1, nil, 3))
do
    local i, out = 1, {}
    ::top::
    if i <= 3 then out[#out + 1] = i; i = i + 1; goto top end
    show(table.concat(out))
end
local f = load("local a, b = ... return a * b + 1")
show(f(6, 7), load("syntax error here"), load(string.dump(f))(2, 3))
show(pcall(load, "return 1", "=chunk", "b"))

print("-- errors")
show(pcall(error, "msg"))
show(pcall(error, "msg", 0))
show(select(2, pcall(error, { code = 42 })).code)
show(select(2, pcall(error, setmetatable({}, { __tostring = function() return "custom" end }))))
show(pcall(function() local x = nil; return x.field end))
show(pcall(function() return {} < {} end))
show(pcall(function() return #5 end))
show(pcall(function() return "a" + 1 end))
show(pcall(function() return math.maxinteger < "x" end))
show(xpcall(function() error("deep") end, function(m) return "handled: " .. m end))
show(xpcall(function(a, b) return a + b end, print, 2, 3))
local function lvl() error("level two", 2) end
show(pcall(function() lvl() end))
local ok, e = pcall(function() local function r() return 1 + r() end return r() end)
show(ok, e)
show(pcall(setmetatable, 1, {}))
show(select("#", pcall(error)))
show(pcall(string.rep))
show(tostring(nil), tostring(true), type(print), type(nil), type({}), type(2), type("s"))

print("-- coroutines")
local co = coroutine.create(function(x, y)
    local z = coroutine.yield(x + y)
    local p, q = coroutine.yield(z * 2)
    error("inside " .. tostring(p + q))
end)
show(coroutine.resume(co, 1, 2))
show(coroutine.status(co), coroutine.resume(co, 10))
show(coroutine.resume(co, 3, 4))
show(coroutine.status(co), coroutine.resume(co))
local function permgen(arr, k)
    k = k or #arr
    if k <= 1 then coroutine.yield(arr) end
    for i = 1, k do
        arr[k], arr[i] = arr[i], arr[k]
        permgen(arr, k - 1)
        arr[k], arr[i] = arr[i], arr[k]
    end
end
local perms = {}
for p in coroutine.wrap(function() permgen({ "a", "b", "c", "d" }) end) do perms[#perms + 1] = table.concat(p) end
show(#perms, perms[1], perms[7], perms[24])
local acrossp = coroutine.wrap(function()
    local ok2, v = pcall(function()
        local got = coroutine.yield("in pcall")
        error("after " .. got)
    end)
    coroutine.yield(tostring(ok2) .. " " .. v)
    return "done"
end)
show(acrossp(), acrossp("resume"), acrossp())
show(pcall(acrossp))
show(coroutine.isyieldable(), type(coroutine.running()), select(2, coroutine.running()))
local closed = {}
local cc = coroutine.create(function()
    local r <close> = setmetatable({}, { __close = function() closed[#closed + 1] = "closed" end })
    coroutine.yield(1)
end)
coroutine.resume(cc)
show(coroutine.close(cc), coroutine.status(cc), table.concat(closed))
local depth = coroutine.wrap(function()
    local function down(n) if n == 0 then coroutine.yield("bottom") return 0 end return 1 + down(n - 1) end
    coroutine.yield(down(5000))
end)
show(depth(), depth())

print("-- utf8")
local u = utf8.char(72, 228, 8364, 128512, 0x7FF, 0x10FFFF)
show(#u, utf8.len(u), utf8.codepoint(u, 1, -1))
local cps = {}
for p, c in utf8.codes(u) do cps[#cps + 1] = p .. ":" .. c end
show(table.concat(cps, " "), utf8.offset(u, 3), utf8.offset(u, -1), utf8.offset(u, 0, 4))
show(utf8.len("abc\xE4def"))
show(utf8.len("\xF4\x90\x80\x80"))
show(utf8.len("\xF4\x90\x80\x80", 1, -1, true))
show(pcall(utf8.codepoint, "\xff"), utf8.charpattern, #utf8.char(0x7FFFFFFF))
local cnt = 0
for _ in ("héllo wörld €"):gmatch(utf8.charpattern) do cnt = cnt + 1 end
show(cnt, ("héllo"):upper())

print("-- io and os")
local name = "lua_checks.tmp"
local fh = assert(io.open(name, "w"))
show(io.type(fh), fh:write("line one\n", 42, " ", 3.5, " 0x1F\n", "no newline at end") == fh)
show(fh:seek("cur"), fh:seek("set", 0), fh:seek("end"))
fh:close()
show(io.type(fh), pcall(fh.write, fh, "x"))
for l in io.lines(name) do print("[" .. l .. "]") end
for l in io.lines(name, "L") do io.write("{", l, "}") end
print()
fh = assert(io.open(name, "r"))
show(fh:read("l"))
show(fh:read("n", "n", "n"))
show(fh:read("l"), fh:read("n"), fh:read(1))
show(fh:seek("set", 5), fh:read(3), fh:read(0), fh:seek("cur"))
show(#fh:read("a"), fh:read("a"), fh:read("l"), fh:read(0))
fh:close()
fh = assert(io.open(name, "a+"))
fh:write("\nappended ", string.rep("z", 5000))
fh:seek("set")
local all = fh:read("a")
fh:close()
show(#all, all:sub(-12), select(2, all:gsub("\n", "")))
fh = assert(io.open(name, "wb"))
fh:setvbuf("full", 1024)
for i = 1, 20000 do fh:write(i, "\n") end
fh:close()
local total, lines = 0, 0
for v in io.lines(name, "n") do total, lines = total + v, lines + 1 end
show(total, lines)
show(os.rename(name, name .. "2"), io.open(name), select("#", io.open(name)))
show(os.remove(name .. "2"), os.remove(name .. "2"))
show(io.open("no/such/dir/file", "w"))
show(pcall(io.open, name, "rz"))
show(os.date("!%Y-%m-%d %H:%M:%S %j %a %b", 86400 * 365 * 30 + 12345))
show(os.date("!*t", 0).year, os.time({ year = 2000, month = 1, day = 1, hour = 0 }) ~= nil)
show(io.read("n", "n"))
show(io.read("l"), io.read("L"), io.read("l"), #io.read("a"))
io.stdout:write("via io.stdout ", 1, " ", 2.0, "\n")
io.stderr:write("to stderr\n")
os.exit(7)
