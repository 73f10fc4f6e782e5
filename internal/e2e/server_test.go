//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// freePort asks the kernel for a free TCP port on the loopback interface.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// httpClient talks only to 127.0.0.1, never follows redirects and ignores
// proxy settings.
var httpClient = &http.Client{
	Timeout: 20 * time.Second,
	Transport: &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if host != "127.0.0.1" {
				return nil, fmt.Errorf("the e2e suite only contacts 127.0.0.1, not %s", addr)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		DisableKeepAlives: true,
	},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// response is a fully read HTTP response.
type response struct {
	*http.Response
	body string
}

// request sends one request and reads the whole response. A "Host" entry in
// header replaces the Host header.
func request(method, url string, header http.Header, body io.Reader) (*response, error) {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return nil, err
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if h := header.Get("Host"); h != "" {
		req.Host = h
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	return &response{Response: resp, body: string(b)}, nil
}

// server is a web server of a generated project that the suite started.
type server struct {
	name   string
	cmd    *exec.Cmd
	cancel context.CancelFunc
	base   string // http://127.0.0.1:<port>
	out    *syncBuffer
	done   chan struct{} // closed when the process has exited
	err    error         // the Wait error, valid after done
	once   sync.Once
}

// startServer starts argv (which must listen on port) in its own process
// group, in the project directory. The server is stopped when the subtest
// ends, whatever happens.
func (r *variantRun) startServer(name string, env []string, port int, argv ...string) (*server, error) {
	return r.startServerIn(r.proj, name, env, port, argv...)
}

// startServerIn is startServer with another working directory, e.g. one
// outside the checkout for an installed wheel.
func (r *variantRun) startServerIn(dir, name string, env []string, port int, argv ...string) (*server, error) {
	// Cancelling the context kills the whole process group (setProcessGroup),
	// gunicorn's workers included.
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	setProcessGroup(cmd)
	s := &server{
		name:   name,
		cmd:    cmd,
		cancel: cancel,
		base:   fmt.Sprintf("http://127.0.0.1:%d", port),
		out:    &syncBuffer{},
		done:   make(chan struct{}),
	}
	var w io.Writer = s.out
	if f, err := os.Create(filepath.Join(r.logDir, fmt.Sprintf("server-%s.log", name))); err == nil {
		fmt.Fprintf(f, "$ %s\n(dir %s)\n(env %s)\n", shellJoin(argv), dir, interestingEnv(env))
		w = io.MultiWriter(s.out, f)
		r.t.Cleanup(func() { f.Close() })
	}
	cmd.Stdout = w
	cmd.Stderr = w
	r.t.Logf("starting %s: %s (%s)", name, shellJoin(argv), interestingEnv(env))
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("starting %s: %w", shellJoin(argv), err)
	}
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	r.t.Cleanup(s.stop)
	return s, nil
}

// stop ends the server: SIGINT to its process group (a quick shutdown for
// gunicorn, whose SIGTERM waits for the graceful timeout, and a
// KeyboardInterrupt for runserver), then SIGKILL to the group after 10s, and
// SIGKILL again for any process of the group that outlived the leader.
func (s *server) stop() {
	s.once.Do(func() {
		defer s.cancel()
		pgid := s.cmd.Process.Pid
		select {
		case <-s.done:
		default:
			_ = syscall.Kill(-pgid, syscall.SIGINT)
			select {
			case <-s.done:
			case <-time.After(10 * time.Second):
				s.cancel()
				<-s.done
			}
		}
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	})
}

// exited reports whether the process has ended.
func (s *server) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

func (s *server) exitCode() int {
	if s.cmd.ProcessState == nil {
		return -1
	}
	return s.cmd.ProcessState.ExitCode()
}

// describe gives the server's command, state and last output lines.
func (s *server) describe() string {
	state := "still running"
	if s.exited() {
		state = fmt.Sprintf("exited with code %d", s.exitCode())
	}
	return fmt.Sprintf("server %s: %s\n(env %s)\n%s\nlast %d lines of output:\n%s",
		s.name, shellJoin(s.cmd.Args), interestingEnv(s.cmd.Env), state, tailLines, indent(tail(s.out.String(), tailLines)))
}

// waitReady polls path until it answers 200, the process exits or the
// deadline passes.
func (s *server) waitReady(path string, header http.Header, within time.Duration) error {
	deadline := time.Now().Add(within)
	var last string
	for time.Now().Before(deadline) {
		if s.exited() {
			return fmt.Errorf("%s exited before it served %s\n%s", s.name, path, s.describe())
		}
		resp, err := request("GET", s.base+path, header, nil)
		if err == nil && resp.StatusCode == http.StatusOK {
			return nil
		}
		if err != nil {
			last = err.Error()
		} else {
			last = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, firstLine(resp.body))
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer 200 on %s within %s (last: %s)\n%s", s.name, path, within, last, s.describe())
}

// withServer starts a server on a free port (argv gives its command line for
// a port), waits until healthPath answers 200 and runs the checks against it.
func (r *variantRun) withServer(name string, env []string, healthPath string, header http.Header,
	argv func(port int) []string, checks func(*server, *checkList)) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	srv, err := r.startServer(name, env, port, argv(port)...)
	if err != nil {
		return err
	}
	defer srv.stop()
	if err := srv.waitReady(healthPath, header, 60*time.Second); err != nil {
		return err
	}
	cl := &checkList{r: r}
	checks(srv, cl)
	if cl.err() != nil {
		return fmt.Errorf("%w\n%s", cl.err(), srv.describe())
	}
	return nil
}

// expectRefusal starts a server that must not start (for example without its
// secret key): it must exit with a non-zero code within the timeout. If it
// serves healthPath or is still running at the timeout, it is killed and the
// check fails.
func (r *variantRun) expectRefusal(name string, env []string, healthPath string, header http.Header, within time.Duration, argv func(port int) []string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s, err := r.startServer(name, env, port, argv(port)...)
	if err != nil {
		return err
	}
	defer s.stop()
	deadline := time.After(within)
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-s.done:
			if code := s.exitCode(); code != 0 {
				r.t.Logf("%s refused to start as it must: exit code %d; last lines:\n%s", name, code, indent(tail(s.out.String(), 8)))
				return nil
			}
			return fmt.Errorf("%s exited with code 0; it must fail\n%s", name, s.describe())
		case <-tick.C:
			if resp, err := request("GET", s.base+healthPath, header, nil); err == nil && resp.StatusCode < 500 {
				s.stop()
				return fmt.Errorf("%s is serving (GET %s -> %d) although it must refuse to start\n%s", name, healthPath, resp.StatusCode, s.describe())
			}
		case <-deadline:
			s.stop()
			return fmt.Errorf("%s was still running after %s; it must exit with a non-zero code\n%s", name, within, s.describe())
		}
	}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// checkList collects the failures of several checks so that one step reports
