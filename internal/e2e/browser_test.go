//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// actionTimeout bounds one browser action (a page load, a form submission).
const actionTimeout = 30 * time.Second

// findChrome returns the Chromium binary. CI installs Debian's chromium; a
// missing browser fails the browser step, it is never skipped.
func findChrome() (string, error) {
	if p := os.Getenv("FWGEN_E2E_CHROME"); p != "" {
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found (/usr/bin/chromium; install it with `apt-get install -y chromium`, or set FWGEN_E2E_CHROME)")
}

// browser is one headless Chromium with one tab, pointed at one server.
type browser struct {
	r           *variantRun
	ctx         context.Context
	cancel      context.CancelFunc
	allocCancel context.CancelFunc
	dataDir     string
	logFile     *os.File
	base        string // http://127.0.0.1:<port>

	mu       sync.Mutex
	external map[string]bool // hosts other than 127.0.0.1 the pages asked for
	// cspViolations are the CSP violations Chromium logged; loads counts
	// the pages opened.
	cspViolations []string
	loads         int
}

func (r *variantRun) newBrowser() (*browser, error) {
	exe, err := findChrome()
	if err != nil {
		return nil, err
	}
	dataDir, err := os.MkdirTemp("", "fwgen-e2e-chromium-")
	if err != nil {
		return nil, err
	}
	b := &browser{r: r, dataDir: dataDir, external: map[string]bool{}}
	var logw io.Writer = io.Discard
	if f, err := os.Create(filepath.Join(r.logDir, "chromium.log")); err == nil {
		b.logFile = f
		logw = f
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dataDir),
		// Quiet and self-contained: no proxy, no name resolution but for
		// 127.0.0.1, so a page that loads an asset from the internet gets
		// an error instead of a connection (and the suite notes the host).
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-breakpad", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(logw),
	}
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	logf := func(format string, args ...any) { fmt.Fprintf(logw, format+"\n", args...) }
	ctx, cancel := chromedp.NewContext(allocCtx,
		chromedp.WithLogf(logf), chromedp.WithErrorf(logf))
	b.ctx, b.cancel, b.allocCancel = ctx, cancel, allocCancel

	// The first Do starts the browser; it must not run under a timeout.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err = <-started:
	case <-time.After(60 * time.Second):
		err = errors.New("timed out after 60s")
	}
	if err != nil {
		b.close()
		return nil, fmt.Errorf("starting %s: %w", exe, err)
	}
	if err := chromedp.Listen(ctx, b.onEvent); err != nil {
		b.close()
		return nil, err
	}
	// Chromium reports Content-Security-Policy violations in its log.
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		b.close()
		return nil, err
	}
	r.t.Logf("browser: %s (user data %s)", exe, dataDir)
	return b, nil
}

// onEvent notes requests that leave 127.0.0.1, and CSP violations.
func (b *browser) onEvent(ev any) {
	if l, ok := ev.(*cdplog.EventEntryAdded); ok && l.Entry != nil {
		if strings.Contains(l.Entry.Text, "Content Security Policy") {
			b.mu.Lock()
			b.cspViolations = append(b.cspViolations, l.Entry.URL+": "+l.Entry.Text)
			b.mu.Unlock()
		}
		return
	}
	e, ok := ev.(*network.EventRequestWillBeSent)
	if !ok || e.Request == nil {
		return
	}
	u, err := url.Parse(e.Request.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss") {
		return
	}
	if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" {
		b.mu.Lock()
		b.external[u.Scheme+"://"+u.Host] = true
		b.mu.Unlock()
	}
}

func (b *browser) close() {
	if b.cancel != nil {
		b.cancel()
	}
	if b.allocCancel != nil {
		b.allocCancel()
	}
	b.mu.Lock()
	var hosts []string
	for h := range b.external {
		hosts = append(hosts, h)
	}
	b.mu.Unlock()
	if len(hosts) > 0 {
		sort.Strings(hosts)
		b.r.note("the pages asked for resources outside the server (blocked here): %s", strings.Join(hosts, ", "))
	}
	// Chromium's helpers can write to the profile for a moment after exit.
	for i := 0; i < 20; i++ {
		if os.RemoveAll(b.dataDir) == nil {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if b.logFile != nil {
		b.logFile.Close()
	}
}

// timed returns a context for one action.
func (b *browser) timed() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, actionTimeout)
}

