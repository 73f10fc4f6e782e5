//go:build e2e

package e2e

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func (r *variantRun) flaskSteps() []step {
	steps := []step{
		{name: "generate", fatal: true, run: r.stepGenerate},
		{name: "install", fatal: true, run: r.stepInstall},
		{name: "migrate", run: r.flaskMigrate},
		{name: "pytest", run: r.stepPytest},
		{name: "ruff-check", run: r.stepRuffCheck},
		{name: "ruff-format", run: r.stepRuffFormat},
		{name: "mypy", run: r.stepMypy},
		{name: "pyright", run: r.stepPyright},
		{name: "djlint", run: r.stepDjlint},
		{name: "bandit", run: r.stepBandit},
		{name: "coverage", run: r.stepCoverage},
		{name: "gunicorn-prod", run: r.flaskProduction},
		{name: "attack", run: r.attack},
		{name: "browser", run: r.flaskBrowser},
		{name: "wheel", run: r.flaskWheel},
		{name: "sdist-tests", run: r.stepSdist},
		{name: "wheel-install", run: r.stepWheelInstall},
	}
	steps = append(steps, r.commonTailSteps()...)
	if r.usesPostgres() {
		steps = append(steps, step{name: "postgres", run: r.flaskPostgres})
	}
	return steps
}

// flaskDBCommand is the `flask ... db upgrade` command of the generated
// README, split into its environment assignments and the arguments between
// "flask" and "db upgrade".
type flaskDBCommand struct {
	env  []string
	args []string // after "flask", up to and without "db upgrade"
	text string
}

var flaskUpgradeRe = regexp.MustCompile("((?:[A-Z_][A-Z0-9_]*=[^\\s`]+[ \\t]+)*flask(?:[ \\t]+[^\\s`]+)*?[ \\t]+db[ \\t]+upgrade)\\b")

// flaskDB reads the README's migration command. The contract says the README
// documents it; without one the suite falls back to `flask --app wsgi`.
func (r *variantRun) flaskDB() flaskDBCommand {
	if r.flaskDBCmd != nil {
		return *r.flaskDBCmd
	}
	c := r.readFlaskDB()
	r.flaskDBCmd = &c
	return c
}

func (r *variantRun) readFlaskDB() flaskDBCommand {
	readme, _ := os.ReadFile(filepath.Join(r.proj, "README.md"))
	m := flaskUpgradeRe.FindStringSubmatch(string(readme))
	if m == nil {
		r.note("README.md documents no `flask ... db upgrade` command; using `flask --app wsgi db upgrade`")
		return flaskDBCommand{args: []string{"--app", "wsgi"}, text: "flask --app wsgi db upgrade"}
	}
	var c flaskDBCommand
	c.text = m[1]
	fields := strings.Fields(m[1])
	i := 0
	for ; i < len(fields) && fields[i] != "flask"; i++ {
		c.env = append(c.env, strings.Trim(fields[i], `'"`))
	}
	c.args = fields[i+1 : len(fields)-2]
	return c
}

// flaskDBRun runs `flask <args> db <sub>` with the README's environment on
// top of env.
func (r *variantRun) flaskDBRun(c flaskDBCommand, env []string, sub string) (string, error) {
	argv := append([]string{r.bin("flask")}, c.args...)
	argv = append(argv, "db", sub)
	return r.exec(mergeEnv(env, c.env...), 3*time.Minute, argv...)
}

// devDatabaseEnv is the DATABASE_URL of the development steps: the project's
// own default for SQLite variants (the contract: SQLite under instance/), a
// SQLite file for PostgreSQL variants (whose default needs a server; the
// postgres step covers that).
func (r *variantRun) devDatabaseEnv() string {
	if r.usesPostgres() {
		return "DATABASE_URL=" + r.sqliteURL("dev.sqlite3")
	}
	return unset("DATABASE_URL")
}

func (r *variantRun) flaskMigrate() error {
	c := r.flaskDB()
	r.t.Logf("README migration command: %s", c.text)
	env := r.env(unset("APP_ENV"), r.devDatabaseEnv())
	if _, err := r.flaskDBRun(c, env, "upgrade"); err != nil {
		return err
	}
	if _, err := r.flaskDBRun(c, env, "check"); err != nil {
		return fmt.Errorf("the models and the migrations differ:\n%w", err)
	}
	if !r.usesPostgres() {
		// The contract: without DATABASE_URL, SQLite under instance/.
		var dbs []string
		entries, _ := os.ReadDir(filepath.Join(r.proj, "instance"))
		for _, e := range entries {
			if n := e.Name(); !e.IsDir() && (strings.Contains(n, ".sqlite") || strings.HasSuffix(n, ".db")) {
				dbs = append(dbs, n)
			}
		}
		if len(dbs) == 0 {
			return fmt.Errorf("without DATABASE_URL the migrations made no SQLite database under instance/ (the contract's default)")
		}
		r.t.Logf("default database: instance/%s", strings.Join(dbs, ", instance/"))
	}
	return nil
}

