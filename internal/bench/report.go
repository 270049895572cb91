package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/campusorg/portal/internal/scale"
)

// Machine describes where a run took place.
type Machine struct {
	CPU      string
	Cores    int
	MemoryGB float64
	Go       string
	Postgres string
	Load     string // the load average when the run began
}

// ThisMachine reads the processor, memory and load from /proc, and the server's
// version from the database at dsn.
func ThisMachine(ctx context.Context, dsn string) Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var kb float64
			if _, err := fmt.Sscanf(sc.Text(), "MemTotal: %f kB", &kb); err == nil {
				m.MemoryGB = kb / (1 << 20)
				break
			}
		}
		f.Close()
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.Load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	if conn, err := pgx.Connect(ctx, dsn); err == nil {
		_ = conn.QueryRow(ctx, `SHOW server_version`).Scan(&m.Postgres)
		conn.Close(ctx)
	}
	return m
}

// generatedAs labels DataSet's line on how the data set was made.
const generatedAs = "generated as"

// DataSet counts the rows of the large tables of the database at dsn.
func DataSet(ctx context.Context, dsn string) ([][2]string, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	var out [][2]string
	made, err := scale.Made(ctx, conn)
	if err != nil {
		return nil, err
	}
	if made != "" {
		out = append(out, [2]string{generatedAs, made})
	}
	for _, t := range []string{"orgs", "users", "applications", "projects", "review_assignments", "ledger_entries", "audit_events"} {
		var n int64
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, [2]string{t, groupDigits(n)})
	}
	return out, nil
}