// open loads base+path and checks the final status (0: any status).
func (b *browser) open(path string, wantStatus int) error {
	ctx, cancel := b.timed()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		return fmt.Errorf("loading %s: %w", path, err)
	}
	status := 0
	if resp != nil {
		status = int(resp.Status)
	}
	b.mu.Lock()
	b.loads++
	b.mu.Unlock()
	b.r.t.Logf("  browser: GET %s -> %d, at %s", path, status, b.path())
	if wantStatus != 0 && status != wantStatus {
		return fmt.Errorf("loading %s gave HTTP %d, want %d; page says:\n%s", path, status, wantStatus, b.text(1500))
	}
	return nil
}

// checkCSP fails when Chromium reported any Content-Security-Policy
// violation on the pages it visited so far.
func (b *browser) checkCSP() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.cspViolations) > 0 {
		return fmt.Errorf("Chromium reported %d Content-Security-Policy violations:\n  %s",
			len(b.cspViolations), strings.Join(b.cspViolations, "\n  "))
	}
	b.r.note("Chromium reported no CSP violation on the %d pages it loaded", b.loads)
	return nil
}

// path is the path (and query) of the current page.
func (b *browser) path() string {
	ctx, cancel := b.timed()
	defer cancel()
	p, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return p
}

// text is the visible text of the page, cut to max characters (0: all).
func (b *browser) text(max int) string {
	ctx, cancel := b.timed()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return "<" + err.Error() + ">"
	}
	if max > 0 && len(s) > max {
		s = s[:max] + "..."
	}
	return s
}

func (b *browser) eval(expr string) (bool, error) {
	ctx, cancel := b.timed()
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
}

func (b *browser) clearCookies() error {
	ctx, cancel := b.timed()
	defer cancel()
	_, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{})
	return err
}

// screenshot saves the whole page as build/e2e/artifacts/<name>.png.
func (b *browser) screenshot(name string) error {
	ctx, cancel := b.timed()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return fmt.Errorf("screenshot %s: %w", name, err)
	}
	path := filepath.Join(b.r.s.artifacts, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return err
	}
	b.r.t.Logf("  browser: screenshot %s", path)
	return nil
}

// failureShot saves a screenshot of the page where a flow failed.
func (b *browser) failureShot(name string) {
	if err := b.screenshot(name); err == nil {
		b.r.t.Logf("  browser: the page at the failure is in %s", filepath.Join(b.r.s.artifacts, name+".png"))
	}
}

// formField describes one control of a form, as the page reports it.
type formField struct {
	Idx      int    `json:"idx"`
	Tag      string `json:"tag"`
	Type     string `json:"type"`
	Name     string `json:"name"`
	ID       string `json:"id"`
	Label    string `json:"label"`
	Visible  bool   `json:"visible"`
	Required bool   `json:"required"`
}

// hint is what identifies the field to a person: name, id and label text.
func (f formField) hint() string {
	return strings.ToLower(f.Name + " " + f.ID + " " + f.Label)
}

// clickValue as a field value means "click it" (checkboxes).
const clickValue = "\x00click"

// markForm marks the first form for which the JavaScript predicate pred
// (a function of the form element) is true.
func (b *browser) markForm(pred string) error {
	ok, err := b.eval(`(() => {
		document.querySelectorAll('[data-e2e-form]').forEach(f => f.removeAttribute('data-e2e-form'));
		const f = Array.from(document.forms).find(` + pred + `);
		if (!f) return false;
		f.setAttribute('data-e2e-form', '1');
		return true;
	})()`)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no form on %s matches %s; page says:\n%s", b.path(), pred, b.text(1500))
	}
	return nil
}

// fields lists the marked form's controls and tags each for a selector.
func (b *browser) fields() ([]formField, error) {
	ctx, cancel := b.timed()
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`(() => {
		const f = document.querySelector('form[data-e2e-form]');
		return Array.from(f.querySelectorAll('input, textarea, select')).map((e, i) => {
			e.setAttribute('data-e2e-field', String(i));
			const label = Array.from(e.labels || []).map(l => l.innerText).join(' ');
			return {
				idx: i, tag: e.tagName.toLowerCase(), type: (e.type || '').toLowerCase(),
				name: e.name || '', id: e.id || '',
				label: label + ' ' + (e.placeholder || '') + ' ' + (e.getAttribute('aria-label') || ''),
				visible: e.type !== 'hidden' && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden',
				required: !!e.required,
			};
		});
	})()`))
	if err != nil {
		return nil, err
	}
	var fs []formField
	if err := json.Unmarshal(raw, &fs); err != nil {
		return nil, err
	}
	return fs, nil
}

