# SPDX-License-Identifier: MIT
# bench/table.awk - the table of make bench, from the raw results of
# bench/run.sh (one awk pass, not a process per cell): one markdown table,
# a row per measurement and scheduling mode, with pipec's value, each
# peer's, how many times better pipec is (> 1: pipec better; pipec / peer
# for rates, peer / pipec for times and sizes) and whether the row meets
# its target (docs/performance.md lists them).
#
# usage: awk -f bench/table.awk RAW
#
# RAW holds a "tag=meta NAME=VALUE..." line with run.sh's knobs (a space
# in a value written as a comma), "# TEXT" lines describing the run, and a
# line per program run: "tag=BENCH:COLUMN:CONFIG key=value...", COLUMN
# being pipec-MODE, go or rust.

{
	if ($0 ~ /^# /) {
		notes[++nnotes] = substr($0, 3)
		next
	}
	if ($1 !~ /^tag=/)
		next
	tag = substr($1, 5)
	for (i = 2; i <= NF; i++) {
		eq = index($i, "=")
		if (!eq)
			continue
		key = substr($i, 1, eq - 1)
		value = substr($i, eq + 1)
		if (tag == "meta") {
			gsub(/,/, " ", value)
			knob[key] = value
			continue
		}
		n = ++count[tag, key]
		val[tag, key, n] = value
	}
	if (tag ~ /^seed:/)
		seeds[++nseeds] = tag
}

# ---- values ---------------------------------------------------------

