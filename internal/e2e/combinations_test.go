//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/fwgen/fwgen/internal/combos"
	"github.com/fwgen/fwgen/internal/manifest"
)

// testBinaryStart tells summary lines of this run from those of an earlier one.
var testBinaryStart = time.Now()

// TestCombinations renders every combination of each built-in template's
// bool, choice and multi answers (combos.Enumerate) and checks each generated
// project: ruff, compileall and the framework's own check. The variants of
// TestE2E go much further but cover four answer sets; this catches the
// mistake that only one combination reaches (a name that exists only with
// docker=true and postgres, an import left behind without the API...).
func TestCombinations(t *testing.T) {
	frameworks := combinationFrameworks(t)
	if len(frameworks) == 0 {
		t.Skip("FWGEN_E2E_COMBINATIONS=off")
	}
	// A parallel top-level test starts only once every sequential one has
	// finished: this never competes with TestE2E for the CPU, and TestE2E's
	// newSuite, which empties summary.txt, has run before this one appends.
	t.Parallel()
	s := newSuiteKeepingSummary(t)
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			// One framework each: at most two projects are checked at once.
			t.Parallel()
			runCombinations(t, s, fw)
		})
	}
}

// combinationFrameworks reads FWGEN_E2E_COMBINATIONS: "off", or the
// frameworks to run, comma-separated (default: all).
func combinationFrameworks(t *testing.T) []string {
	all := []string{"flask", "django"}
	v := strings.TrimSpace(os.Getenv("FWGEN_E2E_COMBINATIONS"))
	switch v {
	case "":
		return all
	case "off":
		return nil
	}
	var picked []string
	for _, fw := range strings.Split(v, ",") {
		fw = strings.TrimSpace(fw)
		if fw == "" {
			continue
		}
		if !slices.Contains(all, fw) {
			t.Fatalf("FWGEN_E2E_COMBINATIONS names unknown framework %q (allowed: off, or a comma-separated list of %s)", fw, strings.Join(all, ", "))
		}
		picked = append(picked, fw)
	}
	return picked
}

// newSuiteKeepingSummary is newSuite, except that summary.txt keeps the lines
// that tests earlier in this same run wrote there.
func newSuiteKeepingSummary(t *testing.T) *suite {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the e2e package directory")
	}
	path := filepath.Join(filepath.Dir(file), "..", "..", "build", "e2e", "summary.txt")
	var earlier []string
	if st, err := os.Stat(path); err == nil && !st.ModTime().Before(testBinaryStart) {
		if b, err := os.ReadFile(path); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				if strings.TrimSpace(l) != "" {
					earlier = append(earlier, l)
				}
			}
		}
	}
	s := newSuite(t)
	for _, l := range earlier {
		s.addSummary(l)
	}
	return s
}

// combination is one answer set of a template and its generated project.
type combination struct {
	name  string   // folder name: key-value pairs in question order
	label string   // what failures name
	set   []string // --set flags
	proj  string   // the generated project
	log   string   // every command run for it, with its output
}

// newCombination names the answer set after its values, in question order.
func newCombination(qs []manifest.Question, set combos.Set, dir, project string) combination {
	var name, flags []string
	for _, q := range qs {
		v, ok := set[q.Key]
		if !ok {
			continue
		}
		var shown, arg string
		switch x := v.(type) {
		case bool:
			shown, arg = strconv.FormatBool(x), strconv.FormatBool(x)
		case string:
			shown, arg = x, x
		case []string:
			shown, arg = strings.Join(x, "+"), strings.Join(x, ",")
			if len(x) == 0 {
				shown = "none"
			}
		default:
			shown, arg = fmt.Sprint(x), fmt.Sprint(x)
		}
		name = append(name, q.Key+"-"+shown)
		flags = append(flags, "--set", q.Key+"="+arg)
	}
	c := combination{name: strings.Join(name, "_"), set: flags}
	if c.name == "" {
		c.name = "defaults"
	}
	c.label = "combination " + c.name
	c.proj = filepath.Join(dir, c.name, project)
	c.log = filepath.Join(dir, "logs", c.name+".log")
	return c
}

