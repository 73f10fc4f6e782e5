//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The suite runs a private PostgreSQL cluster of its own (Debian's
// postgresql package: initdb and pg_ctl under /usr/lib/postgresql/<v>/bin),
// on a free loopback port, with password authentication over TCP only. It
// starts on first use and TestMain stops it and removes its files.

type pgServer struct {
	bindir   string
	datadir  string
	port     int
	password string   // of the superuser "postgres"
	asUser   []string // prefix that runs a command as the cluster's owner
	logPath  string
	build    string
}

type pgDatabase struct {
	name, role, url string
}

var pgState struct {
	once   sync.Once
	srv    *pgServer
	reason string // why there is no server
}

// postgres returns the suite's server, starting it on first use, or nil and
// the reason why none can be used.
func postgres(build string) (*pgServer, string) {
	pgState.once.Do(func() {
		pgState.srv, pgState.reason = startPostgres(build)
	})
	return pgState.srv, pgState.reason
}

// stopPostgres stops the cluster if this process started one.
func stopPostgres() {
	if p := pgState.srv; p != nil {
		p.stop()
	}
}

// pgBindir finds the directory of initdb and pg_ctl.
func pgBindir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(matches, func(i, j int) bool { return pgVersion(matches[i]) > pgVersion(matches[j]) })
	for _, m := range matches {
		dir := filepath.Dir(m)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	return "", fmt.Errorf("no initdb/pg_ctl (install Debian's postgresql package)")
}

func pgVersion(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

// pgStateFile remembers the data folder of a running cluster so that a run
// that was killed leaves nothing running for long: the next run stops it.
func pgStateFile(build string) string { return filepath.Join(build, "postgres-datadir.txt") }

func startPostgres(build string) (*pgServer, string) {
	if os.Getenv("FWGEN_E2E_POSTGRES") == "off" {
		return nil, "FWGEN_E2E_POSTGRES=off"
	}
	bindir, err := pgBindir()
	if err != nil {
		return nil, err.Error()
	}
	p := &pgServer{bindir: bindir, password: randomHex(16), build: build}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root: run it as Debian's postgres.
		if _, err := user.Lookup("postgres"); err != nil {
			return nil, "running as root and there is no postgres user to own the cluster"
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			return nil, "running as root and there is no runuser to start the cluster as postgres"
		}
		p.asUser = []string{runuser, "-u", "postgres", "--"}
	}
	p.cleanupStale(build)

	// A folder in the temporary directory: the repository may sit under a
	// home folder that the postgres user cannot enter.
	dir, err := os.MkdirTemp("", "fwgen-e2e-pg-")
	if err != nil {
		return nil, err.Error()
	}
	p.datadir = filepath.Join(dir, "data")
	p.logPath = filepath.Join(dir, "server.log")
	pwfile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwfile, []byte(p.password+"\n"), 0o600); err != nil {
		return nil, err.Error()
	}
	if p.asUser != nil {
		if out, err := exec.Command("chown", "-R", "postgres:", dir).CombinedOutput(); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Sprintf("chown %s: %v: %s", dir, err, out)
		}
	}
	fail := func(format string, args ...any) (*pgServer, string) {
		p.stop()
		return nil, fmt.Sprintf(format, args...)
	}
	if out, err := p.run(2*time.Minute, "initdb", "-D", p.datadir, "-U", "postgres", "--pwfile", pwfile,
		"--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		return fail("initdb failed: %v\n%s", err, tail(out, 20))
	}
	os.Remove(pwfile)
	_ = os.WriteFile(pgStateFile(build), []byte(p.datadir+"\n"), 0o644)
	port, err := freePort()
	if err != nil {
		return fail("%v", err)
	}
	p.port = port
	conf := fmt.Sprintf(`
# fwgen e2e: a private, throw-away cluster
listen_addresses = '127.0.0.1'
port = %d
unix_socket_directories = ''
max_connections = 60
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
log_connections = on
`, port)
	if err := appendFile(filepath.Join(p.datadir, "postgresql.conf"), conf); err != nil {
		return fail("%v", err)
	}
	if out, err := p.run(2*time.Minute, "pg_ctl", "-D", p.datadir, "-l", p.logPath, "-w", "-t", "90", "start"); err != nil {
		log, _ := os.ReadFile(p.logPath)
		return fail("pg_ctl start failed: %v\n%s\n%s", err, tail(out, 20), tail(string(log), 20))
	}
	if v, err := p.psql("postgres", "SHOW server_version"); err != nil {
		return fail("the server does not answer: %v", err)
	} else {
		fmt.Printf("e2e: PostgreSQL %s on 127.0.0.1:%d (data %s)\n", strings.TrimSpace(v), port, p.datadir)
	}
	return p, ""
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// cleanupStale stops a cluster that an interrupted run left behind.
func (p *pgServer) cleanupStale(build string) {
	b, err := os.ReadFile(pgStateFile(build))
	if err != nil {
		return
	}
	datadir := strings.TrimSpace(string(b))
	if datadir != "" && strings.Contains(datadir, "fwgen-e2e-pg-") {
		if _, err := os.Stat(filepath.Join(datadir, "postmaster.pid")); err == nil {
			_, _ = p.run(time.Minute, "pg_ctl", "-D", datadir, "-m", "immediate", "-w", "stop")
		}
		os.RemoveAll(filepath.Dir(datadir))
	}
	os.Remove(pgStateFile(build))
}