func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func ms(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

// Markdown writes the run's results: machine, date, data set, the table and each
// target met or missed.
func (r *Result) Markdown(m Machine, data [][2]string) string {
	var b strings.Builder
	mode := ""
	if r.Config.Smoke {
		mode = " (smoke mode: phases of a moment, timings meaningless)"
	}
	fmt.Fprintf(&b, "Run of %s%s.\n\n", r.When.UTC().Format("2006-01-02 15:04 MST"), mode)
	fmt.Fprintf(&b, "- Machine: %s, %d cores, %.1f GB memory; load average %s at the start (the machine is shared).\n", m.CPU, m.Cores, m.MemoryGB, m.Load)
	fmt.Fprintf(&b, "- Software: %s, PostgreSQL %s.\n", m.Go, m.Postgres)
	fmt.Fprintf(&b, "- Server: %s.\n", r.Config.Server)
	fmt.Fprintf(&b, "- Phases: capacity with %d connections for %s (at most %d requests); latency open-loop for %s at 0.3 × the baseline's capacity (lowered to 0.7 × the request's own capacity where that is less, marked ↓).\n",
		r.Config.Conns, r.Config.Phase, r.Config.MaxRequests, r.Config.Phase)
	if len(data) > 0 && data[0][0] == generatedAs {
		fmt.Fprintf(&b, "- Data set: %s (`portal seed`).\n", data[0][1])
		data = data[1:]
	}
	if len(data) > 0 {
		var parts []string
		for _, d := range data {
			parts = append(parts, d[0]+" "+d[1])
		}
		fmt.Fprintf(&b, "- Data: %s.\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, "\n| Request | Capacity (req/s) | × baseline | Open-loop rate | p50 | p99 | Target | Result |\n")
	fmt.Fprintf(&b, "|---|---:|---:|---:|---:|---:|---|---|\n")
	for _, row := range r.Rows {
		if row.Missing != "" {
			fmt.Fprintf(&b, "| %s | not measured | | | | | %s | %s |\n", row.Label, targetText(row.Target), row.Missing)
			continue
		}
		rate := fmt.Sprintf("%.0f/s", row.Rate)
		if row.Capped {
			rate += " ↓"
		}
		ratio := fmt.Sprintf("%.2f", row.Ratio)
		if row.Key == "baseline" {
			ratio = "1"
		}
		fmt.Fprintf(&b, "| %s | %.0f | %s | %s | %s | %s | %s | %s |\n", row.Label, row.Capacity.RPS(), ratio, rate,
			ms(row.Latency.Quantile(0.5)), ms(row.Latency.Quantile(0.99)), targetText(row.Target), r.verdicts(row))
	}
	if r.BaselineAgain > 0 {
		fmt.Fprintf(&b, "\nThe baseline's capacity: %.0f req/s before the portal's requests, %.0f after; the ratios are to the higher (%.0f).\n",
			r.BaselineFirst, r.BaselineAgain, r.Baseline)
	}
	fmt.Fprintf(&b, "\nThe \"page 400\" request opens page %d of %d (%s applications match the filter).\n", r.Page, (r.ListRows+49)/50, groupDigits(int64(r.ListRows)))
	if p1, p400 := r.Row("list-1"), r.Row("list-400"); p1 != nil && p400 != nil && p1.Missing == "" && p400.Missing == "" {
		fmt.Fprintf(&b, "Page %d against page 1: capacity %.2f ×, p99 %.2f × — target no slower than 1.5 × page 1: %s.\n", r.Page,
			p400.Capacity.RPS()/p1.Capacity.RPS(), ratioOf(p400.Latency.Quantile(0.99), p1.Latency.Quantile(0.99)),
			verdict(p1.Capacity.RPS() <= 1.5*p400.Capacity.RPS()))
	}
	grow := int64(r.MemPeak) - int64(r.MemBefore)
	if r.MemUploads.Sent > 0 {
		fmt.Fprintf(&b, "\n20 concurrent 5 MB uploads: %s %d MB before, %d MB at the highest: **+%d MB** (target < 64 MB: %s); %d of 20 accepted, p50 %s, p99 %s.\n",
			r.Config.MemoryWhat, r.MemBefore>>20, r.MemPeak>>20, grow>>20, verdict(grow < 64<<20), r.MemUploads.OK,
			ms(r.MemUploads.Quantile(0.5)), ms(r.MemUploads.Quantile(0.99)))
	}
	if r.OverloadRate > 0 {
		o := r.Overload
		fmt.Fprintf(&b, "\nOverload: the portal's requests in turn (uploads excepted), open-loop at 1.5 × the baseline's capacity (%.0f/s) for %s: %d sent, %d answered as expected, **%d server errors** (target none: %s), %d transport errors or timeouts; p50 %s, p99 %s.\n",
			r.OverloadRate, r.Config.Phase, o.Sent, o.OK, o.Status5xx, verdict(o.Status5xx == 0), o.Errors, ms(o.Quantile(0.5)), ms(o.Quantile(0.99)))
	}
	if f := r.Failures(); len(f) > 0 {
		fmt.Fprintf(&b, "\nRequests that did not answer as expected:\n\n")
		for _, x := range f {
			fmt.Fprintf(&b, "- %s\n", x)
		}
	}
	return b.String()
}

func ratioOf(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func targetText(t Target) string {
	var parts []string
	if t.MinRatio > 0 {
		parts = append(parts, fmt.Sprintf("≥ %.2f ×", t.MinRatio))
	}
	if t.MaxP99 > 0 {
		parts = append(parts, "p99 ≤ "+ms(t.MaxP99))
	}
	if t.Note != "" {
		parts = append(parts, t.Note)
	}
	return strings.Join(parts, ", ")
}

func (r *Result) verdicts(row Row) string {
	var parts []string
	if row.Target.MinRatio > 0 {
		parts = append(parts, "capacity "+verdict(row.Ratio >= row.Target.MinRatio))
	}
	if row.Target.MaxP99 > 0 {
		parts = append(parts, "p99 "+verdict(row.Latency.Quantile(0.99) <= row.Target.MaxP99))
	}
	if row.Capacity.Status5xx+row.Latency.Status5xx > 0 {
		parts = append(parts, fmt.Sprintf("%d server errors", row.Capacity.Status5xx+row.Latency.Status5xx))
	}
	return strings.Join(parts, ", ")
}

// Begin and End mark the generated part of docs/benchmarks.md.
const (
	Begin = "<!-- portal bench: results begin -->"
	End   = "<!-- portal bench: results end -->"
)

// WriteInto puts text between the markers of the file at path (the rest of the
// file, the method, is kept), or writes a new file holding only the results.
func WriteInto(path, text string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	s := string(old)
	i, j := strings.Index(s, Begin), strings.Index(s, End)
	if i < 0 || j < i {
		s = "# Benchmarks\n\n" + Begin + "\n" + text + End + "\n"
	} else {
		s = s[:i+len(Begin)] + "\n" + text + s[j:]
	}
	return os.WriteFile(path, []byte(s), 0o644)
}
