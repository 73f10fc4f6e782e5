//go:build e2e

package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// resetLinkRe finds a password-reset link in a mail that the development
// server wrote to its console.
var resetLinkRe = regexp.MustCompile(`https?://[^\s/]+(/(?:auth/reset|accounts/reset)/\S+)`)

// browserReset asks for a password-reset link in Chromium, reads it from the
// mail on the server's console, sets a new password through it, logs in with
// that password and checks that the link does not work twice.
func (r *variantRun) browserReset(b *browser, srv *server, acct *account, requestPath, loginPath string) error {
	if err := b.clearCookies(); err != nil {
		return err
	}
	if err := b.open(loginPath, 200); err != nil {
		return err
	}
	// The login page links to the request page.
	if ok, _ := b.eval(`Array.from(document.links).some(a => a.pathname === ` + jsString(requestPath) + `)`); !ok {
		return fmt.Errorf("the login page has no link to %s", requestPath)
	}
	if err := b.open(requestPath, 200); err != nil {
		return err
	}
	before := len(srv.out.String())
	if _, err := b.fillAndSubmit(`f => f.querySelector('input[type=email]')`, func(f formField) string {
		if f.Type == "email" {
			return acct.email
		}
		return ""
	}); err != nil {
		return fmt.Errorf("reset request: %w", err)
	}
	var link string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if m := resetLinkRe.FindAllStringSubmatch(srv.out.String()[before:], -1); m != nil {
			link = m[len(m)-1][1]
			break
		}
	}
	if link == "" {
		return fmt.Errorf("no reset link for %s appeared in the server's console mail within 15s", acct.email)
	}
	r.t.Logf("  reset: the console mail holds the link %s…", link[:min(len(link), 30)])
	if err := b.open(link, 200); err != nil {
		return err
	}
	newPassword := "Reset-" + randomHex(8) + "!"
	if _, err := b.fillAndSubmit(`f => f.querySelector('input[type=password]')`, func(f formField) string {
		if f.Type == "password" {
			return newPassword
		}
		return ""
	}); err != nil {
		return fmt.Errorf("setting the new password: %w", err)
	}
	old := acct.password
	acct.password = newPassword

	// The new password logs in; the old one no longer does.
	for _, try := range []struct {
		password string
		in       bool
	}{{old, false}, {newPassword, true}} {
		if err := b.clearCookies(); err != nil {
			return err
		}
		if err := b.open(loginPath, 200); err != nil {
			return err
		}
		acct.password = try.password
		if _, err := b.fillAndSubmit(`f => f.querySelector('input[type=password]')`, acct.loginValue); err != nil {
			return fmt.Errorf("login after the reset: %w", err)
		}
		if in := b.path() != loginPath; in != try.in {
			return fmt.Errorf("after the reset, logging in with the %s password: logged in %v, want %v; page says:\n%s",
				map[bool]string{true: "new", false: "old"}[try.in], in, try.in, b.text(800))
		}
	}
	acct.password = newPassword

	// The link works once.
	if err := b.clearCookies(); err != nil {
		return err
	}
	if err := b.open(link, 0); err != nil {
		return err
	}
	if ok, _ := b.eval(`!!document.querySelector('input[type=password]')`); ok {
		return fmt.Errorf("the reset link still offers a password form after it was used (at %s)", b.path())
	}
	r.note("reset: request page -> console mail -> link -> new password -> login with it (old refused) -> link refused on reuse")
	return nil
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// weakPasswords are refused by both templates' rules; "" stands for the
// e-mail address itself.
var weakPasswords = []string{"12345678", "password", ""}

// checkWeakPasswords signs up with each weak password and proves that no
// account was made: logging in with it fails.
func (r *variantRun) checkWeakPasswords(cl *checkList, srv *server, target attackTarget) {
	for i, pw := range weakPasswords {
		name := fmt.Sprintf("weak%d", i)
		email := name + "@example.com"
		if pw == "" {
			pw = email
		}
		c := newWebClient(srv.base, fmt.Sprintf("198.51.100.%d", 40+i))
		resp, err := target.signup(c, name, email, pw)
		if err != nil {
			cl.fail("signing up with %q: %v", pw, err)
			continue
		}
		cl.ok(resp.StatusCode == 200, "sign-up with the weak password %q -> %d (want 200, the form with an error)", pw, resp.StatusCode)
		user := email
		if target.userField == "username" {
			user = name
		}
		if resp, err := c.login(target, user, pw); err == nil {
			cl.ok(resp.StatusCode == 200, "login with the refused password %q -> %d (want 200: no such account)", pw, resp.StatusCode)
		}
	}
}

// signupForm is the sign-up of each framework.
func flaskSignup(c *webClient, _, email, password string) (*response, error) {
	return c.submit("/auth/register", "csrf_token", url.Values{
		"email": {email}, "password": {password}, "confirm": {password},
	})
}

func djangoSignup(c *webClient, name, email, password string) (*response, error) {
	return c.submit("/accounts/signup/", "csrfmiddlewaretoken", url.Values{
		"username": {name}, "email": {email}, "password1": {password}, "password2": {password},
	})
}

var csrfValueRe = regexp.MustCompile(`(name="(?:csrf_token|csrfmiddlewaretoken)"[^>]*value=")[^"]*"|(value=")[^"]*("[^>]*name="(?:csrf_token|csrfmiddlewaretoken)")`)

// maskCSRF blanks the CSRF tokens, which differ on every page by design.
func maskCSRF(html string) string { return csrfValueRe.ReplaceAllString(html, `${1}${2}CSRF"${3}`) }

// checkSignupIdentical signs up once with a new address and once with a
// taken one: the answers, and the pages they lead to, must be the same.
func (r *variantRun) checkSignupIdentical(cl *checkList, srv *server, target attackTarget, takenEmail, password string) {
	answer := func(name, email, forward string) (int, string, string) {
		c := newWebClient(srv.base, forward)
		resp, err := target.signup(c, name, email, password+"x")
		if err != nil {
			cl.fail("sign-up as %s: %v", email, err)
			return 0, "", ""
		}
		loc := resp.Header.Get("Location")
		page := ""
		if loc != "" {
			if next, err := c.get(loc); err == nil {
				page = maskCSRF(next.body)
			}
		}
		return resp.StatusCode, loc, page
	}
	s1, l1, p1 := answer("newcomer", "newcomer@example.com", "198.51.100.50")
	s2, l2, p2 := answer("newcomer2", strings.ToUpper(takenEmail), "198.51.100.51")
	cl.ok(s1 == s2 && l1 == l2 && p1 == p2 && p1 != "",
		"sign-up with a taken address answers like a new one (%d %s vs %d %s; pages equal: %v)", s1, l1, s2, l2, p1 == p2)
	// Its owner hears about it instead, by mail (on the server's console).
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(srv.out.String(), "Someone tried to sign up") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	cl.ok(strings.Contains(srv.out.String(), "Someone tried to sign up"), "the owner of the taken address was sent a mail about the sign-up")
}
