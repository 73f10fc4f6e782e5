//go:build e2e

package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The attack step tries the generated app as an attacker would, against
// gunicorn with production settings and two workers: guessing passwords,
// replaying cookies, probing the account pages.

// defaultFailureLimit is the documented default of both templates: failed
// logins allowed per account and per address before the lock.
const defaultFailureLimit = 5

// defaultFormLimit is the documented default of both templates for the forms
// that may send an e-mail (password-reset request, sign-up): requests allowed
// per e-mail address and per client address before the next one gets 429.
const defaultFormLimit = 5

// attackTarget is what differs between the frameworks.
type attackTarget struct {
	app       string   // WSGI entry
	health    string   // health path
	env       []string // production environment
	login     string   // login page
	userField string   // the login form's account field
	csrfField string   // the forms' hidden CSRF field
	private   string   // a page only a logged-in user gets
	refused   int      // what private answers to anyone else
	withOut   string   // a page that shows a logged-in user the logout form
	logout    string   // where that form posts
	remember  bool     // the login form has "remember me"
	signup    func(c *webClient, name, email, password string) (*response, error)
	signupURL string // where signup posts
	resetURL  string // the password-reset request form
	static    string // a static file
	// resetThrottle lifts the lockouts that the throttle check left.
	resetThrottle func() error
	// makeUser creates an account and returns its login name.
	makeUser func(c *webClient, name, password string) (string, error)
}

func (r *variantRun) flaskAttackTarget() (attackTarget, error) {
	// Mail goes to the server's console, where the checks read it.
	env := r.env("APP_ENV=production", "SECRET_KEY="+randomSecret(48), "DATABASE_URL="+r.sqliteURL("attack.sqlite3"),
		"EMAIL_URL=consolemail://")
	if _, err := r.flaskDBRun(r.flaskDB(), env, "upgrade"); err != nil {
		return attackTarget{}, fmt.Errorf("migrating the attack database: %w", err)
	}
	return attackTarget{
		app: "wsgi:app", health: "/healthz", env: env,
		login: "/auth/login", userField: "email", csrfField: "csrf_token",
		signup: flaskSignup, signupURL: "/auth/register", resetURL: "/auth/reset", static: "/static/style.css", private: "/dashboard", refused: 302, withOut: "/dashboard", logout: "/auth/logout", remember: true,
		// The checks that follow come from other addresses, for other accounts.
		resetThrottle: func() error { return nil },
		makeUser: func(c *webClient, name, password string) (string, error) {
			email := name + "@example.com"
			resp, err := flaskSignup(c, name, email, password)
			if err != nil {
				return "", err
			}
			if resp.StatusCode != 302 {
				return "", fmt.Errorf("registering %s -> %d (want 302): %s", email, resp.StatusCode, firstLine(resp.body))
			}
			return email, nil
		},
	}, nil
}

func (r *variantRun) djangoAttackTarget() (attackTarget, error) {
	env := mergeEnv(r.djangoProdEnv(), "DATABASE_URL="+r.sqliteURL("attack.sqlite3"), "EMAIL_URL=consolemail://")
	if _, err := r.manage(env, "migrate", "--noinput"); err != nil {
		return attackTarget{}, fmt.Errorf("migrating the attack database: %w", err)
	}
	return attackTarget{
		app: "config.wsgi:application", health: "/healthz/", env: env,
		login: "/accounts/login/", userField: "username", csrfField: "csrfmiddlewaretoken",
		signup: djangoSignup, signupURL: "/accounts/signup/", resetURL: "/accounts/password_reset/", static: "/static/css/site.css", private: r.apiResourcePath(), refused: 403, withOut: "/", logout: "/accounts/logout/",
		// Django sees every request come from 127.0.0.1 (no proxy in front),
		// which the throttle checks have locked: logins (django-axes), reset
		// requests and sign-ups (the project's own).
		resetThrottle: func() error {
			if _, err := r.manage(env, "axes_reset"); err != nil {
				return err
			}
			_, err := r.manage(env, "throttle_reset")
			return err
		},
		makeUser: func(_ *webClient, name, password string) (string, error) {
			code := fmt.Sprintf("from users.models import User; User.objects.create_user(%q, %q, %q)",
				name, name+"@example.com", password)
			_, err := r.manage(env, "shell", "-c", code)
			return name, err
		},
	}, nil
}

