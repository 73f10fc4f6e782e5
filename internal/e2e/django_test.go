//go:build e2e

package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

func (r *variantRun) djangoSteps() []step {
	steps := []step{
		{name: "generate", fatal: true, run: r.stepGenerate},
		{name: "install", fatal: true, run: r.stepInstall},
		{name: "check", run: func() error { _, err := r.manage(r.djangoDevEnv(), "check"); return err }},
		{name: "makemigrations", run: func() error {
			_, err := r.manage(r.djangoDevEnv(), "makemigrations", "--check", "--dry-run")
			return err
		}},
		{name: "migrate", run: func() error { _, err := r.manage(r.djangoDevEnv(), "migrate", "--noinput"); return err }},
		{name: "pytest", run: r.stepPytest},
		{name: "ruff-check", run: r.stepRuffCheck},
		{name: "ruff-format", run: r.stepRuffFormat},
		{name: "mypy", run: r.stepMypy},
		{name: "pyright", run: r.stepPyright},
		{name: "djlint", run: r.stepDjlint},
		{name: "bandit", run: r.stepBandit},
		{name: "coverage", run: r.stepCoverage},
		{name: "check-deploy", run: r.djangoCheckDeploy},
		{name: "collectstatic", run: func() error {
			out, err := r.manage(r.djangoProdEnv(), "collectstatic", "--noinput")
			r.t.Logf("collectstatic: %s", lastLine(out))
			return err
		}},
		{name: "gunicorn-prod", run: r.djangoProduction},
		{name: "attack", run: r.attack},
		{name: "browser", run: r.djangoBrowser},
		{name: "sdist-tests", run: r.stepSdist},
		{name: "wheel-install", run: r.stepWheelInstall},
	}
	steps = append(steps, r.commonTailSteps()...)
	if r.usesPostgres() {
		steps = append(steps, step{name: "postgres", run: r.djangoPostgres})
	}
	return steps
}

// manage runs `python manage.py <args>` in the project.
func (r *variantRun) manage(env []string, args ...string) (string, error) {
	argv := append([]string{r.bin("python"), "manage.py"}, args...)
	return r.exec(env, 5*time.Minute, argv...)
}

// djangoDevEnv is the environment of the development steps: manage.py's
// default settings (config.settings.dev).
func (r *variantRun) djangoDevEnv() []string {
	return r.env(unset("DJANGO_SETTINGS_MODULE"), r.devDatabaseEnv())
}

