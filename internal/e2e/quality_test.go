//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The steps in this file hold the generated projects to what a reviewer's
// own tools find: type checkers, coverage, template lint, pre-commit, a
// non-editable install of the built wheel, tests run from the sdist, and the
// uv workflow that the README documents.

// packageDirs returns the project's application packages: what mypy checks
// strictly and coverage measures.
func (r *variantRun) packageDirs() []string {
	if r.v.Framework == "flask" {
		return []string{r.v.Project}
	}
	return []string{"config", "users", "api"}
}

// templateDir is the folder of the project's HTML templates.
func (r *variantRun) templateDir() string {
	if r.v.Framework == "flask" {
		return filepath.Join(r.v.Project, "templates")
	}
	return filepath.Join("config", "templates")
}

var mypyErrorsRe = regexp.MustCompile(`Found (\d+) errors?`)

// stepMypy runs mypy as the README says (its options, strict for the
// application packages, are in pyproject.toml), and then `mypy --strict` on
// the packages alone, so that a configuration that loosens strictness for
// application code cannot pass.
func (r *variantRun) stepMypy() error {
	out, err := r.exec(nil, 5*time.Minute, r.bin("mypy"))
	if err != nil {
		if m := mypyErrorsRe.FindStringSubmatch(out); m != nil {
			r.quality("mypy", m[1]+" errors")
		}
		return err
	}
	args := append([]string{r.bin("mypy"), "--strict"}, r.packageDirs()...)
	if _, err := r.exec(nil, 5*time.Minute, args...); err != nil {
		return fmt.Errorf("mypy --strict on the application packages:\n%w", err)
	}
	r.quality("mypy", "0")
	return nil
}

var pyrightSummaryRe = regexp.MustCompile(`(\d+) errors?, (\d+) warnings?`)

func (r *variantRun) stepPyright() error {
	// The nodejs extra gives pyright a Node.js of its own; the cache keeps
	// the pyright package it fetches across variants.
	env := r.env("PYRIGHT_PYTHON_CACHE_DIR=" + filepath.Join(r.s.build, "pyright-cache"))
	out, err := r.exec(env, 5*time.Minute, r.bin("pyright"))
	m := pyrightSummaryRe.FindStringSubmatch(out)
	if m != nil {
		r.quality("pyright", m[1])
	}
	if err != nil {
		return err
	}
	if m == nil {
		return fmt.Errorf("pyright exited 0 but printed no error count")
	}
	return nil
}

func (r *variantRun) stepDjlint() error {
	_, err := r.exec(nil, 2*time.Minute, r.bin("djlint"), "--lint", r.templateDir())
	return err
}

// stepPreCommit runs the shipped pre-commit hooks on a fresh repository of
// the project: they must pass and change nothing.
func (r *variantRun) stepPreCommit() error {
	if _, err := os.Stat(filepath.Join(r.proj, ".pre-commit-config.yaml")); err != nil {
		return fmt.Errorf("the project has no .pre-commit-config.yaml")
	}
	env := r.env("PRE_COMMIT_HOME="+filepath.Join(r.dir, "pre-commit-cache"),
		"GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1")
	if _, err := r.exec(env, time.Minute, "git", "init", "-q"); err != nil {
		return err
	}
	if _, err := r.exec(env, time.Minute, "git", "add", "-A"); err != nil {
		return err
	}
	if _, err := r.exec(env, 5*time.Minute, r.bin("pre-commit"), "run", "--all-files"); err != nil {
		return err
	}
	// Hooks that fix files leave them changed against what was added.
	out, err := r.exec(env, time.Minute, "git", "diff", "--name-only")
	if err != nil {
		return err
	}
	if strings.TrimSpace(out) != "" {
		return fmt.Errorf("the pre-commit hooks changed files of a fresh project:\n%s", out)
	}
	return nil
}

// coverageTotals is the "totals" object of `coverage json`.
type coverageTotals struct {
	Statements      int `json:"num_statements"`
	CoveredLines    int `json:"covered_lines"`
	Branches        int `json:"num_branches"`
	CoveredBranches int `json:"covered_branches"`
}

// minBranchCoverage is what the generated projects promise (their
// [tool.coverage.report] fail_under says the same).
const minBranchCoverage = 90.0

