//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// tailLines is how much of a failing command's output a failure shows.
const tailLines = 60

// ---------------------------------------------------------------------------
// Commands

// commandSpec describes one command to run.
type commandSpec struct {
	dir     string
	env     []string
	argv    []string
	timeout time.Duration
	log     io.Writer // optional: receives a header and the full output
}

// commandResult is what running a command gave.
type commandResult struct {
	spec     commandSpec
	output   string
	code     int // exit code; -1 when the command did not run or was killed
	err      error
	timedOut bool
	dur      time.Duration
}

// syncBuffer is a bytes.Buffer that several goroutines can write.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// setProcessGroup puts the command in a process group of its own and makes
// cancellation kill the whole group (gunicorn workers, pytest children...).
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = 5 * time.Second
}

// runCommand runs a command to completion, with a timeout, and collects its
// combined output.
func runCommand(spec commandSpec) commandResult {
	if spec.timeout == 0 {
		spec.timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), spec.timeout)
	defer cancel()
	res := commandResult{spec: spec, code: -1}
	cmd := exec.CommandContext(ctx, spec.argv[0], spec.argv[1:]...)
	cmd.Dir = spec.dir
	cmd.Env = spec.env
	cmd.Stdin = nil
	setProcessGroup(cmd)
	var out syncBuffer
	var w io.Writer = &out
	if spec.log != nil {
		fmt.Fprintf(spec.log, "\n$ %s\n(dir %s)\n", shellJoin(spec.argv), spec.dir)
		w = io.MultiWriter(&out, spec.log)
	}
	cmd.Stdout = w
	cmd.Stderr = w
	start := time.Now()
	err := cmd.Run()
	res.dur = time.Since(start)
	res.output = out.String()
	if cmd.ProcessState != nil {
		res.code = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() == context.DeadlineExceeded {
		res.timedOut = true
		err = fmt.Errorf("timed out after %s", spec.timeout)
	}
	res.err = err
	if spec.log != nil {
		fmt.Fprintf(spec.log, "[exit %d after %s]\n", res.code, res.dur.Round(time.Millisecond))
	}
	return res
}

// describe formats a command's outcome for a failure message: the command,
// its directory, exit code and the last lines of its output.
func (r commandResult) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "command: %s\n", shellJoin(r.spec.argv))
	fmt.Fprintf(&b, "dir: %s\n", r.spec.dir)
	if extra := interestingEnv(r.spec.env); extra != "" {
		fmt.Fprintf(&b, "env: %s\n", extra)
	}
	if r.timedOut {
		fmt.Fprintf(&b, "TIMED OUT after %s\n", r.spec.timeout)
	}
	fmt.Fprintf(&b, "exit code: %d", r.code)
	if r.err != nil && r.code < 0 {
		fmt.Fprintf(&b, " (%v)", r.err)
	}
	fmt.Fprintf(&b, "\nlast %d lines of output:\n%s", tailLines, indent(tail(r.output, tailLines)))
	return b.String()
}

// interestingEnv shows the variables that the suite sets for the generated
// projects, with secrets masked.
func interestingEnv(env []string) string {
	var parts []string
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case k == "APP_ENV", k == "DATABASE_URL", k == "TEST_DATABASE_URL", k == "FLASK_APP",
			strings.HasPrefix(k, "DJANGO_"), k == "SECRET_KEY":
			if strings.Contains(k, "SECRET") || strings.Contains(k, "PASSWORD") {
				v = "<" + strconv.Itoa(len(v)) + " chars>"
			}
			if strings.HasSuffix(k, "DATABASE_URL") {
				v = maskURLPassword(v)
			}
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, " ")
}

var urlPassword = regexp.MustCompile(`(://[^:/@]+:)[^@]*@`)

func maskURLPassword(s string) string { return urlPassword.ReplaceAllString(s, "${1}***@") }