// fillAndSubmit marks the form that pred picks, fills every visible control
// for which value returns something (typing it as a user would), clicks the
// form's submit button and returns the HTTP status of the page it loads.
func (b *browser) fillAndSubmit(pred string, value func(formField) string) (int, error) {
	if err := b.markForm(pred); err != nil {
		return 0, err
	}
	fs, err := b.fields()
	if err != nil {
		return 0, err
	}
	var filled []string
	for _, f := range fs {
		if !f.Visible || f.Tag == "select" {
			continue
		}
		switch f.Type {
		case "submit", "button", "reset", "image", "file", "hidden":
			continue
		}
		v := value(f)
		if v == "" {
			continue
		}
		sel := fmt.Sprintf(`form[data-e2e-form] [data-e2e-field="%d"]`, f.Idx)
		ctx, cancel := b.timed()
		if v == clickValue {
			err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel)))
		} else {
			// Empty the control first (a form can come pre-filled), then
			// type as a user would.
			_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const e = document.querySelector('%s'); e.value = ''; return true; })()`, sel)))
			if err == nil {
				err = chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), v))
			}
		}
		cancel()
		if err != nil {
			return 0, fmt.Errorf("filling %s (%s): %w", f.Name, f.Type, err)
		}
		if f.Type == "password" {
			v = "***"
		}
		filled = append(filled, f.Name+"="+v)
	}
	b.r.t.Logf("  browser: on %s filled %s", b.path(), strings.Join(filled, " "))
	return b.clickSubmit()
}

// submitForm clicks the submit button of the form that pred picks.
func (b *browser) submitForm(pred string) error {
	if err := b.markForm(pred); err != nil {
		return err
	}
	_, err := b.clickSubmit()
	return err
}

// clickSubmit clicks the marked form's submit button and waits for the page
// that it loads; it returns that page's HTTP status.
func (b *browser) clickSubmit() (int, error) {
	before := b.path()
	ctx, cancel := b.timed()
	defer cancel()
	sel := chromedp.CSS(`form[data-e2e-form] [type=submit], form[data-e2e-form] button:not([type])`)
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(sel))
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, fmt.Errorf("clicking the submit button on %s loaded no page within %s (client-side validation?); page says:\n%s", before, actionTimeout, b.text(1500))
		}
		return 0, fmt.Errorf("clicking the submit button on %s: %w", before, err)
	}
	status := 0
	if resp != nil {
		status = int(resp.Status)
	}
	b.r.t.Logf("  browser: submitted the form on %s -> %d, at %s", before, status, b.path())
	return status, nil
}

// account is the user that a browser flow signs up with.
type account struct {
	email, username, password string
	hasUsername               bool // the sign-up form asked for a user name
}

// registerValue fills a sign-up form.
func (a *account) registerValue(f formField) string {
	h := f.hint()
	switch {
	case f.Type == "checkbox":
		if f.Required {
			return clickValue
		}
		return ""
	case f.Type == "password":
		return a.password
	case f.Type == "email" || strings.Contains(h, "email") || strings.Contains(h, "e-mail"):
		return a.email
	case strings.Contains(h, "user") || strings.Contains(h, "login"):
		a.hasUsername = true
		return a.username
	case strings.Contains(h, "name"):
		return "E2E Tester"
	case f.Type == "text" || f.Tag == "textarea":
		return "e2e"
	}
	return ""
}

// loginValue fills a log-in form.
func (a *account) loginValue(f formField) string {
	h := f.hint()
	switch {
	case f.Type == "checkbox":
		return ""
	case f.Type == "password":
		return a.password
	case f.Type == "email" || strings.Contains(h, "email") || strings.Contains(h, "e-mail"):
		return a.email
	case f.Type == "text":
		if a.hasUsername {
			return a.username
		}
		return a.email
	}
	return ""
}
