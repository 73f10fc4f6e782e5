// Command benchproc measures whole fwgen processes against what the machine
// can do at best, side by side: `fwgen version` against a Go hello-world
// built the same way, and `fwgen new` against `cp -r` of the tree it
// renders and against a plain Go loop that writes the same bytes (the floor
// any generator pays), for each built-in template and for synthetic
// templates of many files. It prints medians, their ratios, and peak memory
// (max RSS). With -others it also times cookiecutter and copier on the same
// tree, when they are installed.
//
//	make bench    (or: CGO_ENABLED=0 go build -o build/fwgen ./cmd/fwgen && go run ./internal/benchproc -fwgen build/fwgen)
//
// Measure on a tmpfs (the default scratch folder is /dev/shm when there is
// one), so the disk's cost does not hide fwgen's; on a shared machine, read
// the medians, not single runs.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fwgen/fwgen/internal/synth"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == childMode {
		os.Exit(child(os.Args[2:]))
	}
	bin := flag.String("fwgen", "build/fwgen", "the fwgen binary to measure")
	runs := flag.Int("runs", 11, "runs per case (the median is reported); at most 5 for 10,000 files or more")
	startRuns := flag.Int("start-runs", 200, "runs of each start-up measurement")
	dir := flag.String("dir", "", "scratch folder (default: a new folder in /dev/shm when it exists, else in the temporary folder)")
	sizes := flag.String("sizes", "1000,10000,50000", "file counts of the synthetic templates")
	others := flag.Bool("others", false, "also time cookiecutter and copier on the same tree, when installed")
	flag.Parse()
	b := &bench{runs: *runs, startRuns: *startRuns, others: *others}
	if err := b.run(*bin, *dir, *sizes); err != nil {
		fmt.Fprintln(os.Stderr, "benchproc:", err)
		os.Exit(1)
	}
}

type bench struct {
	bin, scratch    string
	runs, startRuns int
	others          bool
}

type sample struct {
	wall   time.Duration
	maxRSS int64 // KiB
}

func (b *bench) run(bin, scratch, sizes string) error {
	var err error
	if b.bin, err = filepath.Abs(bin); err != nil {
		return err
	}
	if scratch == "" {
		parent := os.TempDir()
		if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
			parent = "/dev/shm"
		}
		if scratch, err = os.MkdirTemp(parent, "benchproc-"); err != nil {
			return err
		}
		defer os.RemoveAll(scratch)
	}
	b.scratch = scratch
	fmt.Printf("scratch folder: %s\n\n", scratch)
	if err := b.startup(); err != nil {
		return err
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
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return fmt.Errorf("-sizes: %q is not a positive number", s)
		}
		tdir := filepath.Join(scratch, fmt.Sprintf("synth%d", n))
		if err := synth.Template(tdir, n); err != nil {
			return err
		}
		cases = append(cases, bcase{fmt.Sprintf("synthetic %d files", n), n,
			[]string{"new", "p", "--no-input", "--template", tdir}})
	}
	fmt.Printf("%-34s %6s %10s %10s %6s %10s %6s %9s %9s %9s %9s\n", "fwgen new", "files", "fwgen", "cp -r", "ratio",
		"Go loop", "ratio", "us/file", "loop/file", "fwgen RSS", "cp RSS")
	for _, c := range cases {
		if err := b.newCase(c.name, c.args, c.files); err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
	}
	return nil
}

// startup compares `fwgen version` with a Go hello-world built the same
// way (statically linked), and with the floor the libraries fwgen links set:
// a program that imports every package fwgen does and does nothing, so it
// pays their package initialisation and nothing else. Runs alternate.
func (b *bench) startup() error {
	hello := filepath.Join(b.scratch, "hello")
	src := "package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hello\\n\") }\n"
	if err := buildProgram(hello, "module hello\n\ngo 1.24\n", nil, src); err != nil {
		return fmt.Errorf("building the hello-world: %w", err)
	}
	floor, err := b.buildFloor()
	if err != nil {
		return fmt.Errorf("building the libraries-only program: %w", err)
	}
	progs := []struct {
		label string
		bin   string
		args  []string
	}{
		{"Go hello-world", filepath.Join(hello, "prog"), nil},
		{"fwgen's libraries, empty main", floor, nil},
		{"fwgen version", b.bin, []string{"version"}},
	}
	samples := make([][]sample, len(progs))
	for i := 0; i < b.startRuns; i++ {
		for j, p := range progs {
			s, err := measure(p.bin, p.args, hello)
			if err != nil {
				return err
			}
			samples[j] = append(samples[j], s)
		}
	}
	med := make([]time.Duration, len(progs))
	fmt.Printf("%-34s %10s %10s\n", "start-up (median of "+strconv.Itoa(b.startRuns)+")", "wall", "max RSS")
	for j, p := range progs {
		m, r := summarize(samples[j])
		med[j] = m
		fmt.Printf("%-34s %10s %7.1f MiB\n", p.label, us(m), mib(r))
	}
	fmt.Printf("%-34s %10s %9.2fx\n", "libraries over hello-world", us(med[1]-med[0]), float64(med[1])/float64(med[0]))
	fmt.Printf("%-34s %10s %9.2fx\n", "fwgen over hello-world", us(med[2]-med[0]), float64(med[2])/float64(med[0]))
	fmt.Printf("%-34s %10s %9.2fx\n\n", "fwgen over its libraries", us(med[2]-med[1]), float64(med[2])/float64(med[1]))
	return nil
}