// forwardedHTTPS is what a TLS-terminating proxy adds.
func forwardedHTTPS() http.Header {
	return http.Header{"X-Forwarded-Proto": {"https"}}
}

func (r *variantRun) flaskProduction() error {
	c := r.flaskDB()
	dbURL := r.sqliteURL("prod.sqlite3")
	env := r.env("APP_ENV=production", "SECRET_KEY="+randomSecret(48), "DATABASE_URL="+dbURL)
	if _, err := r.flaskDBRun(c, env, "upgrade"); err != nil {
		return fmt.Errorf("migrating the production database: %w", err)
	}
	// The requests carry X-Forwarded-Proto: https as a TLS proxy would, so an
	// app that redirects plain http in production still answers.
	hdr := forwardedHTTPS()
	serving := r.withServer("gunicorn-prod", env, "/healthz", hdr, func(port int) []string { return r.gunicorn("wsgi:app", port) },
		func(srv *server, cl *checkList) { r.checkFlaskProduction(cl, srv, hdr) })

	// Production without SECRET_KEY must refuse to start.
	noSecret := r.env("APP_ENV=production", unset("SECRET_KEY"), "DATABASE_URL="+dbURL)
	refusal := r.expectRefusal("gunicorn-prod-no-secret", noSecret, "/healthz", hdr, 45*time.Second,
		func(port int) []string { return r.gunicorn("wsgi:app", port) })
	return errors.Join(serving, refusal)
}

func (r *variantRun) checkFlaskProduction(cl *checkList, srv *server, hdr http.Header) {
	// /healthz: 200 JSON
	if resp, err := request("GET", srv.base+"/healthz", hdr, nil); err != nil {
		cl.fail("GET /healthz: %v", err)
	} else {
		cl.ok(resp.StatusCode == 200, "GET /healthz -> %d (want 200)", resp.StatusCode)
		ct := resp.Header.Get("Content-Type")
		var v any
		cl.ok(strings.HasPrefix(ct, "application/json") && json.Unmarshal([]byte(resp.body), &v) == nil,
			"GET /healthz is JSON (Content-Type %q, body %q)", ct, firstLine(resp.body))
	}

	// The login page: a hidden csrf_token and a hardened session cookie.
	login, err := request("GET", srv.base+"/auth/login", hdr, nil)
	if err != nil {
		cl.fail("GET /auth/login: %v", err)
		return
	}
	cl.ok(login.StatusCode == 200, "GET /auth/login -> %d (want 200)", login.StatusCode)
	token, hidden := csrfInput(login.body)
	cl.ok(token != "" && hidden, "the login page has a hidden csrf_token input (found=%v hidden=%v)", token != "", hidden)
	cookies := login.Cookies()
	where := "GET /auth/login"
	if sessionCookie(cookies) == nil && token != "" {
		// Some apps set the session only when a form is posted.
		form := url.Values{"csrf_token": {token}, "email": {"nobody@example.com"}, "password": {"wrong-password"}}
		h := hdr.Clone()
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		h.Set("Cookie", cookieHeader(cookies))
		if resp, err := request("POST", srv.base+"/auth/login", h, strings.NewReader(form.Encode())); err == nil {
			cookies = append(cookies, resp.Cookies()...)
			where = "POST /auth/login"
		}
	}
	if sc := sessionCookie(cookies); sc == nil {
		cl.fail("no session cookie was set by GET or POST /auth/login (cookies: %s)", cookieNames(cookies))
	} else {
		cl.ok(sc.Secure, "session cookie %q (set by %s) has Secure", sc.Name, where)
		cl.ok(sc.HttpOnly, "session cookie %q has HttpOnly", sc.Name)
		cl.ok(sc.SameSite == http.SameSiteLaxMode, "session cookie %q has SameSite=Lax (raw: %s)", sc.Name, sc.Raw)
	}

	// A login POST without the CSRF token is refused with 400.
	form := url.Values{"email": {"nobody@example.com"}, "password": {"wrong-password"}}
	h := hdr.Clone()
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	if len(login.Cookies()) > 0 {
		h.Set("Cookie", cookieHeader(login.Cookies()))
	}
	if resp, err := request("POST", srv.base+"/auth/login", h, strings.NewReader(form.Encode())); err != nil {
		cl.fail("POST /auth/login without csrf_token: %v", err)
	} else {
		cl.ok(resp.StatusCode == 400, "POST /auth/login without csrf_token -> %d (want 400)", resp.StatusCode)
	}
}

var (
	inputTagRe = regexp.MustCompile(`(?is)<input\b[^>]*>`)
	attrRe     = regexp.MustCompile(`(?is)([a-z_:][-a-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))`)
)