// djangoProdEnv is the production environment; its secret is made once per
// variant, so check --deploy, collectstatic and gunicorn share it and the
// database.
func (r *variantRun) djangoProdEnv() []string {
	if r.prodSecret == "" {
		r.prodSecret = randomSecret(64)
	}
	return r.env(
		"DJANGO_SETTINGS_MODULE=config.settings.prod",
		"DJANGO_SECRET_KEY="+r.prodSecret,
		"DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost",
		"DJANGO_CSRF_TRUSTED_ORIGINS=https://localhost",
		"DATABASE_URL="+r.sqliteURL("prod.sqlite3"),
	)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func (r *variantRun) djangoCheckDeploy() error {
	out, err := r.manage(r.djangoProdEnv(), "check", "--deploy", "--fail-level", "WARNING")
	r.t.Logf("check --deploy output:\n%s", indent(strings.TrimSpace(out)))
	return err
}

func (r *variantRun) djangoProduction() error {
	env := r.djangoProdEnv()
	if _, err := r.manage(env, "migrate", "--noinput"); err != nil {
		return fmt.Errorf("migrating the production database: %w", err)
	}
	https := forwardedHTTPS()
	gunicorn := func(port int) []string { return r.gunicorn("config.wsgi:application", port) }
	serving := r.withServer("gunicorn-prod", env, "/healthz/", https, gunicorn,
		func(srv *server, cl *checkList) { r.checkDjangoProduction(cl, srv, https) })

	// Production without DJANGO_SECRET_KEY must refuse to start.
	noSecret := mergeEnv(env, unset("DJANGO_SECRET_KEY"))
	refusal := r.expectRefusal("gunicorn-prod-no-secret", noSecret, "/healthz/", https, 45*time.Second, gunicorn)
	return errors.Join(serving, refusal)
}

func (r *variantRun) checkDjangoProduction(cl *checkList, srv *server, https http.Header) {
	get := func(path string, h http.Header) *response {
		resp, err := request("GET", srv.base+path, h, nil)
		if err != nil {
			cl.fail("GET %s: %v", path, err)
			return nil
		}
		return resp
	}
	isJSON := func(resp *response) bool {
		var v any
		return strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && json.Unmarshal([]byte(resp.body), &v) == nil
	}

	// Behind TLS: the home page with the security headers.
	if resp := get("/", https); resp != nil {
		cl.ok(resp.StatusCode == 200, "GET / (https) -> %d (want 200)", resp.StatusCode)
		hsts := resp.Header.Get("Strict-Transport-Security")
		cl.ok(strings.Contains(hsts, "max-age=") && !strings.Contains(hsts, "max-age=0"), "Strict-Transport-Security: %q", hsts)
		cl.ok(resp.Header.Get("X-Frame-Options") == "DENY", "X-Frame-Options: %q (want DENY)", resp.Header.Get("X-Frame-Options"))
		cl.ok(resp.Header.Get("X-Content-Type-Options") == "nosniff", "X-Content-Type-Options: %q (want nosniff)", resp.Header.Get("X-Content-Type-Options"))
		cl.ok(resp.Header.Get("Referrer-Policy") != "", "Referrer-Policy: %q", resp.Header.Get("Referrer-Policy"))
	}
	// Plain http is redirected to https.
	if resp := get("/", nil); resp != nil {
		loc := resp.Header.Get("Location")
		cl.ok(resp.StatusCode == 301 && strings.HasPrefix(loc, "https://"), "GET / (plain http) -> %d Location %q (want 301 to https://)", resp.StatusCode, loc)
	}
	// A Host that is not allowed.
	h := https.Clone()
	h.Set("Host", "evil.example")
	if resp := get("/", h); resp != nil {
		cl.ok(resp.StatusCode == 400, "GET / with Host: evil.example -> %d (want 400)", resp.StatusCode)
	}
	for _, p := range []string{"/healthz/", "/api/health/"} {
		if resp := get(p, https); resp != nil {
			cl.ok(resp.StatusCode == 200 && isJSON(resp), "GET %s (https) -> %d %s (want 200 JSON)", p, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	// The API is not open to anonymous users: with session authentication
	// DRF answers 403, which the project's README promises.
	api := r.apiResourcePath()
	if resp := get(api, https); resp != nil {
		cl.ok(resp.StatusCode == 403, "GET %s (https, anonymous) -> %d (want 403)", api, resp.StatusCode)
	}
}

// djangoBrowser drives sign-up, log-in, the browsable API, log-out and the
// admin in Chromium, against the development server.
func (r *variantRun) djangoBrowser() error {
	b, err := r.newBrowser()
	if err != nil {
		return err
	}
	defer b.close()

	// Development settings over plain http (production redirects to https
	// and marks its cookies Secure; the gunicorn-prod step covers those).
	env := r.djangoDevEnv()
	port, err := freePort()
	if err != nil {
		return err
	}
	srv, err := r.startServer("runserver-dev", env, port,
		r.bin("python"), "manage.py", "runserver", fmt.Sprintf("127.0.0.1:%d", port), "--noreload")
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := srv.waitReady("/healthz/", nil, 90*time.Second); err != nil {
		return err
	}
	b.base = srv.base
	if err := r.djangoBrowserFlow(b, env); err != nil {
		b.failureShot(r.v.Name + "-failure")
		return fmt.Errorf("%w\n%s", err, srv.describe())
	}
	if err := r.browserReset(b, srv, r.browserAccount, "/accounts/password_reset/", "/accounts/login/"); err != nil {
		b.failureShot(r.v.Name + "-reset-failure")
		return fmt.Errorf("%w\n%s", err, srv.describe())
	}
	if r.v.answer("api_docs") == "true" {
		// Swagger UI runs its scripts under the policy too.
		if err := b.open("/api/docs/", 200); err != nil {
			return err
		}
		time.Sleep(1500 * time.Millisecond) // Swagger UI fetches the schema and renders
		if ok, _ := b.eval(`!!document.querySelector('.swagger-ui .info')`); !ok {
			return fmt.Errorf("Swagger UI did not render at /api/docs/; page says:\n%s", b.text(800))
		}
	}
	if err := b.checkCSP(); err != nil {
		return err
	}
	if r.v.answer("api_docs") == "true" {
		return r.djangoAPIDocs(srv)
	}
	return nil
}

func (r *variantRun) djangoBrowserFlow(b *browser, env []string) error {
	id := randomHex(4)
	acct := &account{
		email:    "e2e-" + id + "@example.com",
		username: "e2e" + id,
		password: "E2e-pass-" + randomHex(6) + "!",
	}
	r.browserAccount = acct
	hasPassword := `f => f.querySelector('input[type=password]')`

	// Sign up.
	if err := b.open("/accounts/signup/", 200); err != nil {
		return err
	}
	if _, err := b.fillAndSubmit(hasPassword, acct.registerValue); err != nil {
		return fmt.Errorf("sign-up: %w", err)
	}
	if p := b.path(); p == "/accounts/signup/" {
		return fmt.Errorf("sign-up: still on %s after submitting the form; page says:\n%s", p, b.text(1500))
	}

	// A fresh session, then log in.
	if err := b.clearCookies(); err != nil {
		return err
	}
	if err := b.open("/accounts/login/", 200); err != nil {
		return err
	}
	if _, err := b.fillAndSubmit(hasPassword, acct.loginValue); err != nil {
		return fmt.Errorf("log-in: %w", err)
	}
	afterLogin := b.path()
	if afterLogin == "/accounts/login/" {
		return fmt.Errorf("log-in: still on %s after submitting the form; page says:\n%s", afterLogin, b.text(1500))
	}

	// Create an object with the HTML form of the browsable API.
	api := r.apiResourcePath()
	if err := b.open(api, 200); err != nil {
		return fmt.Errorf("the API list as a logged-in user: %w", err)
	}
	token := "e2e-" + randomHex(5)
	if err := b.markForm(`f => f.closest('#post-object-form')`); err != nil {
		return fmt.Errorf("the browsable API at %s has no HTML form for POST (#post-object-form): %w", api, err)
	}
	fs, err := b.fields()
	if err != nil {
		return err
	}
	status, err := b.fillAndSubmit(`f => f.closest('#post-object-form')`, func(f formField) string {
		switch {
		case f.Type == "checkbox" || f.Type == "password" || f.Type == "date" || f.Type == "datetime-local" || f.Type == "time":
			return ""
		case f.Type == "email":
			return acct.email
		case f.Type == "url":
			return "http://127.0.0.1/" + token
		case f.Type == "number":
			return "1"
		}
		return token + " " + f.Name
	})
	if err != nil {
		return fmt.Errorf("POST through the browsable API (fields %v): %w", fieldNames(fs), err)
	}
	if status != 201 {
		return fmt.Errorf("POST through the browsable API (fields %v) answered %d, want 201 Created; page says:\n%s", fieldNames(fs), status, b.text(2000))
	}
	if err := b.open(api, 200); err != nil {
		return err
	}
	if !strings.Contains(b.text(0), token) {
		return fmt.Errorf("the object created through the API (%s) is not listed at %s; page says:\n%s", token, api, b.text(2000))
	}
	if err := b.screenshot(r.v.Name + "-api"); err != nil {
		return err
	}

	// Log out with the POST button of the site's pages.
	isLogout := `f => (f.getAttribute('action') || '').includes('/accounts/logout')`
	found := false
	for _, p := range []string{"/", afterLogin} {
		if err := b.open(p, 0); err != nil {
			return err
		}
		if ok, _ := b.eval(`Array.from(document.forms).some(` + isLogout + `)`); ok {
			found = true
			break
		}
	}
	if !found {
		return fmt.Errorf("no log-out form (POST to /accounts/logout/) on / or %s; page says:\n%s", afterLogin, b.text(1500))
	}
	if err := b.submitForm(isLogout); err != nil {
		return fmt.Errorf("log-out: %w", err)
	}
	if err := b.open("/", 0); err != nil {
		return err
	}
	if ok, _ := b.eval(`Array.from(document.forms).some(` + isLogout + `)`); ok {
		return fmt.Errorf("after log-out / still shows a log-out form")
	}
	if err := b.open(api, 0); err != nil {
		return err
	}
	if strings.Contains(b.text(0), token) {
		return fmt.Errorf("after log-out %s still lists %s", api, token)
	}

	// The admin, with a superuser made the documented way.
	admin := &account{
		username: "admin" + id,
		email:    "admin-" + id + "@example.com",
		password: "Adm-pass-" + randomHex(6) + "!",
	}
	if _, err := r.manage(mergeEnv(env,
		"DJANGO_SUPERUSER_USERNAME="+admin.username,
		"DJANGO_SUPERUSER_EMAIL="+admin.email,
		"DJANGO_SUPERUSER_PASSWORD="+admin.password,
	), "createsuperuser", "--noinput"); err != nil {
		return err
	}
	if err := b.open("/admin/", 0); err != nil {
		return err
	}
	if p := b.path(); p != "/admin/login/" {
		return fmt.Errorf("/admin/ as an anonymous user ended at %s, want /admin/login/", p)
	}
	// The admin's login field is named "username" whatever the user model's
	// USERNAME_FIELD is: try the user name, then the e-mail.
	for _, login := range []string{admin.username, admin.email} {
		_, err := b.fillAndSubmit(hasPassword, func(f formField) string {
			switch {
			case f.Type == "password":
				return admin.password
			case f.Type == "text" || f.Type == "email":
				return login
			}
			return ""
		})
		if err != nil {
			return fmt.Errorf("admin log-in: %w", err)
		}
		if b.path() != "/admin/login/" {
			break
		}
	}
	if ok, _ := b.eval(`document.body.classList.contains('dashboard') || document.body.innerText.includes('Site administration')`); !ok {
		return fmt.Errorf("the admin index is not shown after the superuser logged in (at %s); page says:\n%s", b.path(), b.text(1500))
	}
	return b.screenshot(r.v.Name + "-admin")
}

func fieldNames(fs []formField) []string {
	var names []string
	for _, f := range fs {
		if f.Visible {
			names = append(names, f.Name+":"+f.Type)
		}
	}
	return names
}

// djangoAPIDocs checks that the API documentation pages that the README
// names answer 200.
func (r *variantRun) djangoAPIDocs(srv *server) error {
	readme, _ := os.ReadFile(filepath.Join(r.proj, "README.md"))
	re := regexp.MustCompile(`/api/(?:schema|docs|redoc|swagger)[a-z0-9/_-]*`)
	seen := map[string]bool{}
	cl := &checkList{r: r}
	for _, p := range re.FindAllString(string(readme), -1) {
		if seen[p] {
			continue
		}
		seen[p] = true
		resp, err := request("GET", srv.base+p, nil, nil)
		if err != nil {
			cl.fail("GET %s: %v", p, err)
			continue
		}
		cl.ok(resp.StatusCode == 200, "api_docs: GET %s -> %d (want 200)", p, resp.StatusCode)
	}
	if len(seen) == 0 {
		r.note("api_docs=true but README.md names no /api/schema/ or /api/docs/ path")
	}
	return cl.err()
}

// djangoPostgres migrates a PostgreSQL database and runs the generated tests
// against it when their settings honour DATABASE_URL.
func (r *variantRun) djangoPostgres() error {
	pg, reason := postgres(r.s.build)
	if pg == nil {
		r.t.Logf("postgres: skipped (no server)")
		return skipStep("postgres: skipped (no server): %s", reason)
	}
	db, err := pg.createDatabase(r.v.Name)
	if err != nil {
		return err
	}
	env := r.env(unset("DJANGO_SETTINGS_MODULE"), "DATABASE_URL="+db.url)
	if _, err := r.manage(env, "migrate", "--noinput"); err != nil {
		return err
	}
	if _, err := r.manage(env, "makemigrations", "--check", "--dry-run"); err != nil {
		return err
	}
	tables, err := pg.psql(db.name, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`)
	if err != nil {
		return err
	}
	r.t.Logf("postgres: %s has %s tables after migrate", db.name, strings.TrimSpace(tables))
	return r.pytestOnPostgres(pg, db, env)
}