# The median of the KEY values of the runs tagged TAG, "-" if none.
function median(tag, key,    n, i, j, v, t) {
	n = count[tag, key]
	if (!n)
		return "-"
	for (i = 1; i <= n; i++)
		v[i] = val[tag, key, i] + 0
	for (i = 2; i <= n; i++)	# insertion sort: a few runs
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
# The value of a configuration run once, "-" if none.
function first(tag, key) {
	return count[tag, key] ? val[tag, key, 1] : "-"
}

# ---- formats --------------------------------------------------------

function human(x) {
	if (x == "-")
		return "-"
	x += 0 # a number, not the text read
	if (x >= 1e6)
		return sprintf("%.2fM", x / 1e6)
	if (x >= 1e3)
		return sprintf("%.1fk", x / 1e3)
	return sprintf("%.1f", x)
}
function fixed(digits, x) {
	return x == "-" ? "-" : sprintf("%." digits "f", x)
}
# How many times better pipec's value p is than the peer's q, for a
# measure where higher (HIGHER) or lower (LOWER) is better.
function better(dir, p, q) {
	if (p == "-" || q == "-" || p + 0 <= 0 || q + 0 <= 0)
		return "-"
	return sprintf("%.2f", dir == "HIGHER" ? p / q : q / p)
}

# ---- targets --------------------------------------------------------

# 1 if "x op y" holds, 0 if not, -1 if x or y is unknown ("-").
function holds(x, op, y) {
	if (x == "-" || y == "-")
		return -1
	x += 0; y += 0
	if (op == ">=") return x >= y
	if (op == "<=") return x <= y
	if (op == "<") return x < y
	return x == y
}
# Two conditions together: one false is false, else one unknown unknown.
function both(a, b) {
	return (a == 0 || b == 0) ? 0 : (a < 0 || b < 0) ? -1 : 1
}
function verdict(h) {
	return h < 0 ? "-" : h ? "met" : "missed"
}

# ---- the table ------------------------------------------------------

function row(bench, w, cap, mode, unit, p, g, tg, r, tr, target, met) {
	printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
	       bench, w, cap, mode, unit, p, g, tg, r, tr, target, met
}

# The R13 bound of the seed pipeline: its three channels' capacities,
# and one value held by each stage instance (gen, W squares, merge, sink).
function bound(cap, w) {
	return 3 * cap + w + 3
}

# The seed runs of column col at capacity cap against their bound:
# "worst/bound (W=w)", and ", N of M over" when any was over; the runs
# over are listed under the table.
function wasted_cell(col, cap,    i, t, x, b, n, over, worst, cell) {
	for (i = 1; i <= nseeds; i++) {
		split(seeds[i], t, ":")
		if (t[2] != col || t[4] != cap || !count[seeds[i], "wasted"])
			continue
		x = val[seeds[i], "wasted", 1] + 0
		b = bound(cap, t[3])
		if (!n || x / b > worst) {
			worst = x / b
			cell = x "/" b " (W=" t[3] ")"
		}
		if (x > b) {
			over++
			overs[++nover] = col ", seed W=" t[3] " CAP=" cap ": " \
			                 x " wasted, bound " b
		}
		n++
	}
	if (!n)
		return "-"
	overn[col, cap] = over + 0
	return over ? cell ", " over " of " n " over" : cell
}

# A chain value of column col at capacity cap (key hops_per_s or
# rss_per_stage_b, shown in KiB), marked when its run was cut or killed
# or (rust) ran another length.
function chain_value(col, cap, key,    v) {
	v = median("chain:" col ":" cap, key)
	return (v != "-" && key == "rss_per_stage_b") ? v / 1024 : v
}
function chain_cell(col, cap, key,    tag, v) {
	tag = "chain:" col ":" cap
	if (count[tag, "timeout"])
		return "killed at " first(tag, "timeout") " s"
	v = chain_value(col, cap, key)
	if (v == "-")
		return "-"
	v = key == "hops_per_s" ? human(v) : fixed(1, v)
	if (first(tag, "complete") == "0")
		v = v " (cut at " knob["CHAIN_LIMIT_S"] " s)"
	if (col == "rust" && knob["CHAIN_RUST_N"] != knob["CHAIN_N"])
		v = v " (N=" knob["CHAIN_RUST_N"] ")"
	return v
}

END {
	nm = split(knob["MODES"], modes, " ")
	nw = split(knob["WS"], ws, " ")
	nc = split(knob["CAPS"], caps, " ")
	np = split(knob["PING_CAPS"], pcaps, " ")
	nh = split(knob["CHAIN_CAPS"], hcaps, " ")
	nn = split(knob["COMPILE_NS"], ns, " ")
	tmode = knob["TARGET_MODE"]
	lw = knob["LAT_W"]; lc = knob["LAT_CAP"]

	print "## pipec benchmarks"
	print ""
	for (i = 1; i <= nnotes; i++)
		print "- " notes[i]
	printf "- seed: K = %s values (K_SLOW = %s at CAP 0 and 1 for Rust and pipec threads), " \
	       "median of %s runs; ping: N = %s messages (N_SLOW = %s), median " \
	       "of %s runs; cancel: %s runs in one process, K = %s, settle %s " \
	       "µs; chain: %s values, median of %s runs (pipec's other modes: " \
	       "one run), pipec's cut at %s s\n",
	       knob["K"], knob["K_SLOW"], knob["RUNS"], knob["N"], knob["N_SLOW"],
	       knob["RUNS"], knob["LAT_RUNS"], knob["LAT_K"],
	       knob["LAT_SETTLE_US"], knob["CHAIN_M"],
	       knob["CHAIN_RUNS"] == "" ? 1 : knob["CHAIN_RUNS"],
	       knob["CHAIN_LIMIT_S"]
	print ""
	print "× go, × rust: how many times better pipec is than that peer " \
	      "(> 1: pipec is better): pipec ÷ peer for rates, peer ÷ pipec " \
	      "for times and sizes, where lower is better. Targets are judged " \
	      "on the " tmode " rows (the R13 bound on every row); go and " \
	      "rust do not change with the mode."
	print ""
	row("benchmark", "W", "CAP", "mode", "unit", "pipec", "go", "× go",
	    "rust", "× rust", "target", "met")
	row("---", "---", "---", "---", "---", "---", "---", "---", "---",
	    "---", "---", "---")

	for (i = 1; i <= nw; i++)
		for (j = 1; j <= nc; j++) {
			cfg = ws[i] ":" caps[j]
			g = median("seed:go:" cfg, "thr_per_s")
			r = median("seed:rust:" cfg, "thr_per_s")
			for (m = 1; m <= nm; m++) {
				p = median("seed:pipec-" modes[m] ":" cfg, "thr_per_s")
				tg = better("HIGHER", p, g)
				tr = better("HIGHER", p, r)
				target = met = "-"
				if (modes[m] == tmode && (caps[j] == 64 || caps[j] == 1024)) {
					target = "≥ 2× go, ≥ 1.5× rust"
					met = verdict(both(holds(tg, ">=", 2), holds(tr, ">=", 1.5)))
				} else if (modes[m] == tmode && (caps[j] == 0 || caps[j] == 1)) {
					target = "≥ go"
					met = verdict(holds(tg, ">=", 1))
				}
				row("seed pipeline", ws[i], caps[j], modes[m], "values/s",
				    human(p), human(g), tg, human(r), tr, target, met)
			}
		}

	for (j = 1; j <= np; j++) {
		c = pcaps[j]
		g = median("ping:go:" c, "msgs_per_s")
		r = median("ping:rust:" c, "msgs_per_s")
		for (m = 1; m <= nm; m++) {
			p = median("ping:pipec-" modes[m] ":" c, "msgs_per_s")
			tg = better("HIGHER", p, g)
			tr = better("HIGHER", p, r)
			target = met = "-"
			if (modes[m] == tmode && c == "0") {
				target = "≥ go"
				met = verdict(holds(tg, ">=", 1))
			} else if (modes[m] == tmode && c == "1024") {
				target = "≥ rust"
				met = verdict(holds(tr, ">=", 1))
			}
			row("ping, one channel", "-", c, modes[m], "msgs/s", human(p),
			    human(g), tg, human(r), tr, target, met)
		}
	}

	split("send recv", positions, " ")
	split("p50 p99", stats, " ")
	for (i = 1; i <= 2; i++)
		for (j = 1; j <= 2; j++) {
			key = "cancel_us_" stats[j]
			name = "cancel " (i == 1 ? "(a), gen in send" : \
			                  "(b), stages in receive") ", " \
			       (j == 1 ? "median" : "p99")
			g = first("cancel:go:" positions[i], key)
			r = first("cancel:rust:" positions[i], key)
			for (m = 1; m <= nm; m++) {
				p = first("cancel:pipec-" modes[m] ":" positions[i], key)
				tg = better("LOWER", p, g)
				tr = better("LOWER", p, r)
				target = met = "-"
				if (modes[m] == tmode && j == 1) {
					target = "≤ go"
					met = verdict(holds(tg, ">=", 1))
				} else if (modes[m] == tmode) {
					target = "< 100 µs"
					met = verdict(holds(p, "<", 100))
				}
				row(name, lw, lc, modes[m], "µs", fixed(1, p), fixed(1, g),
				    tg, fixed(1, r), tr, target, met)
			}
		}

	wlist = knob["WS"]
	gsub(/ /, ",", wlist)
	for (j = 1; j <= nc; j++) {
		c = caps[j]
		if (c == "unbounded")
			continue
		g = wasted_cell("go", c)
		r = wasted_cell("rust", c)
		for (m = 1; m <= nm; m++) {
			col = "pipec-" modes[m]
			p = wasted_cell(col, c)
			row("wasted after the stop, seed runs (worst/bound)", wlist, c,
			    modes[m], "values", p, g, "-", r, "-", "≤ R13 bound",
			    verdict(p == "-" ? -1 : overn[col, c] == 0))
		}
	}
	b = bound(lc, lw)
	split("go rust", peers, " ")
	for (i = 1; i <= 2; i++) {
		x = first("cancel:" peers[i] ":send", "wasted_max")
		cell[peers[i]] = x == "-" ? "-" : x "/" b
		if (x != "-" && x + 0 > b)
			overs[++nover] = peers[i] ", cancel (a): up to " x \
			                 " wasted, bound " b
	}
	for (m = 1; m <= nm; m++) {
		col = "pipec-" modes[m]
		p = first("cancel:" col ":send", "wasted_max")
		if (p != "-" && p + 0 > b)
			overs[++nover] = col ", cancel (a): up to " p " wasted, bound " b
		row("wasted after the stop, cancel (a) (max/bound)", lw, lc,
		    modes[m], "values", p == "-" ? "-" : p "/" b, cell["go"], "-",
		    cell["rust"], "-", "≤ R13 bound", verdict(holds(p, "<=", b)))
	}

	name = "chain of " knob["CHAIN_N"] " stages"
	for (j = 1; j <= nh; j++) {
		c = hcaps[j]
		for (m = 1; m <= nm; m++) {
			col = "pipec-" modes[m]
			p = chain_value(col, c, "hops_per_s")
			tg = better("HIGHER", p, chain_value("go", c, "hops_per_s"))
			tr = better("HIGHER", p, chain_value("rust", c, "hops_per_s"))
			target = met = "-"
			if (modes[m] == tmode) {
				target = "≥ go"
				met = verdict(holds(tg, ">=", 1))
			}
			row(name ", hops", "-", c, modes[m], "hops/s",
			    chain_cell(col, c, "hops_per_s"),
			    chain_cell("go", c, "hops_per_s"), tg,
			    chain_cell("rust", c, "hops_per_s"), tr, target, met)
		}
		for (m = 1; m <= nm; m++) {
			col = "pipec-" modes[m]
			p = chain_value(col, c, "rss_per_stage_b")
			tg = better("LOWER", p, chain_value("go", c, "rss_per_stage_b"))
			tr = better("LOWER", p, chain_value("rust", c, "rss_per_stage_b"))
			target = met = "-"
			if (modes[m] == tmode) {
				target = "≤ 8 KiB"
				met = verdict(holds(p, "<=", 8))
			}
			row(name ", peak RSS per stage", "-", c, modes[m], "KiB",
			    chain_cell(col, c, "rss_per_stage_b"),
			    chain_cell("go", c, "rss_per_stage_b"), tg,
			    chain_cell("rust", c, "rss_per_stage_b"), tr, target, met)
		}
	}

	for (i = 1; i <= nn; i++) {
		n = ns[i]
		p = median("compile:pipec:" n, "secs")
		target = met = "-"
		if (n >= 10000) {
			target = "< 1 s"
			met = verdict(holds(p, "<", 1))
		}
		row("compile " n " stages: pipec", "-", "-", "-", "s", fixed(3, p),
		    "-", "-", "-", "-", target, met)
		x = first("compile:cc:" n, "skipped")
		p = x != "-" ? "skipped (" x "=0)" : \
		               fixed(2, first("compile:cc:" n, "secs"))
		row("compile " n " stages: cc -O2 of pipec's C", "-", "-", "-", "s",
		    p, "-", "-", "-", "-", "-", "-")
	}

	print ""
	if (nover) {
		print "Runs over the R13 bound:"
		print ""
		for (i = 1; i <= nover; i++)
			print "- " overs[i]
	} else {
		print "No run wasted more than the R13 bound."
	}
}