// buildFloor builds a program that blank-imports every package fwgen's
// command imports, directly or not, outside fwgen's own module, with the
// module versions of fwgen's go.mod and go.sum (run from the module root).
func (b *bench) buildFloor() (string, error) {
	list := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./cmd/fwgen")
	out, err := list.Output()
	if err != nil {
		return "", fmt.Errorf("listing fwgen's packages (run benchproc from the repository's root): %w", err)
	}
	modOut, err := exec.Command("go", "list", "-m", "-f", "{{.Path}} {{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("finding fwgen's module: %w", err)
	}
	self, root, _ := strings.Cut(strings.TrimSpace(string(modOut)), " ")
	var imports []string
	for _, p := range strings.Fields(string(out)) {
		// A module's internal packages come with the packages that use them.
		if p == self || strings.HasPrefix(p, self+"/") || strings.Contains(p, "/internal/") || strings.HasSuffix(p, "/internal") {
			continue
		}
		imports = append(imports, p)
	}
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	gosum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return "", err
	}
	mod := strings.Replace(string(gomod), "module "+self, "module floor", 1)
	var src strings.Builder
	src.WriteString("package main\n\nimport (\n\t\"os\"\n")
	for _, p := range imports {
		fmt.Fprintf(&src, "\t_ %q\n", p)
	}
	src.WriteString(")\n\nfunc main() { os.Stdout.WriteString(\"floor\\n\") }\n")
	dir := filepath.Join(b.scratch, "floor")
	if err := buildProgram(dir, mod, gosum, src.String()); err != nil {
		return "", err
	}
	return filepath.Join(dir, "prog"), nil
}

// buildProgram writes a one-file Go program and builds it statically, as
// make build builds fwgen, into dir/prog.
func buildProgram(dir, gomod string, gosum []byte, src string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := map[string][]byte{"main.go": []byte(src), "go.mod": []byte(gomod)}
	if gosum != nil {
		files["go.sum"] = gosum
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	build := exec.Command("go", "build", "-mod=mod", "-o", "prog", ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

// newCase runs fwgen new, then cp -r of what it wrote, then the plain
// loop over the same bytes, runs times in turn, and prints the medians.
func (b *bench) newCase(name string, args []string, files int) error {
	runs := b.runs
	if files >= 10000 {
		runs = min(runs, 5)
	}
	out := filepath.Join(b.scratch, "out")
	cp := filepath.Join(b.scratch, "cp")
	loop := filepath.Join(b.scratch, "loop")
	var fw, cps, loops []sample
	var tree []loopFile
	for i := 0; i < runs; i++ {
		for _, d := range []string{out, cp, loop} {
			if err := os.RemoveAll(d); err != nil {
				return err
			}
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		s, err := measure(b.bin, args, out)
		if err != nil {
			return err
		}
		fw = append(fw, s)
		if tree == nil {
			if tree, err = readTree(filepath.Join(out, "p")); err != nil {
				return err
			}
		}
		if s, err = measure("cp", []string{"-r", filepath.Join(out, "p"), cp}, b.scratch); err != nil {
			return err
		}
		cps = append(cps, s)
		d, err := writeLoop(loop, tree)
		if err != nil {
			return err
		}
		loops = append(loops, sample{wall: d})
	}
	fm, fr := summarize(fw)
	cm, cr := summarize(cps)
	lm, _ := summarize(loops)
	n := len(tree)
	fmt.Printf("%-34s %6d %10s %10s %5.2fx %10s %5.2fx %9.1f %9.1f %5.1f MiB %5.1f MiB\n", name, n,
		ms(fm), ms(cm), float64(fm)/float64(cm), ms(lm), float64(fm)/float64(lm),
		float64(fm.Microseconds())/float64(n), float64(lm.Microseconds())/float64(n), mib(fr), mib(cr))
	if b.others {
		return b.otherTools(name, tree)
	}
	return nil
}

// childMode makes benchproc run one command and print its wall time and
// max RSS. Linux counts the memory of the process a command was started
// from in the command's max RSS, and benchproc holds whole trees in memory,
// so each command is started from a fresh, small copy of benchproc instead.
const childMode = "-run-child"

func child(argv []string) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%v: %s", err, out.String())
		return 1
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	fmt.Printf("%d %d\n", wall.Nanoseconds(), rss)
	return 0
}

func measure(bin string, args []string, dir string) (sample, error) {
	self, err := os.Executable()
	if err != nil {
		return sample{}, err
	}
	cmd := exec.Command(self, append([]string{childMode, bin}, args...)...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return sample{}, fmt.Errorf("%s %s: %v: %s", filepath.Base(bin), strings.Join(args, " "), err, stderr.String())
	}
	var ns, rss int64
	if _, err := fmt.Sscan(string(out), &ns, &rss); err != nil {
		return sample{}, fmt.Errorf("reading %q: %w", out, err)
	}
	return sample{wall: time.Duration(ns), maxRSS: rss}, nil
}

// summarize is the median wall time and the largest max RSS.
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

type loopFile struct {
	path string // slash-separated, relative
	data []byte
	mode fs.FileMode
}

// readTree loads a rendered project, folders before the files in them.
func readTree(root string) ([]loopFile, error) {
	var out []loopFile
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, loopFile{path: filepath.ToSlash(rel), data: data, mode: info.Mode().Perm()})
		return nil
	})
	return out, err
}