// stepCoverage runs the generated tests under coverage.py with branch
// measurement and records line and branch coverage for the summary.
func (r *variantRun) stepCoverage() error {
	env := r.env(unset("DATABASE_URL"), "COVERAGE_FILE="+filepath.Join(r.dir, ".coverage"))
	if _, err := r.exec(env, 10*time.Minute, r.bin("coverage"), "run", "-m", "pytest", "-q", "-p", "no:cacheprovider"); err != nil {
		return err
	}
	report := filepath.Join(r.dir, "coverage.json")
	// The threshold is judged below, after the numbers are recorded.
	if _, err := r.exec(env, 2*time.Minute, r.bin("coverage"), "json", "--fail-under", "0", "-o", report); err != nil {
		return err
	}
	data, err := os.ReadFile(report)
	if err != nil {
		return err
	}
	var doc struct {
		Totals coverageTotals `json:"totals"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("reading %s: %w", report, err)
	}
	tot := doc.Totals
	if tot.Statements == 0 || tot.Branches == 0 {
		return fmt.Errorf("coverage measured no statements or branches (%+v): is [tool.coverage.run] source right?", tot)
	}
	lines := 100 * float64(tot.CoveredLines) / float64(tot.Statements)
	branches := 100 * float64(tot.CoveredBranches) / float64(tot.Branches)
	r.coverage = fmt.Sprintf("coverage %.1f%% lines, %.1f%% branches", lines, branches)
	r.t.Logf("%s (%d/%d lines, %d/%d branches)", r.coverage, tot.CoveredLines, tot.Statements, tot.CoveredBranches, tot.Branches)
	// coverage report applies the project's own fail_under and lists what is
	// missed, for the log.
	if out, err := r.exec(env, 2*time.Minute, r.bin("coverage"), "report"); err != nil {
		return fmt.Errorf("coverage report failed (fail_under):\n%s", tail(out, 40))
	}
	if branches < minBranchCoverage {
		return fmt.Errorf("branch coverage %.1f%% is below %.0f%%", branches, minBranchCoverage)
	}
	return nil
}

// buildDist builds the sdist and, from the unpacked sdist, the wheel (what
// `python -m build` does), so a file that the sdist lacks breaks the wheel.
func (r *variantRun) buildDist() (sdist, wheel string, err error) {
	if r.sdist != "" {
		return r.sdist, r.wheel, nil
	}
	out := filepath.Join(r.dir, "dist")
	if _, err := r.exec(nil, 10*time.Minute, r.bin("python"), "-m", "build", "--outdir", out, "."); err != nil {
		return "", "", err
	}
	sdists, _ := filepath.Glob(filepath.Join(out, "*.tar.gz"))
	wheels, _ := filepath.Glob(filepath.Join(out, "*.whl"))
	if len(sdists) != 1 || len(wheels) != 1 {
		return "", "", fmt.Errorf("want one sdist and one wheel in %s, found %d and %d", out, len(sdists), len(wheels))
	}
	r.sdist, r.wheel = sdists[0], wheels[0]
	return r.sdist, r.wheel, nil
}

// stepSdist unpacks the sdist and runs the tests it carries against its own
// code.
func (r *variantRun) stepSdist() error {
	sdist, _, err := r.buildDist()
	if err != nil {
		return err
	}
	dir := filepath.Join(r.dir, "sdist")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if _, err := r.execIn(dir, nil, time.Minute, "tar", "-xzf", sdist, "--strip-components=1"); err != nil {
		return err
	}
	for _, want := range []string{"tests/__init__.py", "tests/conftest.py"} {
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			return fmt.Errorf("the sdist has no %s", want)
		}
	}
	// The unpacked sources go first on sys.path, ahead of the editable
	// install of the checkout; the probe proves which copy the tests import.
	env := r.env(unset("DATABASE_URL"), "PYTHONPATH="+dir)
	pkg := r.packageDirs()[0]
	out, err := r.execIn(dir, env, time.Minute, r.bin("python"), "-c", "import "+pkg+"; print("+pkg+".__file__)")
	if err != nil {
		return err
	}
	if !strings.HasPrefix(strings.TrimSpace(out), dir+string(filepath.Separator)) {
		return fmt.Errorf("from the sdist, %s is imported from %s, not from the sdist", pkg, strings.TrimSpace(out))
	}
	out, err = r.execIn(dir, env, 10*time.Minute, r.bin("pytest"), "-q", "-p", "no:cacheprovider")
	n, line := parsePytest(out)
	r.t.Logf("pytest in the unpacked sdist: %s", line)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("pytest in the unpacked sdist passed no test (%q)", line)
	}
	return nil
}

// stepWheelInstall installs the built wheel into a fresh virtualenv outside
// the checkout, then migrates, serves a page and checks that data landed in
// the working directory and nothing in site-packages.
func (r *variantRun) stepWheelInstall() error {
	_, wheel, err := r.buildDist()
	if err != nil {
		return err
	}
	if _, err := r.exec(nil, 2*time.Minute, r.bin("check-wheel-contents"), wheel); err != nil {
		return err
	}
	venv := filepath.Join(r.dir, "wheel-venv")
	run := filepath.Join(r.dir, "wheel-run")
	if err := os.MkdirAll(run, 0o755); err != nil {
		return err
	}
	if _, err := r.execIn(r.dir, mergeEnv(cleanEnviron()), 3*time.Minute, r.s.python, "-m", "venv", venv); err != nil {
		return err
	}
	bin := func(name string) string { return filepath.Join(venv, "bin", name) }
	env := mergeEnv(r.baseEnv(),
		"PATH="+filepath.Join(venv, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
		"VIRTUAL_ENV="+venv)
	if _, err := r.execIn(run, env, 10*time.Minute, bin("pip"), "install", wheel); err != nil {
		return err
	}
	var argv []string
	var health string
	hdr := forwardedHTTPS()
	switch r.v.Framework {
	case "flask":
		env = mergeEnv(env, "APP_ENV=production", "SECRET_KEY="+randomSecret(48), unset("DATABASE_URL"))
		if _, err := r.execIn(run, env, 3*time.Minute, bin("flask"), "--app", r.v.Project+".wsgi", "db", "upgrade"); err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(run, "instance", r.v.Project+".sqlite")); err != nil {
			return fmt.Errorf("after db upgrade the SQLite file is not in the working directory's instance/: %v", err)
		}
		argv, health = []string{r.v.Project + ".wsgi:app"}, "/healthz"
	case "django":
		env = mergeEnv(env,
			"DJANGO_SETTINGS_MODULE=config.settings.prod",
			"DJANGO_SECRET_KEY="+randomSecret(64),
			"DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost",
			unset("DATABASE_URL"))
		for _, args := range [][]string{{"migrate", "--noinput"}, {"collectstatic", "--noinput"}} {
			if _, err := r.execIn(run, env, 3*time.Minute, append([]string{bin("django-admin")}, args...)...); err != nil {
				return err
			}
		}
		if _, err := os.Stat(filepath.Join(run, "db.sqlite3")); err != nil {
			return fmt.Errorf("after migrate the SQLite file is not in the working directory: %v", err)
		}
		argv, health = []string{"config.wsgi:application"}, "/healthz/"
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	gargv := r.gunicorn(argv[0], port)
	gargv[0] = bin("gunicorn")
	srv, err := r.startServerIn(run, "wheel", env, port, gargv...)
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := srv.waitReady(health, hdr, 60*time.Second); err != nil {
		return err
	}
	cl := &checkList{r: r}
	for _, p := range []string{"/", r.loginPath()} {
		resp, err := request("GET", srv.base+p, hdr, nil)
		if err != nil {
			cl.fail("GET %s from the installed wheel: %v", p, err)
			continue
		}
		cl.ok(resp.StatusCode == 200 && strings.Contains(resp.body, "</html>"),
			"GET %s from the installed wheel -> %d (want 200 and a rendered page)", p, resp.StatusCode)
	}
	if err := cl.err(); err != nil {
		return fmt.Errorf("%w\n%s", err, srv.describe())
	}
	// Data stays out of the installed code.
	var strays []string
	_ = filepath.WalkDir(filepath.Join(venv, "lib"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n := d.Name()
			if strings.HasSuffix(n, ".sqlite") || strings.HasSuffix(n, ".sqlite3") || n == ".env" || n == "dev-secret-key" {
				strays = append(strays, p)
			}
		}
		return nil
	})
	if len(strays) > 0 {
		return fmt.Errorf("data files inside the virtualenv: %s", strings.Join(strays, ", "))
	}
	return nil
}

func (r *variantRun) loginPath() string {
	if r.v.Framework == "flask" {
		return "/auth/login"
	}
	return "/accounts/login/"
}

// usesUV tells whether the variant proves the uv workflow: one per framework,
// the one generated with the default answers.
func (r *variantRun) usesUV() bool { return len(r.v.Set) == 0 }

// stepUV follows the README's uv path on a copy of the project: `uv sync`
// then `uv run pytest`.
func (r *variantRun) stepUV() error {
	copyDir := filepath.Join(r.dir, "uv-project")
	if _, err := r.execIn(r.dir, nil, time.Minute, "cp", "-a", r.proj, copyDir); err != nil {
		return err
	}
	// The pre-commit step may have made a repository; uv does not need it.
	_ = os.RemoveAll(filepath.Join(copyDir, ".git"))
	env := mergeEnv(r.baseEnv(),
		"UV_CACHE_DIR="+filepath.Join(r.s.build, "uv-cache"),
		"UV_PYTHON="+r.s.python,
		"UV_PYTHON_DOWNLOADS=never",
		unset("VIRTUAL_ENV"), unset("DATABASE_URL"))
	if _, err := r.execIn(copyDir, env, 10*time.Minute, r.bin("uv"), "sync"); err != nil {
		return err
	}
	out, err := r.execIn(copyDir, env, 10*time.Minute, r.bin("uv"), "run", "pytest", "-q", "-p", "no:cacheprovider")
	n, line := parsePytest(out)
	r.t.Logf("uv run pytest: %s", line)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("uv run pytest passed no test (%q)", line)
	}
	return nil
}

// quality records one tool's count for the variant's summary.
func (r *variantRun) quality(tool, count string) {
	r.qualities = append(r.qualities, tool+" "+count)
}

// commonTailSteps are the last steps of every variant: those that make a git
// repository of the project (pre-commit) or copy it (uv) come after the
// steps that use the project folder as generated.
func (r *variantRun) commonTailSteps() []step {
	steps := []step{{name: "pre-commit", run: r.stepPreCommit}}
	if r.hasSchema() {
		steps = append(steps, step{name: "schemathesis", run: r.stepSchemathesis})
	}
	if r.usesUV() {
		steps = append(steps, step{name: "uv", run: r.stepUV})
	}
	return steps
}

// hasSchema tells whether the variant publishes an OpenAPI document.
func (r *variantRun) hasSchema() bool {
	if r.v.Framework == "flask" {
		return r.v.answer("api") == "true"
	}
	return r.v.answer("api_docs") == "true"
}

// schemathesisExamples bounds the examples per operation, which bounds the
// step's time: a few hundred requests in all.
const schemathesisExamples = 25

// schemaPath is where the variant publishes its OpenAPI document (JSON).
func (r *variantRun) schemaPath() string {
	if r.v.Framework == "flask" {
		return "/api/openapi.json"
	}
	return "/api/schema/?format=json"
}

// stepSchemathesis serves the development app, logs a new account in and
// lets schemathesis test every operation of the app's own schema with the
// session: each response must match what the schema documents.
func (r *variantRun) stepSchemathesis() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	var env []string
	var argv []string
	var health string
	switch r.v.Framework {
	case "flask":
		env = r.env("APP_ENV=development", "SECRET_KEY="+randomSecret(48), r.devDatabaseEnv())
		argv, health = r.gunicorn("wsgi:app", port), "/healthz"
	default:
		env = r.djangoDevEnv()
		argv = []string{r.bin("python"), "manage.py", "runserver", fmt.Sprintf("127.0.0.1:%d", port), "--noreload"}
		health = "/healthz/"
	}
	srv, err := r.startServer("schemathesis", env, port, argv...)
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := srv.waitReady(health, nil, 90*time.Second); err != nil {
		return err
	}
	var headers []string
	if r.v.Framework == "flask" {
		headers, err = r.flaskSession(srv)
	} else {
		headers, err = r.djangoSession(srv, env)
	}
	if err != nil {
		return fmt.Errorf("logging in for schemathesis: %w\n%s", err, srv.describe())
	}
	args := []string{r.bin("schemathesis"), "run", srv.base + r.schemaPath(),
		"--url", srv.base,
		"--max-examples", fmt.Sprint(schemathesisExamples),
		"--seed", "1",
		"--generation-database", "none",
		"--request-timeout", "10",
		// The session comes from the headers below; generating (and
		// removing) the schema's session cookie would fight them.
		"--generation-with-security-parameters", "false",
		"--report", "junit", "--report-dir", filepath.Join(r.dir, "schemathesis"),
	}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	out, err := r.exec(nil, 10*time.Minute, args...)
	if m := regexp.MustCompile(`(?m)^\s*Test cases:\s*\n\s*(.+)$`).FindStringSubmatch(out); m != nil {
		r.quality("schemathesis", strings.TrimSpace(m[1]))
	}
	if err != nil {
		return fmt.Errorf("%w\n%s", err, srv.describe())
	}
	return nil
}

// inputValue is the value of the first input named name in a page.
func inputValue(html, name string) string {
	for _, tag := range inputTagRe.FindAllString(html, -1) {
		if a := htmlAttrs(tag); a["name"] == name {
			return a["value"]
		}
	}
	return ""
}

// postForm posts a form with the cookies given and returns the response.
func postForm(url string, form map[string]string, cookies []*http.Cookie, extra http.Header) (*response, error) {
	values := neturl.Values{}
	for k, v := range form {
		values.Set(k, v)
	}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for k, vs := range extra {
		h[k] = vs
	}
	if len(cookies) > 0 {
		h.Set("Cookie", cookieHeader(cookies))
	}
	return request("POST", url, h, strings.NewReader(values.Encode()))
}

// mergeCookies returns old with the cookies of set replacing those of the
// same name.
func mergeCookies(old, set []*http.Cookie) []*http.Cookie {
	byName := map[string]*http.Cookie{}
	var order []string
	for _, c := range append(append([]*http.Cookie(nil), old...), set...) {
		if _, ok := byName[c.Name]; !ok {
			order = append(order, c.Name)
		}
		byName[c.Name] = c
	}
	var out []*http.Cookie
	for _, n := range order {
		out = append(out, byName[n])
	}
	return out
}

// flaskSession registers and logs in an account through the forms and
// returns the request headers that carry its session.
func (r *variantRun) flaskSession(srv *server) ([]string, error) {
	email := "st-" + randomHex(4) + "@example.com"
	password := "St-pass-" + randomHex(6)
	var cookies []*http.Cookie
	for _, st := range []struct {
		path string
		form map[string]string
	}{
		{"/auth/register", map[string]string{"email": email, "password": password, "confirm": password}},
		{"/auth/login", map[string]string{"email": email, "password": password}},
	} {
		page, err := request("GET", srv.base+st.path, cookieHeaders(cookies), nil)
		if err != nil {
			return nil, err
		}
		cookies = mergeCookies(cookies, page.Cookies())
		st.form["csrf_token"] = inputValue(page.body, "csrf_token")
		resp, err := postForm(srv.base+st.path, st.form, cookies, nil)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != 302 {
			return nil, fmt.Errorf("POST %s -> %d, want 302", st.path, resp.StatusCode)
		}
		cookies = mergeCookies(cookies, resp.Cookies())
	}
	me, err := request("GET", srv.base+"/api/me", cookieHeaders(cookies), nil)
	if err != nil {
		return nil, err
	}
	if me.StatusCode != 200 {
		return nil, fmt.Errorf("GET /api/me with the session -> %d, want 200", me.StatusCode)
	}
	return []string{"Cookie: " + cookieHeader(cookies)}, nil
}

// djangoSession makes a user the documented way (createsuperuser
// --noinput), logs it in through the login form and returns the headers of
// its session, with the CSRF token that DRF wants on writes.
func (r *variantRun) djangoSession(srv *server, env []string) ([]string, error) {
	user, password := "st"+randomHex(4), "St-pass-"+randomHex(6)
	if _, err := r.manage(mergeEnv(env,
		"DJANGO_SUPERUSER_USERNAME="+user,
		"DJANGO_SUPERUSER_EMAIL="+user+"@example.com",
		"DJANGO_SUPERUSER_PASSWORD="+password,
	), "createsuperuser", "--noinput"); err != nil {
		return nil, err
	}
	page, err := request("GET", srv.base+"/accounts/login/", nil, nil)
	if err != nil {
		return nil, err
	}
	cookies := page.Cookies()
	resp, err := postForm(srv.base+"/accounts/login/", map[string]string{
		"username":            user,
		"password":            password,
		"csrfmiddlewaretoken": inputValue(page.body, "csrfmiddlewaretoken"),
	}, cookies, nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 302 {
		return nil, fmt.Errorf("POST /accounts/login/ -> %d, want 302", resp.StatusCode)
	}
	cookies = mergeCookies(cookies, resp.Cookies())
	var csrf string
	for _, c := range cookies {
		if c.Name == "csrftoken" {
			csrf = c.Value
		}
	}
	if csrf == "" {
		return nil, fmt.Errorf("no csrftoken cookie after logging in (cookies: %s)", cookieNames(cookies))
	}
	return []string{"Cookie: " + cookieHeader(cookies), "X-CSRFToken: " + csrf}, nil
}

func cookieHeaders(cookies []*http.Cookie) http.Header {
	if len(cookies) == 0 {
		return nil
	}
	return http.Header{"Cookie": {cookieHeader(cookies)}}
}