// run runs one command for the combination, logging it to the combination's
// log; a failure names the combination, the command and its output's tail.
func (c combination) run(t *testing.T, dir string, env []string, timeout time.Duration, argv ...string) (string, error) {
	f, err := os.OpenFile(c.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return "", err
	}
	defer f.Close()
	res := runCommand(commandSpec{dir: dir, env: env, argv: argv, timeout: timeout, log: f})
	t.Logf("%s: $ %s -> exit %d (%s)", c.name, shellJoin(argv), res.code, res.dur.Round(100*time.Millisecond))
	if res.err != nil {
		return res.output, fmt.Errorf("%s: %s failed (log: %s)\n%s", c.label, shellJoin(argv), c.log, res.describe())
	}
	return res.output, nil
}

// slug is the project_slug that fwgen recorded for the combination.
func (c combination) slug() (string, error) {
	b, err := os.ReadFile(filepath.Join(c.proj, ".fwgen.yaml"))
	if err != nil {
		return "", err
	}
	var rec struct {
		Slug string `yaml:"project_slug"`
	}
	if err := yaml.Unmarshal(b, &rec); err != nil || rec.Slug == "" {
		return "", fmt.Errorf("%s: no project_slug in .fwgen.yaml (%v)", c.label, err)
	}
	return rec.Slug, nil
}

func runCombinations(t *testing.T, s *suite, fw string) {
	start := time.Now()
	src := filepath.Join(s.root, "templates", fw)
	tpl, err := manifest.Load(os.DirFS(src), src)
	if err != nil {
		t.Fatalf("loading the %s template: %v", fw, err)
	}
	sets, capped := combos.Enumerate(tpl.Questions, combos.DefaultCap)
	if capped {
		t.Fatalf("the %s template has more than %d combinations; CI cannot render them all", fw, combos.DefaultCap)
	}
	dir := filepath.Join(s.build, "combinations", fw)
	// A fresh folder each run, as for the variants; the pip cache survives.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatalf("removing the old %s: %v", dir, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	// variantRun lends its virtualenv environment (PATH, pip cache) and bin.
	r := &variantRun{t: t, s: s, dir: dir, venv: filepath.Join(dir, "venv"), logDir: filepath.Join(dir, "logs"), started: start}
	// The project name of the template's own variants, so that the
	// combinations are the projects its users get.
	project := manifest.DefaultProject
	if len(tpl.Variants) > 0 {
		project = tpl.Variants[0].ProjectName()
	}

	var failures []error
	var rendered []combination
	passed := 0
	defer func() {
		line := fmt.Sprintf("combinations %s: %d rendered, %d passed in %s", fw, len(rendered), passed, minSec(time.Since(start)))
		fmt.Println(line)
		t.Log(line)
		s.addSummary(line)
	}()

	for _, set := range sets {
		c := newCombination(tpl.Questions, set, dir, project)
		argv := append([]string{s.fwgen, "new", project, "--framework", fw, "--no-input", "--output", filepath.Dir(c.proj)}, c.set...)
		if _, err := c.run(t, dir, cleanEnviron(), 2*time.Minute, argv...); err != nil {
			failures = append(failures, err)
			continue
		}
		rendered = append(rendered, c)
	}
	t.Logf("rendered %d of %d combinations of %s in %s", len(rendered), len(sets), fw, time.Since(start).Round(100*time.Millisecond))
	if len(rendered) == 0 {
		for _, err := range failures {
			t.Error(err)
		}
		t.FailNow()
	}

	if err := installCombinationDeps(r, rendered); err != nil {
		for _, err := range failures {
			t.Error(err)
		}
		t.Fatalf("virtual environment for the %s combinations: %v", fw, err)
	}

	for _, c := range rendered {
		cstart := time.Now()
		errs := checkCombination(t, r, fw, c)
		failures = append(failures, errs...)
		if len(errs) == 0 {
			passed++
			t.Logf("ok %s (%s)", c.name, time.Since(cstart).Round(100*time.Millisecond))
		}
	}
	for _, err := range failures {
		t.Error(err)
	}
}