// writeLoop is the plain way to write the same tree: each folder made
// once, each file written with os.WriteFile, nothing checked or staged.
func writeLoop(root string, tree []loopFile) (time.Duration, error) {
	start := time.Now()
	made := map[string]bool{}
	for _, f := range tree {
		p := filepath.Join(root, filepath.FromSlash(f.path))
		if d := filepath.Dir(p); !made[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return 0, err
			}
			made[d] = true
		}
		if err := os.WriteFile(p, f.data, f.mode); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

func us(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func ms(d time.Duration) string {
	if d < 100*time.Millisecond {
		return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000)
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

// otherTools times cookiecutter and copier making the same tree, when they
// are on PATH: each gets a template holding the tree, with files that hold
// Jinja syntax of their own (HTML templates) copied rather than rendered.
func (b *bench) otherTools(name string, tree []loopFile) error {
	tools := []struct {
		name  string
		setup func(dir string) error
		args  func(tpl, dst string) []string
	}{
		{"cookiecutter", func(dir string) error { return cookiecutterTemplate(dir, tree) },
			func(tpl, dst string) []string { return []string{"--no-input", "-o", dst, tpl} }},
		{"copier", func(dir string) error { return copierTemplate(dir, tree) },
			func(tpl, dst string) []string {
				return []string{"copy", "--defaults", "--quiet", tpl, filepath.Join(dst, "p")}
			}},
	}
	for _, t := range tools {
		bin, err := exec.LookPath(t.name)
		if err != nil {
			fmt.Printf("%-34s %s is not installed\n", "  "+t.name, t.name)
			continue
		}
		tpl := filepath.Join(b.scratch, t.name+"-tpl")
		if err := os.RemoveAll(tpl); err != nil {
			return err
		}
		if err := t.setup(tpl); err != nil {
			return err
		}
		dst := filepath.Join(b.scratch, t.name+"-out")
		var ss []sample
		for i := 0; i < min(b.runs, 5); i++ {
			if err := os.RemoveAll(dst); err != nil {
				return err
			}
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
			s, err := measure(bin, t.args(tpl, dst), b.scratch)
			if err != nil {
				return err
			}
			ss = append(ss, s)
		}
		m, r := summarize(ss)
		fmt.Printf("%-34s %6d %10s %39s %5.1f MiB\n", "  "+t.name, len(tree), ms(m), "", mib(r))
	}
	return nil
}

func hasJinja(b []byte) bool {
	s := string(b)
	return strings.Contains(s, "{{") || strings.Contains(s, "{%") || strings.Contains(s, "{#")
}

func cookiecutterTemplate(dir string, tree []loopFile) error {
	var raw []string
	for _, f := range tree {
		if hasJinja(f.data) {
			raw = append(raw, `"`+f.path+`"`)
		}
	}
	cfg := `{"project_slug": "p", "_copy_without_render": [` + strings.Join(raw, ", ") + `]}`
	if _, err := writeLoop(filepath.Join(dir, "{{cookiecutter.project_slug}}"), tree); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "cookiecutter.json"), []byte(cfg), 0o644)
}

// copierTemplate: copier renders only files ending in .jinja and copies the
// rest, so the tree goes in as it is.
func copierTemplate(dir string, tree []loopFile) error {
	if _, err := writeLoop(dir, tree); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "copier.yml"), []byte("project_slug:\n  type: str\n  default: p\n"), 0o644)
}