// run runs one of the server programs as the cluster's owner.
func (p *pgServer) run(timeout time.Duration, prog string, args ...string) (string, error) {
	argv := append(append([]string(nil), p.asUser...), filepath.Join(p.bindir, prog))
	argv = append(argv, args...)
	res := runCommand(commandSpec{dir: os.TempDir(), env: cleanEnviron(), argv: argv, timeout: timeout})
	if res.err != nil {
		return res.output, fmt.Errorf("%s: exit %d: %v", shellJoin(argv), res.code, res.err)
	}
	return res.output, nil
}

// psql runs one SQL statement as the superuser and returns the unaligned
// result.
func (p *pgServer) psql(db, sql string) (string, error) {
	psql := filepath.Join(p.bindir, "psql")
	env := mergeEnv(cleanEnviron(), "PGPASSWORD="+p.password, "PGCONNECT_TIMEOUT=10")
	res := runCommand(commandSpec{
		dir: os.TempDir(), env: env, timeout: time.Minute,
		argv: []string{psql, "-X", "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(p.port), "-U", "postgres",
			"-d", db, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql},
	})
	if res.err != nil {
		return res.output, fmt.Errorf("psql %q: exit %d: %s", sql, res.code, strings.TrimSpace(res.output))
	}
	return res.output, nil
}

var identRe = regexp.MustCompile(`[^a-z0-9_]+`)

// createDatabase makes a fresh role and database for a variant. The role may
// create databases, as Django's test runner does.
func (p *pgServer) createDatabase(variant string) (pgDatabase, error) {
	name := "e2e_" + identRe.ReplaceAllString(strings.ToLower(variant), "_")
	pw := randomHex(12)
	for _, sql := range []string{
		fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name),
		fmt.Sprintf(`DROP DATABASE IF EXISTS test_%s WITH (FORCE)`, name),
		fmt.Sprintf(`DROP ROLE IF EXISTS %s`, name),
		fmt.Sprintf(`CREATE ROLE %s LOGIN CREATEDB PASSWORD '%s'`, name, pw),
		fmt.Sprintf(`CREATE DATABASE %s OWNER %s`, name, name),
	} {
		if _, err := p.psql("postgres", sql); err != nil {
			return pgDatabase{}, err
		}
	}
	return pgDatabase{
		name: name,
		role: name,
		url:  fmt.Sprintf("postgresql://%s:%s@127.0.0.1:%d/%s", name, pw, p.port, name),
	}, nil
}

// connections counts the connections that role has opened so far, from the
// server log (log_connections is on).
func (p *pgServer) connections(role string) int {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "connection authorized: user="+role+" ")
}

func (p *pgServer) stop() {
	if p.datadir == "" {
		return
	}
	if _, err := os.Stat(filepath.Join(p.datadir, "postmaster.pid")); err == nil {
		if _, err := p.run(time.Minute, "pg_ctl", "-D", p.datadir, "-m", "fast", "-w", "stop"); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: stopping PostgreSQL: %v\n", err)
		}
	}
	os.RemoveAll(filepath.Dir(p.datadir))
	os.Remove(pgStateFile(p.build))
	p.datadir = ""
}
