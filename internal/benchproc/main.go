// Command benchproc measures whole fwgen processes: wall time and peak
// memory (max RSS) of `fwgen new` for each built-in template and for
// synthetic templates, next to a baseline that only creates the same number
// of files, so that the disk's share of the time is visible.
//
//	go build -o build/fwgen ./cmd/fwgen && go run ./internal/benchproc -fwgen build/fwgen
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/fwgen/fwgen/internal/synth"
)

func main() {
	bin := flag.String("fwgen", "build/fwgen", "the fwgen binary to measure")
	runs := flag.Int("runs", 20, "runs per case (the median is reported)")
	dir := flag.String("dir", "", "scratch folder (default: a temporary one on the same disk as the build; a tmpfs such as /dev/shm/x separates fwgen's cost from the disk's)")
	flag.Parse()
	if err := run(*bin, *runs, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "benchproc:", err)
		os.Exit(1)
	}
}

type sample struct {
	wall   time.Duration
	maxRSS int64 // KiB
}

func run(bin string, runs int, scratch string) error {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	if scratch == "" {
		if scratch, err = os.MkdirTemp(filepath.Dir(bin), "benchproc-"); err != nil {
			return err
		}
		defer os.RemoveAll(scratch)
	}
	type bcase struct {
		name  string
		files int
		args  []string
	}
	cases := []bcase{
		{"flask (defaults)", 0, []string{"new", "p", "--no-input", "--framework", "flask"}},
		{"flask (api, postgres, docker, ci)", 0, []string{"new", "p", "--no-input", "--framework", "flask",
			"--set", "api=true", "--set", "database=postgres", "--set", "docker=true", "--set", "ci=true"}},
		{"django (defaults)", 0, []string{"new", "p", "--no-input", "--framework", "django"}},
	}
	for _, n := range []int{1000, 10000} {
		tdir := filepath.Join(scratch, fmt.Sprintf("synth%d", n))
		if err := synth.Template(tdir, n); err != nil {
			return err
		}
		cases = append(cases, bcase{fmt.Sprintf("synthetic %d files", n), n,
			[]string{"new", "p", "--no-input", "--template", tdir}})
	}
	fmt.Printf("%-36s %12s %12s %14s\n", "case", "median wall", "max RSS", "create-only")
	for _, c := range cases {
		n := runs
		if c.files >= 10000 {
			n = min(runs, 5)
		}
		var samples []sample
		for i := 0; i < n; i++ {
			out := filepath.Join(scratch, "out")
			if err := os.RemoveAll(out); err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			s, err := measure(bin, c.args, out)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			samples = append(samples, s)
		}
		baseline := ""
		if c.files > 0 {
			d, err := createOnly(filepath.Join(scratch, "base"), c.files)
			if err != nil {
				return err
			}
			baseline = d.Round(time.Millisecond).String()
		}
		med, rss := summarize(samples)
		fmt.Printf("%-36s %12s %9.1f MiB %14s\n", c.name, med.Round(100*time.Microsecond), float64(rss)/1024, baseline)
	}
	return nil
}

func measure(bin string, args []string, dir string) (sample, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%v: %s", err, out)
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var rss int64
	if ru != nil {
		rss = ru.Maxrss
	}
	return sample{wall: wall, maxRSS: rss}, nil
}

func summarize(s []sample) (time.Duration, int64) {
	walls := make([]time.Duration, len(s))
	var rss int64
	for i, x := range s {
		walls[i] = x.wall
		rss = max(rss, x.maxRSS)
	}
	slices.Sort(walls)
	return walls[len(walls)/2], rss
}

// createOnly writes n small files in folders of 100 with nothing else: the
// floor any generator pays on this disk.
func createOnly(dir string, n int) (time.Duration, error) {
	if err := os.RemoveAll(dir); err != nil {
		return 0, err
	}
	data := make([]byte, 150)
	start := time.Now()
	for i := 0; i < n; i++ {
		sub := filepath.Join(dir, fmt.Sprint(i/100))
		if i%100 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return 0, err
			}
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprint(i)), data, 0o644); err != nil {
			return 0, err
		}
	}
	return time.Since(start), os.RemoveAll(dir)
}