func tail(s string, n int) string {
	s = strings.TrimRight(s, "\n")
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("... (%d earlier lines)", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string {
	if s == "" {
		return "    <no output>"
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

func shellJoin(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\n'\"$`\\*?[]{}()<>|&;#~") {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		} else {
			q[i] = a
		}
	}
	return strings.Join(q, " ")
}

// ---------------------------------------------------------------------------
// Environment of the generated projects

// strippedEnv lists variables of the calling environment that would change
// how a generated project behaves; the suite sets them explicitly instead.
var strippedEnv = []string{
	"APP_ENV", "SECRET_KEY", "DATABASE_URL", "TEST_DATABASE_URL", "VIRTUAL_ENV", "PYTHONPATH",
	"PYTHONHOME", "PYTHONSTARTUP", "PIP_USER", "PIP_REQUIRE_VIRTUALENV",
	"PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSERVICE",
}

func cleanEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "FLASK_") || strings.HasPrefix(k, "DJANGO_") || strings.HasPrefix(k, "FWGEN_E2E_") {
			continue
		}
		skip := false
		for _, s := range strippedEnv {
			if k == s {
				skip = true
				break
			}
		}
		if !skip {
			env = append(env, kv)
		}
	}
	return env
}

// mergeEnv returns env with the KEY=VALUE pairs of extra set (replacing
// existing ones). A pair "KEY=" with the marker value unsetValue removes KEY.
func mergeEnv(env []string, extra ...string) []string {
	out := append([]string(nil), env...)
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		kept := out[:0]
		for _, e := range out {
			if ek, _, _ := strings.Cut(e, "="); ek != k {
				kept = append(kept, e)
			}
		}
		out = kept
		if v != unsetValue {
			out = append(out, kv)
		}
	}
	return out
}

// unsetValue as the value in mergeEnv removes the variable.
const unsetValue = "\x00unset"

func unset(key string) string { return key + "=" + unsetValue }

// ---------------------------------------------------------------------------
// Random values

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// randomSecret returns n random characters from a set without quotes, spaces
// or "$", so it survives any shell or .env file a project might use.
func randomSecret(n int) string {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#%^&*(-_=+)"
	out := make([]byte, n)
	for i := range out {
		x, err := rand.Int(rand.Reader, big.NewInt(int64(len(chars))))
		if err != nil {
			panic(err)
		}
		out[i] = chars[x.Int64()]
	}
	return string(out)
}

// ---------------------------------------------------------------------------
// Steps

// errSkip makes a step that is not applicable: it is logged and not counted.
type errSkip struct{ reason string }

func (e errSkip) Error() string { return "skipped: " + e.reason }

func skipStep(format string, args ...any) error { return errSkip{fmt.Sprintf(format, args...)} }

// step is one named check of a variant.
type step struct {
	name  string
	fatal bool // when it fails, the later steps cannot run
	run   func() error
}

// variantRun is the state of one variant's subtest.
type variantRun struct {
	t       *testing.T
	s       *suite
	v       variant
	dir     string // build/e2e/<variant>
	proj    string // the generated project
	venv    string // the project's virtualenv (outside the project)
	logDir  string
	started time.Time

	stepName string
	stepLog  *os.File

	prodSecret      string // Django production secret, shared by its steps
	noControlSocket *bool  // whether gunicorn takes --no-control-socket
	flaskDBCmd      *flaskDBCommand
	browserAccount  *account // the account the browser flow signed up

	passed, counted int
	testsPassed     int
	notes           []string

	coverage     string   // "coverage L% lines, B% branches", for the summary
	qualities    []string // tool counts ("mypy 0"), for the summary
	sdist, wheel string   // built once, shared by the sdist and wheel steps
}

func newVariantRun(t *testing.T, s *suite, v variant) *variantRun {
	dir := filepath.Join(s.build, v.Name)
	return &variantRun{
		t:       t,
		s:       s,
		v:       v,
		dir:     dir,
		proj:    filepath.Join(dir, v.Project),
		venv:    filepath.Join(dir, "venv"),
		logDir:  filepath.Join(dir, "logs"),
		started: time.Now(),
	}
}

// note records something worth knowing that is not a failure; notes are
// repeated at the end of the variant's log.
func (r *variantRun) note(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	r.notes = append(r.notes, "["+r.stepName+"] "+msg)
	r.t.Logf("note: %s", msg)
}

