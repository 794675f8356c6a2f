// Command memest compares neardup's memory estimate (run --dry-run) with
// the peak resident memory a run measures, input by input:
//
//	go run ./benchmarks/memest [-runs 3] INPUT... [-- extra neardup run flags]
//
// For each INPUT it prints the estimated articles and peak, the measured
// articles and peak (the largest of -runs runs, from the kernel's rusage
// of the child) and their ratio; the target is within 25 %.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

func main() {
	runs := flag.Int("runs", 3, "runs per input; the peak is the largest")
	flag.Parse()
	var inputs, extra []string
	for i, a := range flag.Args() {
		if a == "--" {
			extra = flag.Args()[i+1:]
			break
		}
		inputs = append(inputs, a)
	}
	tmp, err := os.MkdirTemp("", "memest")
	check(err)
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "neardup")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/neardup").CombinedOutput(); err != nil {
		fail("building neardup: %v\n%s", err, out)
	}
	host, _ := os.Hostname()
	fmt.Printf("machine: %s, %d cores, %s; %s\n", host, runtime.NumCPU(), runtime.Version(), time.Now().UTC().Format("2006-01-02"))
	fmt.Printf("%-40s %12s %12s %12s %12s %7s\n", "input", "est. articles", "articles", "est. peak MB", "peak MB", "ratio")
	peakRe := regexp.MustCompile(`peak memory .*\((\d+) bytes\)`)
	artRe := regexp.MustCompile(`articles +([\d,]+)`)
	for _, in := range inputs {
		args := append([]string{"run", "--dry-run", "--max-memory", "0"}, extra...)
		dry, err := exec.Command(bin, append(args, in)...).Output()
		check(err)
		m := peakRe.FindSubmatch(dry)
		a := artRe.FindSubmatch(dry)
		if m == nil || a == nil {
			fail("%s: no estimate in:\n%s", in, dry)
		}
		est, _ := strconv.ParseInt(string(m[1]), 10, 64)
		var peak int64
		read := 0
		for range *runs {
			out := filepath.Join(tmp, "out")
			cmd := exec.Command(bin, append(append([]string{"run", "-q", "--max-memory", "0", "--out", out}, extra...), in)...)
			cmd.Stderr = os.Stderr
			if err := cmd.Run(); err != nil && cmd.ProcessState.ExitCode() != 3 {
				fail("%s: %v", in, err)
			}
			peak = max(peak, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss*1024)
			var sum struct{ Articles struct{ Read int } }
			b, err := os.ReadFile(filepath.Join(out, "summary.json"))
			check(err)
			check(json.Unmarshal(b, &sum))
			read = sum.Articles.Read
		}
		fmt.Printf("%-40s %12s %12d %12.1f %12.1f %7.2f\n", shorten(in), a[1], read, float64(est)/1e6, float64(peak)/1e6, float64(est)/float64(peak))
	}
}

func shorten(p string) string {
	if len(p) > 40 {
		return "…" + p[len(p)-39:]
	}
	return p
}

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "memest: "+format+"\n", args...)
	os.Exit(1)
}