func (r *variantRun) attack() error {
	var target attackTarget
	var err error
	if r.v.Framework == "flask" {
		target, err = r.flaskAttackTarget()
	} else {
		target, err = r.djangoAttackTarget()
	}
	if err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	start := func(name string) (*server, error) {
		srv, err := r.startServer(name, target.env, port, r.gunicorn(target.app, port)...)
		if err != nil {
			return nil, err
		}
		if err := srv.waitReady(target.health, forwardedHTTPS(), 60*time.Second); err != nil {
			srv.stop()
			return nil, err
		}
		return srv, nil
	}
	srv, err := start("gunicorn-attack")
	if err != nil {
		return err
	}
	defer srv.stop()
	cl := &checkList{r: r}
	password := "Sx-" + randomHex(12)
	owner := newWebClient(srv.base, "198.51.100.7")
	victim, err := target.makeUser(owner, "victim", password)
	if err != nil {
		return err
	}
	r.checkThrottle(cl, srv, target, victim, password)
	forms := formThrottles(target, password)
	for _, f := range forms {
		r.checkFormThrottle(cl, srv, f)
	}

	// A restart keeps the counts: they are not in the workers' memory.
	srv.stop()
	if srv, err = start("gunicorn-attack-restarted"); err != nil {
		return err
	}
	defer srv.stop()
	if resp, err := newWebClient(srv.base, "198.51.100.8").login(target, victim, password); err != nil {
		cl.fail("login after the restart: %v", err)
	} else {
		cl.ok(resp.StatusCode == 429, "after a restart, the right password for the locked account -> %d (want 429)", resp.StatusCode)
	}
	for _, f := range forms {
		if resp, err := f.post(newWebClient(srv.base, "198.51.100.8"), 0); err != nil {
			cl.fail("%s after the restart: %v", f.name, err)
		} else {
			cl.ok(resp.StatusCode == 429, "after a restart, a %s for the locked e-mail address -> %d (want 429)", f.name, resp.StatusCode)
		}
	}
	if err := target.resetThrottle(); err != nil {
		return err
	}
	r.checkSessionsEnd(cl, srv, target, password)
	r.checkWeakPasswords(cl, srv, target)
	// The weak passwords are sign-ups from this machine's address too: the
	// identical-sign-up check starts from no count, not one short of it.
	if err := target.resetThrottle(); err != nil {
		return err
	}
	r.checkSignupIdentical(cl, srv, target, "carol@example.com", password)
	r.checkHeaders(cl, srv, target, password)
	if cl.err() != nil {
		return fmt.Errorf("%w\n%s", cl.err(), srv.describe())
	}
	return nil
}

// accessLineRe reads the status and the worker's pid from gunicorn's access
// log (see gunicorn's --access-logformat in server_test.go).
var accessLineRe = regexp.MustCompile(`"(\S+) (\S+) HTTP/[0-9.]+" (\d{3}) \S+ pid=<?(\d+)`)

// pidsAnswering counts, per worker pid, the access-log lines of method+path
// answered with status.
func pidsAnswering(log, method, path string, status int) map[string]int {
	pids := map[string]int{}
	for _, m := range accessLineRe.FindAllStringSubmatch(log, -1) {
		u, _ := url.Parse(m[2])
		if m[1] == method && u != nil && u.Path == path && m[3] == strconv.Itoa(status) {
			pids[m[4]]++
		}
	}
	return pids
}