// runSteps runs the steps in order. A failing step fails the subtest; a
// failing fatal step also stops the remaining steps, which then count as
// not passed.
func (r *variantRun) runSteps(steps []step) {
	t := r.t
	aborted := ""
	for i, st := range steps {
		r.stepName = st.name
		if aborted != "" {
			r.counted++
			t.Errorf("step %d %s: not run, because step %s failed", i+1, st.name, aborted)
			continue
		}
		logPath := filepath.Join(r.logDir, fmt.Sprintf("%02d-%s.log", i+1, st.name))
		if f, err := os.Create(logPath); err == nil {
			r.stepLog = f
		} else {
			r.stepLog = nil
		}
		t.Logf("=== step %d %s", i+1, st.name)
		start := time.Now()
		err := runProtected(st.run)
		dur := time.Since(start).Round(100 * time.Millisecond)
		if r.stepLog != nil {
			if err != nil {
				fmt.Fprintf(r.stepLog, "\nSTEP RESULT: %v\n", err)
			}
			r.stepLog.Close()
			r.stepLog = nil
		}
		var skip errSkip
		switch {
		case errors.As(err, &skip):
			t.Logf("--- step %d %s: %s (%s), not counted", i+1, st.name, skip.reason, dur)
		case err != nil:
			r.counted++
			t.Errorf("--- step %d %s FAILED after %s (log: %s)\n%v", i+1, st.name, dur, logPath, err)
			if st.fatal {
				aborted = st.name
			}
		default:
			r.counted++
			r.passed++
			t.Logf("--- step %d %s: ok (%s)", i+1, st.name, dur)
		}
	}
	r.stepName = "summary"
	for _, n := range r.notes {
		t.Logf("note %s", n)
	}
	cov := r.coverage
	if cov == "" {
		cov = "coverage not measured"
	}
	line := fmt.Sprintf("e2e %s: %d/%d steps passed, %d generated tests passed, %s, %ds",
		r.v.Name, r.passed, r.counted, r.testsPassed, cov, int(time.Since(r.started).Round(time.Second).Seconds()))
	if len(r.qualities) > 0 {
		line += " (" + strings.Join(r.qualities, ", ") + ")"
	}
	fmt.Printf("%s\n", line)
	t.Log(line)
	r.s.addSummary(line)
}

// runProtected runs a step and turns a panic into the step's failure, so
// that the variant still reports and the later steps still run.
func runProtected(run func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return run()
}

// ---------------------------------------------------------------------------
// Running commands inside a variant

// baseEnv is the environment of every command run for the generated
// project: the caller's environment without the project's own variables,
// with the virtualenv first on PATH and the shared pip cache.
func (r *variantRun) baseEnv() []string {
	path := filepath.Join(r.venv, "bin") + string(os.PathListSeparator) + os.Getenv("PATH")
	return mergeEnv(cleanEnviron(),
		"PATH="+path,
		"VIRTUAL_ENV="+r.venv,
		"PIP_CACHE_DIR="+r.s.pipCache,
		"PIP_DISABLE_PIP_VERSION_CHECK=1",
		"PIP_NO_INPUT=1",
		"PYTHONDONTWRITEBYTECODE=1",
		"NO_COLOR=1",
	)
}

// env returns baseEnv with extra KEY=VALUE pairs (see mergeEnv).
func (r *variantRun) env(extra ...string) []string { return mergeEnv(r.baseEnv(), extra...) }

// bin returns the path of a program installed in the virtualenv.
func (r *variantRun) bin(name string) string { return filepath.Join(r.venv, "bin", name) }

// exec runs a command in the project directory and returns its output. An
// error carries the command, exit code and last lines of output.
func (r *variantRun) exec(env []string, timeout time.Duration, argv ...string) (string, error) {
	return r.execIn(r.proj, env, timeout, argv...)
}