// all of them.
type checkList struct {
	r    *variantRun
	errs []string
}

func (c *checkList) ok(cond bool, format string, args ...any) bool {
	msg := fmt.Sprintf(format, args...)
	if cond {
		c.r.t.Logf("  ok: %s", msg)
		c.r.logf("ok: %s", msg)
	} else {
		c.errs = append(c.errs, msg)
		c.r.t.Logf("  FAIL: %s", msg)
		c.r.logf("FAIL: %s", msg)
	}
	return cond
}

func (c *checkList) fail(format string, args ...any) { c.ok(false, format, args...) }

func (c *checkList) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return errors.New("failed checks:\n  - " + strings.Join(c.errs, "\n  - "))
}

// gunicorn returns the command line that serves app on 127.0.0.1:port with
// the virtualenv's gunicorn and two workers, as in production, logging
// requests with the pid of the worker that answered (accessLineRe reads it).
func (r *variantRun) gunicorn(app string, port int) []string {
	argv := []string{r.bin("gunicorn"), app, "-b", fmt.Sprintf("127.0.0.1:%d", port), "--workers", "2",
		"--access-logfile", "-", "--access-logformat", `%(h)s %(t)s "%(r)s" %(s)s %(b)s pid=%(p)s`}
	if r.noControlSocket == nil {
		// Gunicorn 24+ opens a control socket under ~/.gunicorn by default;
		// servers of the suite (and of anyone else on the machine) must not
		// share it.
		out, _ := exec.Command(r.bin("gunicorn"), "--help").CombinedOutput()
		supported := strings.Contains(string(out), "--no-control-socket")
		r.noControlSocket = &supported
	}
	if *r.noControlSocket {
		argv = append(argv, "--no-control-socket")
	}
	return argv
}