func describePids(pids map[string]int) string {
	var parts []string
	for pid, n := range pids {
		parts = append(parts, fmt.Sprintf("pid %s: %d", pid, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// checkThrottle guesses passwords until the lock, then proves that the
// right password is refused by every worker.
func (r *variantRun) checkThrottle(cl *checkList, srv *server, target attackTarget, victim, password string) {
	attacker := newWebClient(srv.base, "203.0.113.7")
	for i := 1; i < defaultFailureLimit; i++ {
		resp, err := attacker.login(target, victim, "wrong-"+strconv.Itoa(i))
		if err != nil {
			cl.fail("wrong password %d: %v", i, err)
			return
		}
		if !cl.ok(resp.StatusCode == 200, "wrong password %d of %d -> %d (want 200, the form again)", i, defaultFailureLimit-1, resp.StatusCode) {
			return
		}
	}
	resp, err := attacker.login(target, victim, "wrong-last")
	if err != nil {
		cl.fail("wrong password %d: %v", defaultFailureLimit, err)
		return
	}
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	cl.ok(resp.StatusCode == 429 && retry > 0, "wrong password %d -> %d Retry-After %q (want 429 with Retry-After > 0)",
		defaultFailureLimit, resp.StatusCode, resp.Header.Get("Retry-After"))

	// The owner, from another address, with the right password, many times
	// at once so that both workers answer.
	owner := newWebClient(srv.base, "198.51.100.9")
	page, err := owner.get(target.login)
	if err != nil {
		cl.fail("GET %s: %v", target.login, err)
		return
	}
	token := hiddenValue(page.body, target.csrfField)
	const tries = 8
	var wg sync.WaitGroup
	codes := make([]int, tries)
	for round := 0; round < 4; round++ {
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := owner.post(target.login, url.Values{
					target.csrfField: {token}, target.userField: {victim}, "password": {password},
				})
				if err == nil {
					codes[i] = resp.StatusCode
				}
			}()
		}
		wg.Wait()
		for _, c := range codes {
			if !cl.ok(c == 429, "the right password while locked -> %d (want 429)", c) {
				return
			}
		}
		if len(pidsAnswering(srv.out.String(), "POST", target.login, 429)) >= 2 {
			break
		}
	}
	pids := pidsAnswering(srv.out.String(), "POST", target.login, 429)
	cl.ok(len(pids) >= 2, "both gunicorn workers refused the locked account with 429 (%s)", describePids(pids))
	r.note("throttle: %d wrong passwords answered 200, the %dth 429 (Retry-After %ds); the right password then got 429 from %d workers (%s)",
		defaultFailureLimit-1, defaultFailureLimit, retry, len(pids), describePids(pids))
}

// formThrottle is a form that may send an e-mail, throttled per e-mail
// address and per client address.
type formThrottle struct {
	name string
	path string
	// post sends the i-th request; all of them name the same e-mail address.
	post func(c *webClient, i int) (*response, error)
}

func formThrottles(target attackTarget, password string) []formThrottle {
	return []formThrottle{
		{"password-reset request", target.resetURL, func(c *webClient, _ int) (*response, error) {
			return c.submit(target.resetURL, target.csrfField, url.Values{"email": {"throttled-reset@example.com"}})
		}},
		{"sign-up", target.signupURL, func(c *webClient, i int) (*response, error) {
			return target.signup(c, fmt.Sprintf("throttled%d", i), "throttled-signup@example.com", password)
		}},
	}
}

// checkFormThrottle sends the allowed requests, then one more, which must
// get 429 with Retry-After; then, from another address, requests for the
// same e-mail address at once until both workers have refused them.
func (r *variantRun) checkFormThrottle(cl *checkList, srv *server, f formThrottle) {
	sender := newWebClient(srv.base, "203.0.113.30")
	for i := 1; i <= defaultFormLimit; i++ {
		resp, err := f.post(sender, i)
		if err != nil {
			cl.fail("%s %d: %v", f.name, i, err)
			return
		}
		if !cl.ok(resp.StatusCode == 302, "%s %d of %d -> %d (want 302)", f.name, i, defaultFormLimit, resp.StatusCode) {
			return
		}
	}
	resp, err := f.post(sender, defaultFormLimit+1)
	if err != nil {
		cl.fail("%s %d: %v", f.name, defaultFormLimit+1, err)
		return
	}
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	cl.ok(resp.StatusCode == 429 && retry > 0, "%s %d -> %d Retry-After %q (want 429 with Retry-After > 0)",
		f.name, defaultFormLimit+1, resp.StatusCode, resp.Header.Get("Retry-After"))

	other := newWebClient(srv.base, "203.0.113.31")
	// Its CSRF cookie first: requests sent at once from a client without
	// one would each get another, and most would then fail the CSRF check.
	if _, err := other.get(f.path); err != nil {
		cl.fail("GET %s: %v", f.path, err)
		return
	}
	const tries = 8
	codes := make([]int, tries)
	for round := 0; round < 4; round++ {
		var wg sync.WaitGroup
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = 0
				if resp, err := f.post(other, 100+round*tries+i); err == nil {
					codes[i] = resp.StatusCode
				}
			}()
		}
		wg.Wait()
		for _, c := range codes {
			if !cl.ok(c == 429, "%s for the locked e-mail address from another client -> %d (want 429)", f.name, c) {
				return
			}
		}
		if len(pidsAnswering(srv.out.String(), "POST", f.path, 429)) >= 2 {
			break
		}
	}
	pids := pidsAnswering(srv.out.String(), "POST", f.path, 429)
	cl.ok(len(pids) >= 2, "both gunicorn workers refused the %s with 429 (%s)", f.name, describePids(pids))
	r.note("%s throttle: %d requests answered 302, the %dth 429 (Retry-After %ds); then 429 from %d workers (%s)",
		f.name, defaultFormLimit, defaultFormLimit+1, retry, len(pids), describePids(pids))
}