func (r *variantRun) execIn(dir string, env []string, timeout time.Duration, argv ...string) (string, error) {
	if env == nil {
		env = r.baseEnv()
	}
	var logw io.Writer
	if r.stepLog != nil {
		logw = r.stepLog
	}
	res := runCommand(commandSpec{dir: dir, env: env, argv: argv, timeout: timeout, log: logw})
	r.t.Logf("$ %s -> exit %d (%s)", shellJoin(argv), res.code, res.dur.Round(100*time.Millisecond))
	if res.err != nil {
		return res.output, fmt.Errorf("%s", res.describe())
	}
	return res.output, nil
}

// logf writes to the current step's log file (and not to the test log).
func (r *variantRun) logf(format string, args ...any) {
	if r.stepLog != nil {
		fmt.Fprintf(r.stepLog, format+"\n", args...)
	}
}

// ---------------------------------------------------------------------------
// Common steps

// stepGenerate generates the project (runVariant has removed the old one).
func (r *variantRun) stepGenerate() error {
	argv := []string{r.s.fwgen, "new", r.v.Project, "--framework", r.v.Framework, "--no-input", "--output", r.dir}
	argv = append(argv, r.v.setArgs()...)
	if _, err := r.execIn(r.s.build, mergeEnv(cleanEnviron()), 2*time.Minute, argv...); err != nil {
		return err
	}
	if st, err := os.Stat(r.proj); err != nil || !st.IsDir() {
		return fmt.Errorf("fwgen exited 0 but %s is not a directory: %v", r.proj, err)
	}
	for _, want := range []string{".fwgen.yaml", "README.md", "pyproject.toml"} {
		if _, err := os.Stat(filepath.Join(r.proj, want)); err != nil {
			return fmt.Errorf("the generated project has no %s", want)
		}
	}
	n := 0
	_ = filepath.WalkDir(r.proj, func(_ string, d os.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			n++
		}
		return nil
	})
	r.t.Logf("generated %s (%d files)", r.proj, n)
	return nil
}

// stepInstall creates the virtualenv and installs the project with its dev
// extras, plus bandit.
func (r *variantRun) stepInstall() error {
	if _, err := r.execIn(r.dir, mergeEnv(cleanEnviron()), 3*time.Minute, r.s.python, "-m", "venv", r.venv); err != nil {
		return err
	}
	if out, err := r.exec(nil, 30*time.Second, r.bin("python"), "--version"); err == nil {
		r.t.Logf("virtualenv: %s", strings.TrimSpace(out))
	}
	// Besides the project's dev extra: bandit, and what the packaging and
	// uv steps drive.
	args := []string{r.bin("pip"), "install", "-e", ".[dev]", "bandit", "build", "check-wheel-contents"}
	if r.usesUV() {
		args = append(args, "uv")
	}
	if r.hasSchema() {
		args = append(args, "schemathesis")
	}
	if _, err := r.exec(nil, 15*time.Minute, args...); err != nil {
		return err
	}
	return nil
}

// pytestPassed matches the passed count in pytest's final line.
var pytestPassed = regexp.MustCompile(`\b(\d+) passed\b`)

// parsePytest returns the number of passed tests from pytest's last summary
// line ("==== 12 passed, 1 warning in 3.2s ====").
func parsePytest(out string) (int, string) {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if strings.Contains(l, " passed") || strings.Contains(l, " failed") || strings.Contains(l, " error") || strings.Contains(l, "no tests ran") {
			if m := pytestPassed.FindStringSubmatch(l); m != nil {
				n, _ := strconv.Atoi(m[1])
				return n, strings.TrimSpace(l)
			}
			return 0, strings.TrimSpace(l)
		}
	}
	return 0, ""
}

// stepPytest runs the generated tests the way their README says: `pytest`.
func (r *variantRun) stepPytest() error {
	// Without DATABASE_URL: the generated tests must pass in a fresh
	// checkout, whatever database the project uses in production.
	out, err := r.exec(r.env(unset("DATABASE_URL")), 10*time.Minute, r.bin("pytest"))
	n, line := parsePytest(out)
	r.testsPassed = n
	r.t.Logf("pytest: %s", line)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("pytest exited 0 but reported no passed test (final line %q)", line)
	}
	return nil
}