// installCombinationDeps creates the framework's one virtual environment with
// the dependencies (dev extras included) of the combination that needs them
// all, installed from PyPI, and then removes that combination's own package,
// so that each combination's checks run its own source.
func installCombinationDeps(r *variantRun, cs []combination) error {
	fullest, err := fullestCombination(r, cs)
	if err != nil {
		return err
	}
	r.t.Logf("installing the dependencies of %s", fullest.name)
	slug, err := fullest.slug()
	if err != nil {
		return err
	}
	venvLog := combination{name: "venv", label: "virtual environment", log: filepath.Join(r.logDir, "venv.log")}
	if _, err := venvLog.run(r.t, r.dir, cleanEnviron(), 3*time.Minute, r.s.python, "-m", "venv", r.venv); err != nil {
		return err
	}
	if _, err := venvLog.run(r.t, r.dir, r.baseEnv(), 15*time.Minute, r.bin("pip"), "install", fullest.proj+"[dev]"); err != nil {
		return err
	}
	out, err := venvLog.run(r.t, r.dir, r.baseEnv(), 2*time.Minute, r.bin("pip"), "uninstall", "-y", slug)
	if err != nil {
		return err
	}
	// pip only warns, and exits 0, when the name is not installed.
	if !strings.Contains(out, "Successfully uninstalled "+slug) {
		return fmt.Errorf("pip uninstall -y %s did not remove the installed project, so the checks could run it instead of each combination's source:\n%s", slug, indent(tail(out, 10)))
	}
	return nil
}

// fullestCombination returns the combination whose requirements (runtime and
// dev) include those of every other one; without one, a single virtual
// environment cannot serve them all.
func fullestCombination(r *variantRun, cs []combination) (combination, error) {
	const script = `import json, sys, tomllib
out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        p = tomllib.load(f)["project"]
    out[path] = sorted(set(p.get("dependencies", [])) | set(p.get("optional-dependencies", {}).get("dev", [])))
print(json.dumps(out))`
	argv := []string{r.s.python, "-c", script}
	for _, c := range cs {
		argv = append(argv, filepath.Join(c.proj, "pyproject.toml"))
	}
	res := runCommand(commandSpec{dir: r.dir, env: cleanEnviron(), argv: argv, timeout: time.Minute})
	if res.err != nil {
		return combination{}, fmt.Errorf("reading the requirements of the combinations:\n%s", res.describe())
	}
	var reqs map[string][]string
	if err := json.Unmarshal([]byte(res.output), &reqs); err != nil {
		return combination{}, fmt.Errorf("reading the requirements of the combinations: %v\n%s", err, indent(tail(res.output, 10)))
	}
	union := map[string]bool{}
	for _, rs := range reqs {
		for _, req := range rs {
			union[req] = true
		}
	}
	// From the last: Enumerate lists the answers that add the most last.
	for _, c := range slices.Backward(cs) {
		if len(reqs[filepath.Join(c.proj, "pyproject.toml")]) == len(union) {
			return c, nil
		}
	}
	all := make([]string, 0, len(union))
	for req := range union {
		all = append(all, req)
	}
	slices.Sort(all)
	return combination{}, fmt.Errorf("no combination requires all of %s, which the combinations need between them", strings.Join(all, ", "))
}

// checkCombination runs the linters and the framework's own check in the
// generated project, each with the shared virtualenv's tools. Every command
// runs even when an earlier one failed.
func checkCombination(t *testing.T, r *variantRun, fw string, c combination) []error {
	slug, err := c.slug()
	if err != nil {
		return []error{err}
	}
	type command struct {
		env  []string
		argv []string
	}
	cmds := []command{
		{r.baseEnv(), []string{r.bin("ruff"), "check", "."}},
		{r.baseEnv(), []string{r.bin("ruff"), "format", "--check", "."}},
		{r.baseEnv(), []string{r.bin("python"), "-m", "compileall", "-q", "."}},
	}
	switch fw {
	case "django":
		// manage.py's own default settings; without DATABASE_URL, as in a
		// fresh checkout.
		cmds = append(cmds, command{r.env(unset("DATABASE_URL")), []string{r.bin("python"), "manage.py", "check"}})
	case "flask":
		// PYTHONPATH makes the project folder's package the one imported.
		env := r.env("APP_ENV=testing", "PYTHONPATH="+c.proj)
		cmds = append(cmds,
			command{env, []string{r.bin("python"), "-c", "from " + slug + " import create_app; create_app()"}},
			command{env, []string{r.bin("flask"), "--app", slug, "routes"}},
		)
	}
	var errs []error
	for _, cmd := range cmds {
		if _, err := c.run(t, c.proj, cmd.env, 2*time.Minute, cmd.argv...); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// minSec formats a duration as 1m02s.
func minSec(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
}