// htmlAttrs parses the attributes of one start tag.
func htmlAttrs(tag string) map[string]string {
	attrs := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(tag, -1) {
		attrs[strings.ToLower(m[1])] = m[2] + m[3] + m[4]
	}
	return attrs
}

// csrfInput finds the input named csrf_token: its value and whether it is
// of type hidden.
func csrfInput(html string) (value string, hidden bool) {
	for _, tag := range inputTagRe.FindAllString(html, -1) {
		a := htmlAttrs(tag)
		if a["name"] == "csrf_token" {
			return a["value"], strings.EqualFold(a["type"], "hidden")
		}
	}
	return "", false
}

// sessionCookie picks the session cookie: the one whose name contains
// "session", or the only cookie.
func sessionCookie(cookies []*http.Cookie) *http.Cookie {
	for _, c := range cookies {
		if strings.Contains(strings.ToLower(c.Name), "session") {
			return c
		}
	}
	if len(cookies) == 1 {
		return cookies[0]
	}
	return nil
}

func cookieHeader(cookies []*http.Cookie) string {
	var parts []string
	for _, c := range cookies {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

func cookieNames(cookies []*http.Cookie) string {
	if len(cookies) == 0 {
		return "none"
	}
	var names []string
	for _, c := range cookies {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

// flaskBrowser drives the account flow in Chromium against gunicorn.
func (r *variantRun) flaskBrowser() error {
	b, err := r.newBrowser()
	if err != nil {
		return err
	}
	defer b.close()

	// The development configuration: the browser talks plain http to
	// 127.0.0.1, and production marks the session cookie Secure, which a
	// browser does not send back over http. The production cookie flags are
	// checked in the gunicorn-prod step.
	env := r.env("APP_ENV=development", "SECRET_KEY="+randomSecret(48), r.devDatabaseEnv())
	port, err := freePort()
	if err != nil {
		return err
	}
	srv, err := r.startServer("gunicorn-dev", env, port,
		r.gunicorn("wsgi:app", port)...)
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := srv.waitReady("/healthz", nil, 60*time.Second); err != nil {
		return err
	}
	b.base = srv.base
	if err := r.flaskBrowserFlow(b); err != nil {
		b.failureShot(r.v.Name + "-failure")
		return fmt.Errorf("%w\n%s", err, srv.describe())
	}
	if err := r.browserReset(b, srv, r.browserAccount, "/auth/reset", "/auth/login"); err != nil {
		b.failureShot(r.v.Name + "-reset-failure")
		return fmt.Errorf("%w\n%s", err, srv.describe())
	}
	return b.checkCSP()
}

func (r *variantRun) flaskBrowserFlow(b *browser) error {
	id := randomHex(4)
	acct := &account{
		email:    "e2e-" + id + "@example.com",
		username: "e2e" + id,
		password: "E2e-pass-" + randomHex(6) + "!",
	}
	r.browserAccount = acct

	// Register.
	if err := b.open("/auth/register", 200); err != nil {
		return err
	}
	if _, err := b.fillAndSubmit(`f => f.querySelector('input[type=password]')`, acct.registerValue); err != nil {
		return fmt.Errorf("register: %w", err)
	}
	if p := b.path(); p == "/auth/register" {
		return fmt.Errorf("register: still on %s after submitting the form; page says:\n%s", p, b.text(1500))
	}

	// A fresh browser session, then log in.
	if err := b.clearCookies(); err != nil {
		return err
	}
	if err := b.open("/auth/login", 200); err != nil {
		return err
	}
	if _, err := b.fillAndSubmit(`f => f.querySelector('input[type=password]')`, acct.loginValue); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if p := b.path(); p == "/auth/login" {
		return fmt.Errorf("login: still on %s after submitting the form; page says:\n%s", p, b.text(1500))
	}

	// The dashboard shows the user's e-mail.
	if err := b.open("/dashboard", 200); err != nil {
		return err
	}
	if p := b.path(); p != "/dashboard" {
		return fmt.Errorf("dashboard: redirected to %s although logged in", p)
	}
	if !strings.Contains(b.text(0), acct.email) {
		return fmt.Errorf("dashboard does not show %s; page says:\n%s", acct.email, b.text(1500))
	}
	if err := b.screenshot(r.v.Name + "-dashboard"); err != nil {
		return err
	}

	// Log out with the POST form's button.
	if err := b.submitForm(`f => (f.getAttribute('action') || '').includes('/auth/logout')`); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	// The dashboard now sends us to the login page.
	if err := b.open("/dashboard", 0); err != nil {
		return err
	}
	if p := b.path(); !strings.HasPrefix(p, "/auth/login") {
		return fmt.Errorf("after logout /dashboard ended at %s, want the login page", p)
	}
	if strings.Contains(b.text(0), acct.email) {
		return fmt.Errorf("after logout the login page still shows %s", acct.email)
	}
	return nil
}

// flaskWheel builds the wheel and checks that it ships templates and static
// files.
func (r *variantRun) flaskWheel() error {
	out := filepath.Join(r.dir, "wheel")
	if _, err := r.exec(nil, 10*time.Minute, r.bin("pip"), "wheel", "--no-deps", ".", "-w", out); err != nil {
		return err
	}
	wheels, _ := filepath.Glob(filepath.Join(out, "*.whl"))
	if len(wheels) != 1 {
		return fmt.Errorf("want one wheel in %s, found %d", out, len(wheels))
	}
	zr, err := zip.OpenReader(wheels[0])
	if err != nil {
		return err
	}
	defer zr.Close()
	var templates, static []string
	for _, f := range zr.File {
		switch {
		case strings.Contains(f.Name, "/templates/") && strings.HasSuffix(f.Name, ".html"):
			templates = append(templates, f.Name)
		case strings.Contains(f.Name, "/static/") && !strings.HasSuffix(f.Name, "/"):
			static = append(static, f.Name)
		}
	}
	r.t.Logf("%s: %d files, %d templates, %d static files", filepath.Base(wheels[0]), len(zr.File), len(templates), len(static))
	r.logf("templates: %s\nstatic: %s", strings.Join(templates, " "), strings.Join(static, " "))
	cl := &checkList{r: r}
	cl.ok(len(templates) > 0, "the wheel contains templates/*.html (%d)", len(templates))
	cl.ok(len(static) > 0, "the wheel contains static files (%d)", len(static))
	if cl.err() != nil {
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		return fmt.Errorf("%w\nwheel %s contains:\n%s", cl.err(), filepath.Base(wheels[0]), indent(strings.Join(names, "\n")))
	}
	return nil
}

// flaskPostgres migrates a PostgreSQL database and runs the generated tests
// against it when they honour DATABASE_URL.
func (r *variantRun) flaskPostgres() error {
	pg, reason := postgres(r.s.build)
	if pg == nil {
		r.t.Logf("postgres: skipped (no server)")
		return skipStep("postgres: skipped (no server): %s", reason)
	}
	db, err := pg.createDatabase(r.v.Name)
	if err != nil {
		return err
	}
	c := r.flaskDB()
	env := r.env(unset("APP_ENV"), "DATABASE_URL="+db.url)
	if _, err := r.flaskDBRun(c, env, "upgrade"); err != nil {
		return err
	}
	if _, err := r.flaskDBRun(c, env, "check"); err != nil {
		return fmt.Errorf("the models and the migrations differ on PostgreSQL:\n%w", err)
	}
	tables, err := pg.psql(db.name, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`)
	if err != nil {
		return err
	}
	r.t.Logf("postgres: %s has %s tables after the migrations", db.name, strings.TrimSpace(tables))
	if n, _ := strconv.Atoi(strings.TrimSpace(tables)); n < 2 {
		return fmt.Errorf("postgres: only %d tables after flask db upgrade", n)
	}
	return r.pytestOnPostgres(pg, db, r.env(unset("APP_ENV"), "DATABASE_URL="+db.url))
}

// pytestOnPostgres runs pytest with DATABASE_URL set and finds out from the
// server's connection log whether the tests used it.
func (r *variantRun) pytestOnPostgres(pg *pgServer, db pgDatabase, env []string) error {
	// A project may keep its tests on SQLite unless a separate variable
	// names the test database; use it when the README documents it.
	if readme, err := os.ReadFile(filepath.Join(r.proj, "README.md")); err == nil && strings.Contains(string(readme), "TEST_DATABASE_URL") {
		env = mergeEnv(env, "TEST_DATABASE_URL="+db.url)
		r.t.Logf("postgres: README documents TEST_DATABASE_URL; setting it too")
	}
	before := pg.connections(db.role)
	out, err := r.exec(env, 10*time.Minute, r.bin("pytest"))
	n, line := parsePytest(out)
	used := pg.connections(db.role) - before
	if used == 0 {
		r.note("the generated tests do not use DATABASE_URL/TEST_DATABASE_URL (no connection to PostgreSQL during pytest): postgres covered the migrations only")
		r.t.Logf("postgres: pytest with DATABASE_URL: %s (tests ran on their own database)", line)
	} else {
		r.t.Logf("postgres: pytest with DATABASE_URL: %s (%d connections as %s)", line, used, db.role)
	}
	if err != nil {
		return fmt.Errorf("pytest with DATABASE_URL=%s failed:\n%w", maskURLPassword(db.url), err)
	}
	if n == 0 {
		return fmt.Errorf("pytest with DATABASE_URL reported no passed test (%q)", line)
	}
	return nil
}