func (r *variantRun) stepRuffCheck() error {
	if _, err := os.Stat(r.bin("ruff")); err != nil {
		return fmt.Errorf("ruff is not installed by pip install -e '.[dev]' (no %s)", r.bin("ruff"))
	}
	_, err := r.exec(nil, 2*time.Minute, r.bin("ruff"), "check", ".")
	return err
}

func (r *variantRun) stepRuffFormat() error {
	if _, err := os.Stat(r.bin("ruff")); err != nil {
		return fmt.Errorf("ruff is not installed by pip install -e '.[dev]' (no %s)", r.bin("ruff"))
	}
	_, err := r.exec(nil, 2*time.Minute, r.bin("ruff"), "format", "--check", ".")
	return err
}

// stepBandit scans the project's own sources (not tests, migrations or the
// virtualenv) and fails on any finding of medium or high severity.
func (r *variantRun) stepBandit() error {
	// bandit drops a file when any of these strings occurs in its path
	// (paths are relative: "./pkg/x.py").
	excludes := []string{
		"/tests/", "/test/", "/test_", "/tests.py", "/conftest.py",
		"/migrations/", "/.venv/", "/venv/", "/build/", "/node_modules/",
		"/staticfiles/", "/instance/",
	}
	out, err := r.exec(nil, 3*time.Minute, r.bin("bandit"), "-r", ".", "-x", strings.Join(excludes, ","), "-ll", "-f", "txt")
	if m := regexp.MustCompile(`Total lines of code: (\d+)`).FindStringSubmatch(out); m != nil {
		r.t.Logf("bandit scanned %s lines of code", m[1])
	}
	return err
}

// apiNameExcluded lists /api/<name>/ paths that are not resources.
var apiNameExcluded = map[string]bool{
	"health": true, "healthz": true, "schema": true, "docs": true, "redoc": true,
	"swagger": true, "swagger-ui": true, "auth": true, "token": true, "v1": true, "openapi": true,
}

// apiResourcePath finds the path of an API resource in the generated README
// (or, failing that, in the project's urls.py files); "/api/notes/" when
// neither names one.
func (r *variantRun) apiResourcePath() string {
	re := regexp.MustCompile(`/api/([a-z][a-z0-9_-]*)/`)
	var sources []string
	if b, err := os.ReadFile(filepath.Join(r.proj, "README.md")); err == nil {
		sources = append(sources, string(b))
	}
	_ = filepath.WalkDir(r.proj, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(p) == "urls.py" {
			if b, err := os.ReadFile(p); err == nil {
				sources = append(sources, string(b))
			}
		}
		return nil
	})
	for _, src := range sources {
		for _, m := range re.FindAllStringSubmatch(src, -1) {
			if !apiNameExcluded[m[1]] {
				return "/api/" + m[1] + "/"
			}
		}
	}
	r.note("no API resource path found in README.md or urls.py; using /api/notes/")
	return "/api/notes/"
}

// sqliteURL returns a SQLite URL for a database file in the variant folder.
func (r *variantRun) sqliteURL(name string) string {
	return "sqlite:///" + filepath.Join(r.dir, name)
}

// usesPostgres reports whether the variant was generated for PostgreSQL.
func (r *variantRun) usesPostgres() bool { return r.v.answer("database") == "postgres" }

func runVariant(t *testing.T, s *suite, v variant) {
	r := newVariantRun(t, s, v)
	// A fresh folder for every run: the generated project, its virtualenv
	// and the logs. The pip cache is shared and survives.
	if err := os.RemoveAll(r.dir); err != nil {
		t.Fatalf("removing the old %s: %v", r.dir, err)
	}
	if err := os.MkdirAll(r.logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(s.artifacts, v.Name+"-*.png"))
	for _, f := range old {
		os.Remove(f)
	}
	switch v.Framework {
	case "flask":
		r.runSteps(r.flaskSteps())
	case "django":
		r.runSteps(r.djangoSteps())
	}
}