// checkSessionsEnd logs in, copies the cookies to another client, logs out
// and replays the copy; remember-me cookies must change at each login and
// die at logout.
func (r *variantRun) checkSessionsEnd(cl *checkList, srv *server, target attackTarget, password string) {
	setup := newWebClient(srv.base, "198.51.100.20")
	user, err := target.makeUser(setup, "carol", password)
	if err != nil {
		cl.fail("creating the second account: %v", err)
		return
	}
	login := func(c *webClient, remember bool) bool {
		form := url.Values{target.userField: {user}, "password": {password}}
		if remember {
			form.Set("remember", "y")
		}
		resp, err := c.submit(target.login, target.csrfField, form)
		if err != nil {
			cl.fail("login as %s: %v", user, err)
			return false
		}
		return cl.ok(resp.StatusCode == 302, "login as %s -> %d (want 302)", user, resp.StatusCode)
	}
	status := func(c *webClient) int {
		resp, err := c.get(target.private)
		if err != nil {
			cl.fail("GET %s: %v", target.private, err)
			return 0
		}
		return resp.StatusCode
	}
	browser := newWebClient(srv.base, "198.51.100.21")
	if !login(browser, target.remember) {
		return
	}
	saved := browser.copy("198.51.100.22")
	cl.ok(status(saved) == 200, "a copy of the session cookies opens %s before logout", target.private)

	var remembered []*webClient
	if target.remember {
		first := browser.cookie("remember_token")
		other := newWebClient(srv.base, "198.51.100.23")
		if login(other, true) {
			second := other.cookie("remember_token")
			cl.ok(first != "" && second != "" && first != second, "remember-me cookie differs between two logins (%.12s… vs %.12s…)", first, second)
			for _, v := range []string{first, second} {
				c := newWebClient(srv.base, "198.51.100.24")
				c.setCookie("remember_token", v)
				cl.ok(status(c) == 200, "the remember-me cookie alone opens %s before logout", target.private)
				remembered = append(remembered, newWebClient(srv.base, "198.51.100.25"))
				remembered[len(remembered)-1].setCookie("remember_token", v)
			}
		}
	}

	page, err := browser.get(target.withOut)
	if err != nil {
		cl.fail("GET %s: %v", target.withOut, err)
		return
	}
	resp, err := browser.post(target.logout, url.Values{target.csrfField: {hiddenValue(page.body, target.csrfField)}})
	if err != nil {
		cl.fail("POST %s: %v", target.logout, err)
		return
	}
	cc, csd := resp.Header.Get("Cache-Control"), resp.Header.Get("Clear-Site-Data")
	cl.ok(resp.StatusCode == 200, "POST %s -> %d (want 200)", target.logout, resp.StatusCode)
	cl.ok(strings.Contains(cc, "no-store"), "logout Cache-Control: %q (want no-store)", cc)
	cl.ok(strings.Contains(csd, `"cookies"`) && strings.Contains(csd, `"storage"`), "logout Clear-Site-Data: %q", csd)
	cl.ok(status(saved) == target.refused, "the saved copy of the session cookies after logout: %s -> refused with %d", target.private, target.refused)
	for i, c := range remembered {
		cl.ok(status(c) == target.refused, "remember-me cookie %d after logout: %s -> refused with %d", i+1, target.private, target.refused)
	}
	r.note("sessions: a saved cookie copy was refused after logout; %d remember-me cookies checked", len(remembered))
}

// webClient is a browser without a browser: it keeps cookies (Secure ones
// too, as the requests stand for HTTPS behind a proxy), and sends what a TLS
// proxy adds.
type webClient struct {
	base    string
	forward string // the client address a proxy would put in X-Forwarded-For
	mu      sync.Mutex
	cookies map[string]string
}

func newWebClient(base, forward string) *webClient {
	return &webClient{base: base, forward: forward, cookies: map[string]string{}}
}

func (c *webClient) do(method, path string, form url.Values) (*response, error) {
	h := forwardedHTTPS()
	h.Set("X-Forwarded-For", c.forward)
	// CSRF checks over HTTPS want a same-origin Referer.
	h.Set("Referer", "https://"+strings.TrimPrefix(c.base, "http://")+path)
	c.mu.Lock()
	var pairs []string
	for k, v := range c.cookies {
		pairs = append(pairs, k+"="+v)
	}
	c.mu.Unlock()
	sort.Strings(pairs)
	if len(pairs) > 0 {
		h.Set("Cookie", strings.Join(pairs, "; "))
	}
	var body *strings.Reader
	if form != nil {
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		body = strings.NewReader(form.Encode())
	}
	var resp *response
	var err error
	if body != nil {
		resp, err = request(method, c.base+path, h, body)
	} else {
		resp, err = request(method, c.base+path, h, nil)
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range resp.Cookies() {
		if k.MaxAge < 0 || k.Value == "" || (!k.Expires.IsZero() && k.Expires.Before(time.Now())) {
			delete(c.cookies, k.Name)
		} else {
			c.cookies[k.Name] = k.Value
		}
	}
	return resp, nil
}

// copy is a second client holding the same cookies, from another address.
func (c *webClient) copy(forward string) *webClient {
	c.mu.Lock()
	defer c.mu.Unlock()
	o := newWebClient(c.base, forward)
	for k, v := range c.cookies {
		o.cookies[k] = v
	}
	return o
}

func (c *webClient) cookie(name string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cookies[name]
}

func (c *webClient) setCookie(name, value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cookies[name] = value
}

func (c *webClient) get(path string) (*response, error) { return c.do("GET", path, nil) }

func (c *webClient) post(path string, form url.Values) (*response, error) {
	return c.do("POST", path, form)
}

// submit loads the form page at path and posts form to it with the page's
// CSRF token.
func (c *webClient) submit(path, csrfField string, form url.Values) (*response, error) {
	page, err := c.get(path)
	if err != nil {
		return nil, err
	}
	token := hiddenValue(page.body, csrfField)
	if token == "" {
		return nil, fmt.Errorf("GET %s -> %d has no %s input", path, page.StatusCode, csrfField)
	}
	form.Set(csrfField, token)
	return c.post(path, form)
}

func (c *webClient) login(t attackTarget, user, password string) (*response, error) {
	return c.submit(t.login, t.csrfField, url.Values{t.userField: {user}, "password": {password}})
}

// hiddenValue is the value of the first input named name.
func hiddenValue(html, name string) string {
	for _, tag := range inputTagRe.FindAllString(html, -1) {
		a := htmlAttrs(tag)
		if a["name"] == name {
			return a["value"]
		}
	}
	return ""
}

// checkHeaders asks for every page type, anonymous and logged in, and checks
// the browser policy on each answer.
func (r *variantRun) checkHeaders(cl *checkList, srv *server, target attackTarget, password string) {
	user := "carol@example.com"
	if target.userField == "username" {
		user = "carol"
	}
	in := newWebClient(srv.base, "198.51.100.60")
	if resp, err := in.login(target, user, password); err != nil || resp.StatusCode != 302 {
		cl.fail("login for the header checks failed")
		return
	}
	anon := newWebClient(srv.base, "198.51.100.61")
	notFound := "/no-such-page/"
	pages := []struct {
		name, path string
		c          *webClient
		loggedIn   bool
	}{
		{"home", "/", anon, false},
		{"login", target.login, anon, false},
		{"static", target.static, anon, false},
		{"404", notFound, anon, false},
		{"home (logged in)", "/", in, true},
		{"private (logged in)", target.private, in, true},
		{"static (logged in)", target.static, in, true},
		{"404 (logged in)", notFound, in, true},
	}
	var table []string
	for _, p := range pages {
		resp, err := p.c.get(p.path)
		if err != nil {
			cl.fail("GET %s: %v", p.path, err)
			continue
		}
		h := resp.Header
		csp, coop, pp, hsts, cc := h.Get("Content-Security-Policy"), h.Get("Cross-Origin-Opener-Policy"),
			h.Get("Permissions-Policy"), h.Get("Strict-Transport-Security"), h.Get("Cache-Control")
		cl.ok(strings.Contains(csp, "default-src 'self'") && !strings.Contains(csp, "unsafe-inline"),
			"%s %s -> %d: CSP %q (strict, no unsafe-inline)", p.name, p.path, resp.StatusCode, csp)
		cl.ok(coop == "same-origin", "%s: Cross-Origin-Opener-Policy %q", p.name, coop)
		cl.ok(strings.Contains(pp, "camera=()"), "%s: Permissions-Policy %q", p.name, pp)
		cl.ok(strings.Contains(hsts, "max-age="), "%s: Strict-Transport-Security %q", p.name, hsts)
		cl.ok(h.Get("X-Content-Type-Options") == "nosniff", "%s: X-Content-Type-Options %q", p.name, h.Get("X-Content-Type-Options"))
		if p.loggedIn {
			cl.ok(strings.Contains(cc, "no-store"), "%s: Cache-Control %q (want no-store)", p.name, cc)
		} else if p.path == target.static {
			// No-store for a logged-in user must not cost everyone else the
			// static files' cache lifetime.
			cl.ok(!strings.Contains(cc, "no-store"), "%s: Cache-Control %q (want it cacheable)", p.name, cc)
		}
		table = append(table, fmt.Sprintf("%s %s %d: CSP=%v COOP=%s PP=%v HSTS=%v Cache-Control=%q",
			p.name, p.path, resp.StatusCode, csp != "", coop, pp != "", hsts != "", cc))
	}
	if resp, err := request("GET", srv.base+"/", nil, nil); err == nil {
		loc := resp.Header.Get("Location")
		cl.ok(resp.StatusCode == 301 && strings.HasPrefix(loc, "https://"), "plain http GET / -> %d %s (want 301 to https)", resp.StatusCode, loc)
	}
	if resp, err := request("GET", srv.base+target.health, nil, nil); err == nil {
		cl.ok(resp.StatusCode == 200, "plain http GET %s -> %d (want 200: exempt from the redirect)", target.health, resp.StatusCode)
	}
	r.note("headers:\n    %s", strings.Join(table, "\n    "))
}
